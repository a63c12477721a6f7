import type { Check } from '../../core/model.ts';
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE, authenticationMode } from '../lib/aws-auth.ts';
import { clusterResource, notEvaluated, pass } from '../lib/outcomes.ts';
import { rbacView, type SensitiveGrant, sensitiveAccessOutcomes } from '../lib/rbac.ts';

const GRANTS: readonly SensitiveGrant[] = [
  // Creating the ConfigMap is enough where it does not exist yet.
  { access: { verbs: ['create'], apiGroups: [''], resources: ['configmaps'] }, nameable: false },
  {
    access: { verbs: ['update', 'patch', 'delete'], apiGroups: [''], resources: ['configmaps'] },
    nameable: true,
  },
];

/**
 * Whoever can write kube-system/aws-auth decides which IAM principals are cluster-admin
 * (group system:masters), for as long as the cluster honours the ConfigMap.
 * https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
 */
export const rbacAwsAuthWriteLimited: Check = {
  id: 'rbac-aws-auth-write-limited',
  title: 'Only approved subjects can change the aws-auth ConfigMap',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'eks:cluster'],
  rationale:
    'While a cluster honours the aws-auth ConfigMap, a subject that can create, update or patch it in ' +
    'kube-system can map any IAM role it controls to the group system:masters and become cluster-admin, ' +
    'a right no RBAC rule can then take away. Write access to ConfigMaps in kube-system is therefore ' +
    'write access to the cluster’s authentication.',
  remediation: {
    summary:
      'Remove create, update, patch and delete on configmaps in kube-system (and cluster-wide) from ' +
      'everyone but cluster administrators; better, move to access entries (authenticationMode API), after ' +
      'which aws-auth no longer grants anything.',
    cli:
      'kubectl auth can-i patch configmap/aws-auth -n kube-system --as <user>\n' +
      'aws eks update-cluster-config --name <cluster> --access-config authenticationMode=API',
    iac:
      'rules:\n  - apiGroups: [""]\n    resources: ["configmaps"]\n    resourceNames: ["app-settings"]\n' +
      '    verbs: ["get", "update", "patch"]',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const resource = clusterResource(snapshot);
    const mode = authenticationMode(snapshot);
    if (!mode) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster data, so whether aws-auth is honoured is unknown.',
        ),
      ];
    }
    if (!mode.configMapHonoured) {
      return [
        pass(
          resource,
          `Cluster ${resource.name} uses authenticationMode API, so the aws-auth ConfigMap grants nothing ` +
            'whoever writes it.',
          { evidence: { authenticationMode: mode.mode } },
        ),
      ];
    }
    const view = rbacView(snapshot, params.rbacIgnoredPrefixes);
    return sensitiveAccessOutcomes(snapshot, view, {
      what: `change ConfigMap ${AWS_AUTH_NAMESPACE}/${AWS_AUTH_NAME} (authenticationMode ${mode.mode})`,
      grants: GRANTS,
      approved: [{ names: params.clusterAdminAllowedSubjects, param: 'clusterAdminAllowedSubjects' }],
      target: { namespace: AWS_AUTH_NAMESPACE, objectName: AWS_AUTH_NAME },
    });
  },
};
