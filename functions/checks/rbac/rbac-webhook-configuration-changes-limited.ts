import type { Check } from '../../core/model.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

const RESOURCES = ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'];

const GRANTS: readonly SensitiveGrant[] = [
  {
    access: {
      verbs: ['create', 'deletecollection'],
      apiGroups: ['admissionregistration.k8s.io'],
      resources: RESOURCES,
    },
    nameable: false,
    clusterScoped: true,
  },
  {
    access: {
      verbs: ['update', 'patch', 'delete'],
      apiGroups: ['admissionregistration.k8s.io'],
      resources: RESOURCES,
    },
    nameable: true,
    clusterScoped: true,
  },
];

/**
 * CIS EKS 4.1.11: admission webhooks see, and mutating ones rewrite, every object they match.
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks
 */
export const rbacWebhookConfigurationChangesLimited: Check = {
  id: 'rbac-webhook-configuration-changes-limited',
  title: 'Only approved subjects can change admission webhook configurations',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.11' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'identity-and-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
  rationale:
    'A subject that can create or change a MutatingWebhookConfiguration can send every matching ' +
    'request, Secrets included, to a server of its choice and rewrite the objects before they are ' +
    'stored, for example by adding a privileged container to every new pod. One that can change or ' +
    'delete a ValidatingWebhookConfiguration can switch off the policy engine (Kyverno, Gatekeeper) ' +
    'that enforces image, registry and pod-security rules.',
  remediation: {
    summary:
      'Remove create, update, patch and delete on validatingwebhookconfigurations and ' +
      'mutatingwebhookconfigurations from everyone but the controllers that own their webhooks; limit ' +
      'those with resourceNames to their own configuration and list them in webhookConfigurationAllowedSubjects.',
    cli:
      'kubectl auth can-i patch mutatingwebhookconfigurations --as <user>\n' +
      'kubectl get clusterrolebindings -o wide',
    iac:
      'rules:\n  - apiGroups: ["admissionregistration.k8s.io"]\n' +
      '    resources: ["mutatingwebhookconfigurations"]\n    resourceNames: ["my-operator-webhook"]\n' +
      '    verbs: ["get", "update", "patch"]',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks',
    'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
  ],
  evaluate(snapshot, params) {
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: 'change admission webhook configurations',
      grants: GRANTS,
      approved: [
        { names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' },
        { names: params.webhookConfigurationAllowedSubjects, param: 'webhookConfigurationAllowedSubjects' },
      ],
    });
  },
};
