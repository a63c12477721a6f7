import type { Check, Outcome } from '../../core/model.ts';
import { fail, pass } from '../lib/outcomes.ts';
import {
  bindingLabel,
  isIgnoredName,
  rbacView,
  roleLabel,
  ruleLabel,
  sameRole,
  subjectName,
} from '../lib/rbac.ts';

const FIELDS = ['apiGroups', 'resources', 'verbs'] as const;

/**
 * CIS EKS 4.1.3: a `*` grants everything that exists now and every resource or verb added
 * later (CRDs included). cluster-admin is left to rbac-cluster-admin-bindings-limited.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-wildcard-use
 */
export const rbacNoWildcardRules: Check = {
  id: 'rbac-no-wildcard-rules',
  title: 'Roles and ClusterRoles name their verbs, resources and API groups',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.3' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'A wildcard in a rule grants every current and future verb, resource or API group: a role meant to ' +
    'manage Deployments with `apiGroups: ["*"]` also reaches any custom resource installed later, and ' +
    '`verbs: ["*"]` includes escalate, bind and impersonate where they apply. Wildcards make a role ' +
    'impossible to review and silently widen it as the cluster grows.',
  remediation: {
    summary:
      'Replace each `*` with the explicit API groups, resources and verbs the role needs; use ' +
      '`kubectl auth can-i --list --as <subject>` to see what a subject needs today.',
    cli: 'kubectl get roles,clusterroles -A -o yaml | grep -n -B3 -A3 "\\"\\*\\""\nkubectl edit clusterrole <role>',
    iac:
      'rules:\n  - apiGroups: ["apps"]\n    resources: ["deployments"]\n' +
      '    verbs: ["get", "list", "watch", "update", "patch"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-wildcard-use',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const outcomes: Outcome[] = [];
    for (const entry of view.roles) {
      if (isIgnoredName(entry.id.name, params.rbacIgnoredPrefixes)) continue;
      if (entry.id.kind === 'ClusterRole' && entry.id.name === 'cluster-admin') continue;
      const bound = view
        .bindingsTo(entry.id)
        .flatMap((binding) =>
          (binding.binding.subjects ?? []).map(
            (s) => `${subjectName(s, binding.scope)} (${bindingLabel(binding)})`,
          ),
        );
      const boundText = bound.length > 0 ? `bound to ${bound.join(', ')}` : 'not bound to any subject';
      let found = false;
      for (const rule of view.effectiveRules(entry.id)) {
        // A rule written in a built-in role (aggregated into this one) is the built-in's, not this role's.
        if (isIgnoredName(rule.source.name, params.rbacIgnoredPrefixes)) continue;
        for (const field of FIELDS) {
          if (!(rule.rule[field] ?? []).includes('*')) continue;
          found = true;
          const own = sameRole(rule.source, entry.id);
          const where = own
            ? `rules[${rule.index}].${field}`
            : `rules[${rule.index}].${field} of ${roleLabel(rule.source)}, aggregated into it`;
          outcomes.push(
            fail(entry.resource, `${roleLabel(entry.id)}: ${where} contains "*"; ${boundText}.`, {
              path: own ? `rules[${rule.index}].${field}` : 'aggregationRule.clusterRoleSelectors',
              evidence: {
                field,
                rule: ruleLabel(entry.id, rule),
                values: (rule.rule[field] ?? []).join(', '),
                boundSubjects: bound.length > 0 ? bound.join('; ') : null,
              },
            }),
          );
        }
      }
      if (!found)
        outcomes.push(pass(entry.resource, `${roleLabel(entry.id)} uses no wildcard in its rules.`));
    }
    return outcomes;
  },
};
