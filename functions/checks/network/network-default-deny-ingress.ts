import type { Check } from '../../core/model.ts';
import { defaultDenyOutcomes } from '../lib/network.ts';
import { WORKLOAD_KINDS } from '../lib/workloads.ts';

/**
 * A namespace-wide default deny makes every allowed inbound flow an explicit decision.
 * NSA/CISA Kubernetes Hardening Guidance, "Network policies"; catalog EKS-NET-01.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
 */
export const networkDefaultDenyIngress: Check = {
  id: 'network-default-deny-ingress',
  title: 'Every application namespace denies inbound pod traffic by default',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['namespaces', 'networkpolicies', ...WORKLOAD_KINDS],
  rationale:
    'A pod accepts connections from every other pod in the cluster until some NetworkPolicy selects it for ' +
    'ingress. Policies written per workload leave every new or forgotten pod open. A policy that selects ' +
    'all pods of the namespace (`podSelector: {}`) with `policyTypes: [Ingress]` and no rule that admits ' +
    'everyone closes the namespace by default, so only the flows allowed by other policies get through and ' +
    'a compromised pod elsewhere cannot reach the namespace freely. Policies add up: one namespace-wide ' +
    'policy that allows everything undoes the deny, so such a policy fails this check too.',
  remediation: {
    summary:
      'Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress] (and no ingress rules) to each ' +
      'application namespace, then allow the flows each workload needs with narrower policies; remove ' +
      'namespace-wide policies that allow all ingress. Policies are enforced only when the VPC CNI network ' +
      'policy agent (or Calico/Cilium) is enabled.',
    cli: 'kubectl apply -n <namespace> -f default-deny-ingress.yaml',
    iac:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-ingress\n' +
      '  namespace: <namespace>\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic',
    'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
  ],
  evaluate(snapshot, params) {
    return defaultDenyOutcomes(snapshot, params, 'Ingress');
  },
};
