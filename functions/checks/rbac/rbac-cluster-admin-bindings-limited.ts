import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import {
  type Access,
  bindingLabel,
  grantPath,
  rbacView,
  reachLabel,
  ruleGrants,
  subjectIdentity,
  subjectName,
} from '../lib/rbac.ts';

const CLUSTER_ADMIN = 'cluster-admin';
const EVERYTHING: Access = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };

/**
 * CIS EKS 4.1.1: cluster-admin is superuser; only the identities that need it may hold it.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 */
export const rbacClusterAdminBindingsLimited: Check = {
  id: 'rbac-cluster-admin-bindings-limited',
  title: 'cluster-admin is bound only to approved subjects',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  // clusterroles: to name the rule of cluster-admin that makes it superuser.
  reads: ['clusterrolebindings', 'clusterroles', 'rolebindings'],
  rationale:
    'The cluster-admin ClusterRole allows every action on every resource. Whoever holds it, through a ' +
    'ClusterRoleBinding (whole cluster) or a RoleBinding (one namespace, including its Secrets and ' +
    'RBAC), can read all credentials and grant themselves anything else, so a single stolen token or ' +
    'compromised pod becomes a cluster takeover. EKS access entries with AmazonEKSClusterAdminPolicy ' +
    'grant the same power outside RBAC and are not covered by this check.',
  remediation: {
    summary:
      'Replace cluster-admin bindings with narrowly scoped Roles or ClusterRoles, bound per namespace ' +
      'where possible; keep cluster-admin for the break-glass identities listed in clusterAdminAllowedSubjects.',
    cli:
      'kubectl get clusterrolebindings,rolebindings -A -o wide | grep cluster-admin\n' +
      'kubectl delete clusterrolebinding <binding>',
    iac:
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: team-edit\n' +
      '  namespace: team\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\n' +
      'subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: team-developers',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const allowed = new Set(params.clusterAdminAllowedSubjects);
    const outcomes: Outcome[] = [];
    const toClusterAdmin = view.bindings.filter(
      (binding) =>
        binding.binding.roleRef.kind === 'ClusterRole' && binding.binding.roleRef.name === CLUSTER_ADMIN,
    );
    // Name the rule that makes it superuser (`*` on `*` in every group) when the role is there.
    const superRule = view
      .effectiveRules({ kind: 'ClusterRole', name: CLUSTER_ADMIN })
      .find((rule) => ruleGrants(rule.rule, EVERYTHING) !== undefined);
    for (const binding of toClusterAdmin) {
      const where = bindingLabel(binding);
      const path = superRule ? grantPath(binding, superRule) : `${where} → ClusterRole ${CLUSTER_ADMIN}`;
      const subjects = binding.binding.subjects ?? [];
      let failed = false;
      subjects.forEach((subject, index) => {
        const identity = subjectIdentity(subject, binding.scope);
        if (allowed.has(identity)) return;
        failed = true;
        const who = subjectName(subject, binding.scope);
        outcomes.push(
          fail(
            binding.resource,
            `${who} holds cluster-admin ${reachLabel(binding)} through ${path}; ` +
              'it is not in clusterAdminAllowedSubjects.',
            {
              path: `subjects[${index}]`,
              evidence: {
                subject: who,
                identity,
                grantPath: path,
                reach: binding.scope ?? 'cluster-wide',
              },
            },
          ),
        );
      });
      if (!failed) {
        const names = subjects.map((subject) => subjectName(subject, binding.scope));
        outcomes.push(
          pass(
            binding.resource,
            `${where} binds cluster-admin only to approved subjects` +
              (names.length > 0 ? ` (${names.join(', ')}).` : ' (it has no subjects).'),
          ),
        );
      }
    }
    if (toClusterAdmin.length === 0) {
      outcomes.push(
        pass(
          clusterResource(snapshot),
          'No RoleBinding or ClusterRoleBinding refers to ClusterRole cluster-admin.',
        ),
      );
    }
    return outcomes;
  },
};
