import type { Check, Outcome } from '../../core/model.ts';
import { describeSelector, indexWorkloads, isEmptySelector, namespaceOf } from '../lib/network.ts';
import { clusterResource, fail, inSystemNamespace, pass } from '../lib/outcomes.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const LISTED = 3;

/**
 * A NetworkPolicy whose podSelector matches nothing protects nothing, usually because of a
 * misspelt label. Catalog EKS-NET-03 (kubescape C-0299).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const networkPoliciesSelectPods: Check = {
  id: 'network-policies-select-pods',
  title: 'NetworkPolicies with a pod selector match at least one workload',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'network-security' },
  ],
  reads: ['networkpolicies', ...WORKLOAD_KINDS],
  rationale:
    'A policy whose podSelector matches no pod is silently inert: the isolation its author intended does ' +
    'not exist, and nothing reports it. The usual causes are a misspelt label, a label renamed in the ' +
    'workload but not in the policy, or a policy left behind by a removed application. Policies with an ' +
    'empty podSelector apply to every pod of the namespace by design and always pass.',
  remediation: {
    summary:
      "Compare the policy's podSelector with the pod template labels of the workloads it was written for and " +
      'fix the labels (matchLabels and matchExpressions), or delete the policy if its workload is gone.',
    cli:
      'kubectl get networkpolicy <name> -n <namespace> -o jsonpath="{.spec.podSelector}"\n' +
      'kubectl get pods -n <namespace> -l <selector>',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  ],
  evaluate(snapshot, params) {
    const index = indexWorkloads(workloads(snapshot));
    const system = new Set(params.systemNamespaces);
    const outcomes: Outcome[] = [];
    for (const policy of snapshot.k8s.networkpolicies) {
      const namespace = namespaceOf(policy.metadata);
      const resource = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace,
        name: policy.metadata.name,
      };
      const name = `NetworkPolicy ${namespace}/${policy.metadata.name}`;
      const selector = policy.spec?.podSelector;
      if (system.has(namespace)) {
        outcomes.push(inSystemNamespace(resource, name, namespace));
        continue;
      }
      if (isEmptySelector(selector)) {
        outcomes.push(pass(resource, `${name} selects every pod in namespace ${namespace}.`));
        continue;
      }
      const text = describeSelector(selector);
      const matched = index.matching(namespace, selector);
      if (matched.length === 0) {
        const present = index.inNamespace(namespace).length;
        outcomes.push(
          fail(
            resource,
            `${name} selects pods with ${text}, but no workload in namespace ${namespace} has such pod labels ` +
              (present > 0
                ? `(${present} workload(s) there; check the labels for a typo)`
                : '(the namespace runs no workloads)') +
              ', so the policy isolates nothing.',
            { path: 'spec.podSelector', evidence: { selector: text, workloadsInNamespace: present } },
          ),
        );
        continue;
      }
      const names = matched.slice(0, LISTED).map((workload) => describe(workload.resource));
      const more = matched.length > LISTED ? ` and ${matched.length - LISTED} more` : '';
      outcomes.push(
        pass(resource, `${name} selects ${names.join(', ')}${more}.`, {
          evidence: { selector: text, workloads: matched.length },
        }),
      );
    }
    if (outcomes.length === 0) {
      outcomes.push({
        status: 'not_applicable',
        resource: clusterResource(snapshot),
        message: 'The cluster has no NetworkPolicy to check.',
      });
    }
    return outcomes;
  },
};
