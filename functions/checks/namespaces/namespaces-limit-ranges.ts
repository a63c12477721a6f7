import type { Check } from '../../core/model.ts';
import { namespacesHoldingObjects } from '../lib/namespace-objects.ts';

/**
 * A LimitRange gives every container default requests and limits, and bounds what one
 * container may ask for. NSA/CISA "Resource policies"; catalog EKS-RS-06 (Trivy NSA 4.1).
 * https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export const namespacesLimitRanges: Check = {
  id: 'namespaces-limit-ranges',
  title: 'Every application namespace has a LimitRange',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'multi-tenancy' },
  ],
  reads: ['namespaces', 'limitranges'],
  rationale:
    'Containers deployed without requests or limits are scheduled as if they needed nothing and may use ' +
    'everything. A LimitRange fills in default requests and limits at admission for containers that omit ' +
    'them, and rejects containers asking for more than a maximum, so one forgotten field cannot starve ' +
    'the node. It also lets a ResourceQuota on requests and limits admit pods that did not set them. ' +
    'System namespaces are left out.',
  remediation: {
    summary:
      'Create a LimitRange in each application namespace with default and defaultRequest values for CPU and ' +
      'memory, and a max per container that matches the namespace quota.',
    cli: 'kubectl apply -n <namespace> -f limit-range.yaml',
    iac:
      'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: <namespace>\nspec:\n' +
      '  limits:\n    - type: Container\n      defaultRequest: { cpu: 100m, memory: 128Mi }\n' +
      '      default: { memory: 256Mi }\n      max: { memory: 2Gi }',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html',
  ],
  evaluate(snapshot, params) {
    return namespacesHoldingObjects(snapshot, params, {
      objects: snapshot.k8s.limitranges,
      kind: 'LimitRange',
      evidenceKey: 'limitRanges',
      consequence: 'containers that omit requests and limits get none.',
    });
  },
};
