import type { Check } from '../../core/model.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

const GRANTS: readonly SensitiveGrant[] = [
  { access: { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }, nameable: true },
];

/**
 * CIS EKS 4.1.12: the TokenRequest API mints a token for a named ServiceAccount, which then
 * acts with all of that account's rights.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request
 */
export const rbacServiceAccountTokenCreationLimited: Check = {
  id: 'rbac-service-account-token-creation-limited',
  title: 'Only approved subjects can create service account tokens',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.12' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'create on serviceaccounts/token lets a subject ask the API server for a token of any ServiceAccount ' +
    'in reach and then act as that account, with an expiry it chooses. Anyone who holds it effectively ' +
    'holds the rights of every such account, including controllers in kube-system when the grant is ' +
    'cluster-wide.',
  remediation: {
    summary:
      'Remove create on serviceaccounts/token (and the `*` rules that include it) from people and ' +
      'applications; where a component must mint tokens, bind it per namespace with resourceNames naming ' +
      'the accounts, and approve it in serviceAccountTokenCreationAllowedSubjects.',
    cli:
      'kubectl auth can-i create serviceaccounts/token --as <user> -n <namespace>\n' +
      'kubectl get rolebindings,clusterrolebindings -A -o wide',
    iac:
      'rules:\n  - apiGroups: [""]\n    resources: ["serviceaccounts/token"]\n    resourceNames: ["builder"]\n' +
      '    verbs: ["create"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request',
    'https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: 'create service account tokens',
      grants: GRANTS,
      approved: [
        { names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' },
        {
          names: params.serviceAccountTokenCreationAllowedSubjects,
          param: 'serviceAccountTokenCreationAllowedSubjects',
        },
      ],
    });
  },
};
