import type { Check, Outcome } from '../../core/model.ts';
import { indexPolicies, policyDirections } from '../lib/network.ts';
import { fail, inSystemNamespace, pass } from '../lib/outcomes.ts';
import { podMetadataPath } from '../lib/pod-security.ts';
import { describeWorkload, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * A pod that no NetworkPolicy selects is non-isolated: it accepts and opens any connection.
 * Catalog EKS-NET-02 (kubescape C-0260, Polaris missingNetworkPolicy).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 */
export const networkWorkloadsSelectedByPolicy: Check = {
  id: 'network-workloads-selected-by-policy',
  title: 'Every workload is selected by at least one NetworkPolicy',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['namespaces', 'networkpolicies', ...WORKLOAD_KINDS],
  rationale:
    'Pods are isolated only in the directions some NetworkPolicy selects them for; a pod that no policy ' +
    'selects accepts connections from, and opens connections to, every pod in the cluster. Having "a ' +
    'policy in the namespace" is not enough when its podSelector only covers some workloads, so each ' +
    "workload's pod labels are matched against the policies' selectors (matchLabels and matchExpressions).",
  remediation: {
    summary:
      'Add a default-deny policy with an empty podSelector to the namespace, or a policy whose podSelector ' +
      "matches the workload's pod template labels, allowing only the flows the workload needs.",
    cli: 'kubectl get networkpolicy -n <namespace> -o yaml\nkubectl get pods -n <namespace> --show-labels',
    iac:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api\n  namespace: <namespace>\n' +
      'spec:\n  podSelector:\n    matchLabels: { app: api }\n  policyTypes: [Ingress, Egress]\n  ingress:\n' +
      '    - from:\n        - podSelector:\n            matchLabels: { app: web }\n      ports: [{ port: 8080 }]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
  ],
  evaluate(snapshot, params) {
    const index = indexPolicies(snapshot.k8s.networkpolicies);
    const all = workloads(snapshot);
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    for (const workload of all) {
      const namespace = workload.resource.namespace ?? 'default';
      const name = describeWorkload(workload);
      if (system.has(namespace)) {
        outcomes.push(inSystemNamespace(workload.resource, name, namespace));
        continue;
      }
      const selecting = index.selecting(namespace, workload.podLabels);
      if (selecting.length === 0) {
        outcomes.push(
          fail(
            workload.resource,
            `${name}: no NetworkPolicy in namespace ${namespace} selects its pods, so they accept and open ` +
              'connections to any pod in the cluster.',
            {
              path: `${podMetadataPath(workload)}.labels`,
              evidence: {
                podLabels:
                  Object.entries(workload.podLabels)
                    .map(([key, value]) => `${key}=${value}`)
                    .join(', ') || null,
              },
            },
          ),
        );
        continue;
      }
      const directions = new Set(selecting.flatMap((policy) => [...policyDirections(policy)]));
      const covered = ['Ingress', 'Egress'].filter((d) => directions.has(d as 'Ingress' | 'Egress'));
      const names = selecting.map((policy) => policy.metadata.name);
      const missing = ['Ingress', 'Egress'].filter((d) => !covered.includes(d));
      outcomes.push(
        pass(
          workload.resource,
          `${name} is selected by NetworkPolic${names.length === 1 ? 'y' : 'ies'} ${names.join(', ')} ` +
            `(${covered.join(' and ').toLowerCase() || 'no direction'})` +
            (missing.length > 0
              ? `; its ${missing.join(' and ').toLowerCase()} traffic is not isolated.`
              : '.'),
          { evidence: { policies: names.join(', '), directions: covered.join(', ') } },
        ),
      );
    }
    return outcomes;
  },
};
