import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, pass } from '../lib/outcomes.ts';
import {
  type Access,
  bindingLabel,
  grantPath,
  type ResolvedBinding,
  rbacView,
  reachLabel,
  reachOf,
  subjectIdentity,
  subjectName,
} from '../lib/rbac.ts';

const READ_SECRETS: Access = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['secrets'] };

/**
 * CIS EKS 4.1.2: `list` and `watch` on Secrets return their values, so they are as good as
 * `get` on every Secret in reach.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
 */
export const rbacSecretsReadLimited: Check = {
  id: 'rbac-secrets-read-limited',
  title: 'Read access to Secrets is limited to built-in and approved subjects',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'Secrets hold service account tokens, registry credentials, TLS keys and application passwords. A ' +
    'subject that can get, list or watch them in a namespace can take over every identity whose token ' +
    'lives there; across the cluster that includes the tokens of controllers with far more rights. Read ' +
    'access also arrives indirectly: a RoleBinding to a ClusterRole, or a ClusterRole that aggregates ' +
    'the rules of others (as the built-in admin and edit roles do).',
  remediation: {
    summary:
      'Remove get, list and watch on secrets from roles that do not need them, bind what remains with ' +
      'RoleBindings in the one namespace where it is needed, restrict get with resourceNames, and mount ' +
      'Secrets into pods rather than reading them through the API.',
    cli:
      'kubectl auth can-i get secrets --as <user> -n <namespace>\n' +
      'kubectl get clusterrolebindings,rolebindings -A -o wide',
    iac:
      'rules:\n  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["app-config"]\n' +
      '    verbs: ["get"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles',
    'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    // Subjects approved to hold cluster-admin are approved to read Secrets too.
    const approved = new Set(params.clusterAdminAllowedSubjects);
    const outcomes: Outcome[] = [];
    const failing = new Set<ResolvedBinding>();
    const approvedOnly = new Set<ResolvedBinding>();
    for (const item of reachOf(view, READ_SECRETS)) {
      if (approved.has(subjectIdentity(item.subject, item.binding.scope))) {
        approvedOnly.add(item.binding);
        continue;
      }
      failing.add(item.binding);
      const who = subjectName(item.subject, item.binding.scope);
      const verbs = [...new Set(item.rules.flatMap((r) => r.match.verbs))];
      const paths = item.rules.map((r) => grantPath(item.binding, r.rule));
      const named = [...new Set(item.rules.flatMap((r) => r.rule.rule.resourceNames ?? []))];
      outcomes.push(
        fail(
          item.binding.resource,
          `${who} can ${verbs.includes('*') ? 'use every verb (*) on' : verbs.join('/')} Secrets ` +
            `${reachLabel(item.binding)} through ${paths.join('; ')}` +
            (named.length > 0 ? ` (limited to the Secrets named ${named.join(', ')}).` : '.'),
          {
            path: `subjects[${item.subjectIndex}]`,
            evidence: {
              subject: who,
              verbs: verbs.join(', '),
              reach: item.binding.scope ?? 'cluster-wide',
              grantPath: paths.join('; '),
              resourceNames: named.length > 0 ? named.join(', ') : null,
            },
          },
        ),
      );
    }
    for (const binding of view.bindings) {
      if (failing.has(binding)) continue;
      outcomes.push(
        pass(
          binding.resource,
          approvedOnly.has(binding)
            ? `${bindingLabel(binding)} grants read access to Secrets only to subjects in clusterAdminAllowedSubjects.`
            : `${bindingLabel(binding)} grants no read access to Secrets.`,
        ),
      );
    }
    if (view.bindings.length === 0) {
      outcomes.push(
        pass(clusterResource(snapshot), 'No non-built-in binding grants read access to Secrets.'),
      );
    }
    return outcomes;
  },
};
