import type { Check, Outcome } from '../../core/model.ts';
import { namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';

/**
 * CVE-2020-8554: whoever can create or update a Service can set `spec.externalIPs` to any
 * address and have kube-proxy send the cluster's traffic for that address to their pods.
 * Trivy KSV-0108; catalog EKS-NET-08. https://github.com/kubernetes/kubernetes/issues/97076
 */
export const networkServicesNoExternalIps: Check = {
  id: 'network-services-no-external-ips',
  title: 'No Service sets spec.externalIPs',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['services'],
  rationale:
    "kube-proxy on every node routes traffic for a Service's external IPs to that Service's pods, whatever " +
    'the IP really belongs to. Anyone allowed to create or patch Services in any namespace can therefore ' +
    'name the address of a database, an AWS endpoint or another tenant and intercept the traffic that pods ' +
    'send to it (CVE-2020-8554, unfixed by design). EKS workloads have no need for externalIPs: load ' +
    'balancers and Ingresses publish Services instead, so any Service using them deserves scrutiny.',
  remediation: {
    summary:
      'Remove spec.externalIPs from the Service and publish it through a LoadBalancer Service or an Ingress; ' +
      'block the field for good with an admission policy (Kyverno, Gatekeeper or a ValidatingAdmissionPolicy ' +
      'rejecting Services that set externalIPs).',
    cli: 'kubectl patch service <name> -n <namespace> --type=json -p \'[{"op":"remove","path":"/spec/externalIPs"}]\'',
    iac:
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n' +
      '  name: deny-service-external-ips\nspec:\n  matchConstraints:\n    resourceRules:\n' +
      '      - apiGroups: [""]\n        apiVersions: [v1]\n        operations: [CREATE, UPDATE]\n' +
      '        resources: [services]\n  validations:\n' +
      '    - expression: "!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0"',
  },
  docs: [
    'https://github.com/kubernetes/kubernetes/issues/97076',
    'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const service of snapshot.k8s.services) {
      const ips = service.spec?.externalIPs ?? [];
      if (ips.length === 0) continue;
      const namespace = namespaceOf(service.metadata);
      outcomes.push(
        fail(
          { apiVersion: 'v1', kind: 'Service', namespace, name: service.metadata.name },
          `Service ${namespace}/${service.metadata.name} sets externalIPs ${ips.join(', ')}: kube-proxy sends ` +
            'traffic for those addresses to its pods (CVE-2020-8554).',
          { path: 'spec.externalIPs', evidence: { externalIPs: ips.join(', ') } },
        ),
      );
    }
    if (outcomes.length === 0) {
      const count = snapshot.k8s.services.length;
      outcomes.push(
        pass(clusterResource(snapshot), `None of the ${count} Service(s) sets spec.externalIPs.`, {
          evidence: { services: count },
        }),
      );
    }
    return outcomes;
  },
};
