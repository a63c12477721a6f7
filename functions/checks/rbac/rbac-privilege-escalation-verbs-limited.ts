import type { Check, Outcome } from '../../core/model.ts';
import { fail, pass } from '../lib/outcomes.ts';
import {
  type Access,
  bindingLabel,
  isIgnoredName,
  type RuleMatch,
  rbacView,
  roleLabel,
  ruleGrants,
  ruleLabel,
  sameRole,
  subjectName,
} from '../lib/rbac.ts';

/** Grants that let a subject raise its own rights past what it already holds. */
const ESCALATION: readonly { label: string; access: Access }[] = [
  {
    label: 'bind, escalate',
    access: {
      verbs: ['bind', 'escalate'],
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['roles', 'clusterroles'],
    },
  },
  {
    label: 'impersonate',
    access: { verbs: ['impersonate'], apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'] },
  },
  {
    label: 'impersonate',
    access: {
      verbs: ['impersonate'],
      apiGroups: ['authentication.k8s.io'],
      resources: ['uids', 'userextras/*'],
    },
  },
];

function isBoundedByNames(match: RuleMatch): boolean {
  return !match.verbs.includes('escalate') && !match.verbs.includes('*');
}

/** `escalate on clusterroles`; a wildcard is named as such, since it hides the verb. */
function describeMatch(label: string, match: RuleMatch): string {
  const verbs = match.verbs.includes('*') ? `"*" (${label})` : match.verbs.join('/');
  return `${verbs} on ${match.resources.join(', ')}`;
}

/**
 * CIS EKS 4.1.8: `escalate` lets a subject write roles with rights it lacks, `bind` lets it
 * bind roles it does not hold, `impersonate` lets it act as another user, group or service account.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
 */
export const rbacPrivilegeEscalationVerbsLimited: Check = {
  id: 'rbac-privilege-escalation-verbs-limited',
  title: 'No role grants unbounded bind, escalate or impersonate',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.8' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'RBAC stops a subject from granting rights it does not hold, and these three verbs are the ' +
    'exceptions: escalate allows writing roles with more rights than the writer has, bind allows binding ' +
    'any role to anyone, and impersonate allows acting as any user, group or service account, including ' +
    'cluster administrators. Any of them turns a limited identity into a path to cluster-admin.',
  remediation: {
    summary:
      'Remove bind, escalate and impersonate (and `*` verbs that include them) from roles; where a ' +
      'controller truly needs bind, restrict it with resourceNames to the roles it may bind.',
    cli: 'kubectl auth can-i escalate clusterroles --as <user>\nkubectl edit clusterrole <role>',
    iac:
      'rules:\n  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n' +
      '    resourceNames: ["app-reader"]\n    verbs: ["bind"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const outcomes: Outcome[] = [];
    for (const entry of view.roles) {
      if (isIgnoredName(entry.id.name, params.rbacIgnoredPrefixes)) continue;
      // cluster-admin holds everything by design; who holds it is rbac-cluster-admin-bindings-limited.
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
      const limited: string[] = [];
      for (const rule of view.effectiveRules(entry.id)) {
        if (isIgnoredName(rule.source.name, params.rbacIgnoredPrefixes)) continue;
        const grants = ESCALATION.flatMap(({ label, access }) => {
          const match = ruleGrants(rule.rule, access);
          return match ? [{ label, match }] : [];
        });
        if (grants.length === 0) continue;
        const where = ruleLabel(entry.id, rule);
        const names = rule.rule.resourceNames ?? [];
        // resourceNames bounds bind and impersonate to the named roles or identities; escalate
        // on a named role still lets the holder write any right into it.
        if (names.length > 0 && grants.every(({ match }) => isBoundedByNames(match))) {
          limited.push(`${where} (only ${names.join(', ')})`);
          continue;
        }
        found = true;
        const matches = [...new Set(grants.map(({ label, match }) => describeMatch(label, match)))];
        outcomes.push(
          fail(entry.resource, `${where} grants ${matches.join('; ')}; ${boundText}.`, {
            path: sameRole(rule.source, entry.id)
              ? `rules[${rule.index}]`
              : 'aggregationRule.clusterRoleSelectors',
            evidence: {
              rule: where,
              grants: matches.join('; '),
              boundSubjects: bound.length > 0 ? bound.join('; ') : null,
            },
          }),
        );
      }
      if (!found) {
        outcomes.push(
          pass(
            entry.resource,
            limited.length > 0
              ? `${roleLabel(entry.id)} grants bind or impersonate only on named objects: ${limited.join('; ')}.`
              : `${roleLabel(entry.id)} grants no bind, escalate or impersonate.`,
          ),
        );
      }
    }
    return outcomes;
  },
};
