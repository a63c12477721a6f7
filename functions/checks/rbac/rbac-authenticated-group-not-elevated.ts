import type { PolicyRule } from '../../core/k8s-types.ts';
import type { Check, DeepReadonly, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import { bindingLabel, rbacView, reachLabel, roleLabel, ruleLabel, ruleSummary } from '../lib/rbac.ts';

/** Groups every identity of a kind belongs to. */
const BROAD_GROUPS: Readonly<Record<string, string>> = {
  'system:authenticated':
    'every authenticated identity: every IAM principal with access and every service account',
  'system:serviceaccounts': 'every service account in every namespace',
};

/**
 * What the built-in discovery roles give these groups: API discovery, OpenAPI, health,
 * version and the service account issuer's OIDC documents (system:discovery,
 * system:public-info-viewer, system:service-account-issuer-discovery).
 */
const DISCOVERY_URLS = ['/api', '/apis', '/openapi', '/healthz', '/livez', '/readyz', '/version'];
const ISSUER_URLS = ['/.well-known/openid-configuration', '/openid/v1/jwks'];

function isDiscoveryUrl(url: string): boolean {
  const bare = url.endsWith('/') || url.endsWith('/*') ? url.replace(/\/\*?$/, '') : url;
  return (
    ISSUER_URLS.includes(bare) ||
    DISCOVERY_URLS.some((prefix) => bare === prefix || bare.startsWith(`${prefix}/`))
  );
}

/** What system:basic-user gives: asking the API what the caller itself may do. */
const SELF_REVIEWS: Readonly<Record<string, readonly string[]>> = {
  'authorization.k8s.io': ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  'authentication.k8s.io': ['selfsubjectreviews'],
};

function isBaseline(rule: DeepReadonly<PolicyRule>): boolean {
  const verbs = rule.verbs ?? [];
  const urls = rule.nonResourceURLs ?? [];
  const resources = rule.resources ?? [];
  if (resources.length === 0) {
    return (
      urls.length > 0 &&
      verbs.every((verb) => verb === 'get' || verb === 'head') &&
      urls.every(isDiscoveryUrl)
    );
  }
  const groups = rule.apiGroups ?? [];
  return (
    urls.length === 0 &&
    verbs.every((verb) => verb === 'create') &&
    groups.length > 0 &&
    groups.every((group) => resources.every((resource) => (SELF_REVIEWS[group] ?? []).includes(resource)))
  );
}

/**
 * A binding to system:authenticated reaches every identity the cluster accepts, so anything
 * beyond discovery and self-review is a grant to all of them. Built-in bindings are examined
 * too (their rules are judged, not their names).
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles
 */
export const rbacAuthenticatedGroupNotElevated: Check = {
  id: 'rbac-authenticated-group-not-elevated',
  title: 'Groups of all users or all service accounts get only discovery rights',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'Every identity that authenticates is in system:authenticated: each IAM principal with an access ' +
    'entry or aws-auth mapping, and the token of every service account in every pod. A role bound to ' +
    'that group, or to system:serviceaccounts, is therefore held by every workload; one compromised pod ' +
    'then has it, whatever its own service account was meant to do. Kubernetes binds these groups only ' +
    'to API discovery and self-review roles.',
  remediation: {
    summary:
      'Bind the role to the specific groups, users or service accounts that need it instead of ' +
      'system:authenticated or system:serviceaccounts, and remove those subjects from the binding.',
    cli:
      "kubectl get clusterrolebindings,rolebindings -A -o json | jq -r '.items[] | " +
      'select(.subjects[]?.name | test("^system:(authenticated|serviceaccounts)$")) | .metadata.name\'',
    iac: 'subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: platform-readers   # not system:authenticated',
  },
  docs: [
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    const outcomes: Outcome[] = [];
    for (const binding of view.allBindings) {
      const subjects = (binding.binding.subjects ?? []).flatMap((subject, index) =>
        subject.kind === 'Group' && Object.hasOwn(BROAD_GROUPS, subject.name) ? [{ subject, index }] : [],
      );
      if (subjects.length === 0) continue;
      const role = roleLabel(binding.roleId);
      if (!binding.role) {
        for (const { subject, index } of subjects) {
          outcomes.push(
            fail(
              binding.resource,
              `${bindingLabel(binding)} binds group ${subject.name} to ${role}, which is not in the cluster: it ` +
                `grants nothing today, but whoever creates that role hands it to ${BROAD_GROUPS[subject.name]}.`,
              { path: `subjects[${index}]`, evidence: { subject: subject.name, role, roleExists: false } },
            ),
          );
        }
        continue;
      }
      const elevated = view.effectiveRules(binding.role.id).filter((rule) => !isBaseline(rule.rule));
      if (elevated.length === 0) {
        outcomes.push(
          pass(
            binding.resource,
            `${bindingLabel(binding)} gives ${subjects.map(({ subject }) => subject.name).join(' and ')} only ` +
              `discovery and self-review rights (${role}).`,
          ),
        );
        continue;
      }
      const rules = elevated.map((rule) => `${ruleLabel(binding.roleId, rule)} (${ruleSummary(rule.rule)})`);
      for (const { subject, index } of subjects) {
        outcomes.push(
          fail(
            binding.resource,
            `Group ${subject.name} (${BROAD_GROUPS[subject.name]}) is granted ${rules.join('; ')} ` +
              `${reachLabel(binding)} through ${bindingLabel(binding)} → ${role}.`,
            {
              path: `subjects[${index}]`,
              evidence: {
                subject: subject.name,
                grantPath: `${bindingLabel(binding)} → ${role}`,
                reach: binding.scope ?? 'cluster-wide',
                rules: rules.join('; '),
              },
            },
          ),
        );
      }
    }
    if (outcomes.length === 0) {
      outcomes.push(
        pass(
          clusterResource(snapshot),
          'No binding names the group system:authenticated or system:serviceaccounts.',
        ),
      );
    }
    return outcomes;
  },
};
