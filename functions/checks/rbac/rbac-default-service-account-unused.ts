import type { Check, Outcome, ResourceRef } from '../../core/model.ts';
import { groupBy, namespaceOf } from '../lib/group.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';
import { accountSubjects, bindingLabel, rbacView } from '../lib/rbac.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

function serviceAccountRef(namespace: string): ResourceRef {
  return { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name: 'default' };
}

/**
 * CIS EKS 4.1.5: every pod that names no service account runs as `default`, so rights given
 * to `default` go to all of them. Give each workload its own account and leave `default` inert.
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
export const rbacDefaultServiceAccountUnused: Check = {
  id: 'rbac-default-service-account-unused',
  title: 'Default service accounts are inert: no token, no workloads, no bindings',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.5' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['namespaces', 'serviceaccounts', 'rolebindings', 'clusterrolebindings', ...WORKLOAD_KINDS],
  rationale:
    'Kubernetes creates a `default` ServiceAccount in every namespace and assigns it to every pod that ' +
    'names no other account. Rights bound to it are therefore shared by every such pod, present and ' +
    'future, and its token is mounted into each of them unless turned off. A dedicated account per ' +
    'workload keeps rights specific and makes it clear which workload a token belongs to.',
  remediation: {
    summary:
      'Set `automountServiceAccountToken: false` on each namespace’s default ServiceAccount, give every ' +
      'workload its own ServiceAccount, and move any binding on `default` to that dedicated account.',
    cli:
      'kubectl patch serviceaccount default -n <namespace> -p \'{"automountServiceAccountToken": false}\'\n' +
      'kubectl create serviceaccount <app> -n <namespace>',
    iac:
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: <namespace>\n' +
      'automountServiceAccountToken: false',
  },
  docs: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
    'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const all = workloads(snapshot);
    const namespaces = new Set<string>(snapshot.k8s.namespaces.map((ns) => ns.metadata.name));
    for (const sa of snapshot.k8s.serviceaccounts) namespaces.add(sa.metadata.namespace ?? 'default');
    for (const workload of all) namespaces.add(workload.resource.namespace ?? 'default');

    // Indexed once, looked up per namespace: no scan of every workload and binding per namespace.
    const defaults = groupBy(
      snapshot.k8s.serviceaccounts.filter((sa) => sa.metadata.name === 'default'),
      namespaceOf,
    );
    const workloadsByNamespace = groupBy(all, (workload) => workload.resource.namespace ?? 'default');
    const subjects = accountSubjects(view);

    const outcomes: Outcome[] = [];
    for (const namespace of [...namespaces].sort()) {
      const resource = serviceAccountRef(namespace);
      let problems = 0;
      const account = defaults.get(namespace)?.[0];
      if (!account) {
        problems += 1;
        outcomes.push(
          notEvaluated(
            resource,
            `ServiceAccount ${namespace}/default is not in the snapshot, so whether it mounts a token is unknown.`,
          ),
        );
      } else if (account.automountServiceAccountToken !== false) {
        problems += 1;
        outcomes.push(
          fail(
            resource,
            `ServiceAccount ${namespace}/default does not set automountServiceAccountToken: false, so pods ` +
              'using it get its token.',
            {
              path: 'automountServiceAccountToken',
              evidence: { automountServiceAccountToken: account.automountServiceAccountToken ?? null },
            },
          ),
        );
      }
      for (const workload of workloadsByNamespace.get(namespace) ?? []) {
        const name = workload.spec.serviceAccountName || workload.spec.serviceAccount || 'default';
        if (name !== 'default') continue;
        problems += 1;
        const explicit = Boolean(workload.spec.serviceAccountName || workload.spec.serviceAccount);
        outcomes.push(
          fail(
            workload.resource,
            `${describe(workload.resource)} runs as ServiceAccount ${namespace}/default ` +
              `(${explicit ? 'named explicitly' : 'serviceAccountName is not set'}).`,
            {
              path: `${workload.specPath}.serviceAccountName`,
              evidence: { serviceAccountName: explicit ? 'default' : null },
            },
          ),
        );
      }
      for (const { binding, subjectIndex: index } of subjects.get(`${namespace}/default`) ?? []) {
        problems += 1;
        const role = `${binding.roleId.kind} ${binding.roleId.name}`;
        outcomes.push(
          fail(
            binding.resource,
            `ServiceAccount ${namespace}/default is granted ${role} through ${bindingLabel(binding)} → ${role}.`,
            {
              path: `subjects[${index}]`,
              evidence: {
                subject: `ServiceAccount ${namespace}/default`,
                grantPath: `${bindingLabel(binding)} → ${role}`,
              },
            },
          ),
        );
      }
      if (problems === 0) {
        outcomes.push(
          pass(
            resource,
            `ServiceAccount ${namespace}/default mounts no token, runs no workload and has no role bindings.`,
          ),
        );
      }
    }
    return outcomes;
  },
};
