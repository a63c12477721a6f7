import type { Check, Outcome } from '../../core/model.ts';
import { namespaceOf } from '../lib/network.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { describe, WORKLOAD_KINDS, type Workload, workloads } from '../lib/workloads.ts';

const LISTED = 3;

/**
 * CIS EKS 4.3.2: without a NetworkPolicy every pod accepts traffic from every other pod in
 * the cluster. Policies only act where the CNI enforces them (VPC CNI network policy agent,
 * Calico, Cilium). https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export const networkNamespacesHaveNetworkPolicy: Check = {
  id: 'network-namespaces-have-network-policy',
  title: 'Every application namespace has at least one NetworkPolicy',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.3.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['namespaces', 'networkpolicies', ...WORKLOAD_KINDS],
  rationale:
    'Kubernetes networking is flat: unless a NetworkPolicy selects a pod, it accepts connections from ' +
    'every pod in every namespace. One compromised workload can then reach databases, internal APIs ' +
    'and other tenants directly. A default-deny policy per namespace, plus explicit allow rules, limits ' +
    'that lateral movement to the paths the application needs.',
  remediation: {
    summary:
      'Add a default-deny NetworkPolicy to each namespace, then allow the flows each workload needs; make ' +
      'sure network policy enforcement is enabled in the VPC CNI (or Calico/Cilium).',
    cli:
      'kubectl apply -n <namespace> -f default-deny.yaml\n' +
      'aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni ' +
      '--configuration-values \'{"enableNetworkPolicy":"true"}\'',
    iac:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n' +
      '  namespace: <namespace>\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot, params) {
    const system = new Set(params.systemNamespaces);
    const all = workloads(snapshot);
    const namespaces = new Set<string>(snapshot.k8s.namespaces.map((ns) => ns.metadata.name));
    // Grouped once by namespace, so large clusters are not scanned once per namespace.
    const policiesIn = new Map<string, string[]>();
    for (const policy of snapshot.k8s.networkpolicies) {
      const namespace = namespaceOf(policy.metadata);
      const names = policiesIn.get(namespace);
      if (names) names.push(policy.metadata.name);
      else policiesIn.set(namespace, [policy.metadata.name]);
    }
    const workloadsIn = new Map<string, Workload[]>();
    for (const workload of all) {
      const namespace = workload.resource.namespace ?? 'default';
      namespaces.add(namespace);
      const list = workloadsIn.get(namespace);
      if (list) list.push(workload);
      else workloadsIn.set(namespace, [workload]);
    }
    const outcomes: Outcome[] = [];
    for (const namespace of [...namespaces].sort()) {
      if (system.has(namespace)) continue;
      const resource = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
      const policies = policiesIn.get(namespace) ?? [];
      const running = workloadsIn.get(namespace) ?? [];
      if (policies.length > 0) {
        outcomes.push(
          pass(resource, `Namespace ${namespace} has NetworkPolicies: ${policies.join(', ')}.`, {
            evidence: { networkPolicies: policies.length, workloads: running.length },
          }),
        );
        continue;
      }
      const names = running.slice(0, LISTED).map((workload) => describe(workload.resource));
      const more = running.length > LISTED ? ` and ${running.length - LISTED} more` : '';
      outcomes.push(
        fail(
          resource,
          `Namespace ${namespace} has no NetworkPolicy` +
            (running.length > 0
              ? `; it runs ${running.length} workload(s) open to traffic from any pod: ${names.join(', ')}${more}.`
              : '; it runs no workloads yet, but any it gets will accept traffic from any pod.'),
          { evidence: { networkPolicies: 0, workloads: running.length } },
        ),
      );
    }
    return outcomes;
  },
};
