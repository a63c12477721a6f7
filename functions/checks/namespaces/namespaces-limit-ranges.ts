import type { Check, Outcome } from '../../core/model.ts';
import { namespacesInScope } from '../lib/network.ts';
import { fail, pass } from '../lib/outcomes.ts';

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
    const ranges = new Map<string, string[]>();
    for (const range of snapshot.k8s.limitranges) {
      const namespace = range.metadata.namespace ?? 'default';
      const list = ranges.get(namespace);
      if (list) list.push(range.metadata.name);
      else ranges.set(namespace, [range.metadata.name]);
    }
    const { inScope, exempt } = namespacesInScope(snapshot, params);
    const outcomes: Outcome[] = [];
    for (const namespace of inScope) {
      const resource = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
      const names = ranges.get(namespace) ?? [];
      outcomes.push(
        names.length > 0
          ? pass(resource, `Namespace ${namespace} has LimitRange ${names.join(', ')}.`, {
              evidence: { limitRanges: names.join(', ') },
            })
          : fail(
              resource,
              `Namespace ${namespace} has no LimitRange: containers that omit requests and limits get none.`,
              { evidence: { limitRanges: 0 } },
            ),
      );
    }
    for (const namespace of exempt) {
      outcomes.push({
        status: 'not_applicable',
        resource: { apiVersion: 'v1', kind: 'Namespace', name: namespace },
        message: `Namespace ${namespace} is a system namespace (params.systemNamespaces) and is left out.`,
      });
    }
    return outcomes;
  },
};
