import type { K8sObject } from '../../core/k8s-types.ts';
import { apiVersionOf, K8S_KINDS, type K8sKind } from '../../core/kinds.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { fail, pass } from '../lib/outcomes.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const DEFAULT = 'default';

/**
 * Objects Kubernetes itself keeps in `default` on every cluster (CIS EKS 4.5.2 audit: the
 * `kubernetes` Service, the `kube-root-ca.crt` ConfigMap, the `default` ServiceAccount).
 */
const BUILT_IN: Partial<Record<K8sKind, string>> = {
  services: 'kubernetes',
  configmaps: 'kube-root-ca.crt',
  serviceaccounts: 'default',
};

/**
 * Non-workload kinds whose presence in `default` means someone is using it. NetworkPolicies,
 * ResourceQuotas and LimitRanges are left out on purpose: they lock the namespace down
 * rather than use it, so a default-deny policy in `default` is good practice.
 */
const OTHER_KINDS = [
  'services',
  'configmaps',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'ingresses',
] as const;

/**
 * CIS EKS 4.5.2: the default namespace should not be used.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
 */
export const namespaceDefaultNotUsed: Check = {
  id: 'namespace-default-not-used',
  title: 'The default namespace holds no workloads or application objects',
  severity: 'low',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.5.2' },
    { framework: 'eks-best-practices', requirement: 'multi-tenancy' },
  ],
  reads: [...WORKLOAD_KINDS, ...OTHER_KINDS],
  rationale:
    'Everything that lands in the default namespace shares one RBAC, network-policy and Pod Security ' +
    'boundary with whatever else was created there without a namespace, usually by accident or by a ' +
    'quick test. Objects in default have no clear owner, escape the policies written for team namespaces ' +
    'and make it hard to grant least-privilege access.',
  remediation: {
    summary:
      'Move workloads and their Services, ConfigMaps, ServiceAccounts, Roles, RoleBindings and Ingresses ' +
      'into namespaces named for their application or team; always deploy with an explicit namespace, and ' +
      'keep default empty (a default-deny NetworkPolicy and a zero ResourceQuota there catch accidents).',
    cli:
      'kubectl get all,configmaps,serviceaccounts,roles,rolebindings,ingresses -n default\n' +
      'kubectl create namespace <team> && kubectl apply -n <team> -f <manifests>',
    iac:
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: block-default\n  namespace: default\n' +
      'spec:\n  hard:\n    pods: "0"',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      if (workload.resource.namespace !== DEFAULT) continue;
      outcomes.push(
        fail(workload.resource, `${describe(workload.resource)} runs in the default namespace.`, {
          evidence: { kind: workload.resource.kind },
        }),
      );
    }
    for (const kind of OTHER_KINDS) {
      const objects: ReadonlyArray<DeepReadonly<K8sObject>> = snapshot.k8s[kind];
      for (const object of objects) {
        if (object.metadata.namespace !== DEFAULT || object.metadata.name === BUILT_IN[kind]) continue;
        const resource = {
          apiVersion: apiVersionOf(kind),
          kind: K8S_KINDS[kind].kind,
          namespace: DEFAULT,
          name: object.metadata.name,
        };
        outcomes.push(
          fail(resource, `${describe(resource)} is in the default namespace.`, {
            evidence: { kind: resource.kind },
          }),
        );
      }
    }
    if (outcomes.length === 0) {
      outcomes.push(
        pass(
          { apiVersion: 'v1', kind: 'Namespace', name: DEFAULT },
          'The default namespace holds only the objects Kubernetes creates there itself.',
        ),
      );
    }
    return outcomes;
  },
};
