import type { Check } from '../../core/model.ts';
import { defaultDenyOutcomes } from '../lib/network.ts';
import { WORKLOAD_KINDS } from '../lib/workloads.ts';

/**
 * A namespace-wide egress deny limits what a compromised pod can reach: other namespaces, the
 * instance metadata service, the internet. NSA/CISA "Network policies"; catalog EKS-NET-01.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic
 */
export const networkDefaultDenyEgress: Check = {
  id: 'network-default-deny-egress',
  title: 'Every application namespace denies outbound pod traffic by default',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['namespaces', 'networkpolicies', ...WORKLOAD_KINDS],
  rationale:
    'Without an egress policy a pod can open connections to any pod in any namespace, to the EC2 instance ' +
    'metadata service and to the internet: exactly what an attacker needs to move laterally, steal node ' +
    'credentials or exfiltrate data. A policy that selects every pod of the namespace with ' +
    '`policyTypes: [Egress]` and no rule that allows everything makes each outbound flow (DNS, the ' +
    'database, a partner API) an explicit allow. A namespace-wide policy that allows all egress undoes the ' +
    'deny, so it fails this check too.',
  remediation: {
    summary:
      'Add a NetworkPolicy with an empty podSelector and policyTypes [Egress] to each application namespace, ' +
      'allow DNS to kube-dns and the destinations each workload needs with narrower policies, and remove ' +
      'namespace-wide policies that allow all egress.',
    cli: 'kubectl apply -n <namespace> -f default-deny-egress.yaml',
    iac:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-egress\n' +
      '  namespace: <namespace>\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n---\n' +
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n' +
      '  namespace: <namespace>\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n' +
      '    - to:\n        - namespaceSelector:\n            matchLabels: { kubernetes.io/metadata.name: kube-system }\n' +
      '          podSelector:\n            matchLabels: { k8s-app: kube-dns }\n' +
      '      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
  ],
  evaluate(snapshot, params) {
    return defaultDenyOutcomes(snapshot, params, 'Egress');
  },
};
