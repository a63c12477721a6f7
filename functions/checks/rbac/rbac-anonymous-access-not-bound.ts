import type { PolicyRule } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { bindingLabel, rbacView, reachLabel, roleLabel, ruleLabel, ruleSummary } from '../lib/rbac.ts';

/** The health and version endpoints the built-in system:public-info-viewer role opens to everyone. */
const PUBLIC_INFO = ['/healthz', '/livez', '/readyz', '/version'];

function isPublicInfo(url: string): boolean {
  return PUBLIC_INFO.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
}

/** True for a rule that only reads health and version endpoints. */
function onlyPublicInfo(rule: DeepReadonly<PolicyRule>): boolean {
  if ((rule.resources ?? []).length > 0 || (rule.apiGroups ?? []).length > 0) return false;
  const verbs = rule.verbs ?? [];
  return (
    verbs.every((verb) => verb === 'get' || verb === 'head') &&
    (rule.nonResourceURLs ?? []).every(isPublicInfo)
  );
}

function isAnonymous(subject: { kind: string; name: string }): boolean {
  return (
    (subject.kind === 'User' && subject.name === 'system:anonymous') ||
    (subject.kind === 'Group' && subject.name === 'system:unauthenticated')
  );
}

/**
 * Requests without credentials run as user system:anonymous in group system:unauthenticated;
 * anything bound to them is open to whoever reaches the API endpoint. Built-in bindings are
 * examined too: a `system:` name must not hide such a grant.
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
 */
export const rbacAnonymousAccessNotBound: Check = {
  id: 'rbac-anonymous-access-not-bound',
  title: 'Unauthenticated requests get no rights beyond health and version endpoints',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'The API server accepts requests without credentials as the user system:anonymous in the group ' +
    'system:unauthenticated. Kubernetes grants them only the health and version endpoints; any other ' +
    'binding to them gives that access to everyone who can reach the endpoint, which for a public EKS ' +
    'endpoint is the internet, with no identity in the audit log to trace it to.',
  remediation: {
    summary:
      'Delete the bindings, or remove the system:anonymous and system:unauthenticated subjects from them; ' +
      'give the access to an authenticated group instead.',
    cli:
      "kubectl get clusterrolebindings,rolebindings -A -o json | jq -r '.items[] | " +
      'select(.subjects[]?.name | test("system:(anonymous|unauthenticated)")) | .metadata.name\'\n' +
      'kubectl delete clusterrolebinding <binding>',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const outcomes: Outcome[] = [];
    for (const binding of view.allBindings) {
      const subjects = (binding.binding.subjects ?? []).flatMap((subject, index) =>
        isAnonymous(subject) ? [{ subject, index }] : [],
      );
      if (subjects.length === 0) continue;
      const role = roleLabel(binding.roleId);
      const who = subjects.map(({ subject }) => `${subject.kind} ${subject.name}`).join(' and ');
      if (!binding.role) {
        for (const { subject, index } of subjects) {
          outcomes.push(
            fail(
              binding.resource,
              `${bindingLabel(binding)} binds ${subject.kind} ${subject.name} to ${role}, which is not in the ` +
                'cluster: it grants nothing today, but whoever creates that role hands it to unauthenticated users.',
              { path: `subjects[${index}]`, evidence: { subject: subject.name, role, roleExists: false } },
            ),
          );
        }
        continue;
      }
      const open = view.effectiveRules(binding.role.id).filter((rule) => !onlyPublicInfo(rule.rule));
      if (open.length === 0) {
        outcomes.push(
          pass(
            binding.resource,
            `${bindingLabel(binding)} gives ${who} only the health and version endpoints (${role}).`,
          ),
        );
        continue;
      }
      const rules = open.map((rule) => `${ruleLabel(binding.roleId, rule)} (${ruleSummary(rule.rule)})`);
      for (const { subject, index } of subjects) {
        outcomes.push(
          fail(
            binding.resource,
            `${subject.kind} ${subject.name} (any caller without credentials) is granted ${rules.join('; ')} ` +
              `${reachLabel(binding)} through ` +
              `${bindingLabel(binding)} → ${role}.`,
            {
              path: `subjects[${index}]`,
              evidence: {
                subject: subject.name,
                grantPath: `${bindingLabel(binding)} → ${role}`,
                rules: rules.join('; '),
              },
            },
          ),
        );
      }
    }
    if (outcomes.length === 0) {
      outcomes.push(
        pass(clusterResource(snapshot), 'No binding names system:anonymous or system:unauthenticated.'),
      );
    }
    return outcomes;
  },
};
