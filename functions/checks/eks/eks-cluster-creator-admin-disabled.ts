import type { Check } from '../../core/model.ts';
import { accessEntryResource, authenticationMode, clusterAdminGrants } from '../lib/aws-auth.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * `bootstrapClusterCreatorAdminPermissions` makes the IAM identity that created the cluster a
 * cluster administrator. In CONFIG_MAP mode that grant is invisible (in no ConfigMap or
 * binding) and cannot be revoked; with access entries it is an ordinary entry that can be
 * deleted. The flag itself is fixed at creation, so the check looks at what is left of the grant.
 * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
 */
export const eksClusterCreatorAdminDisabled: Check = {
  id: 'eks-cluster-creator-admin-disabled',
  title: 'The cluster creator holds no standing admin access',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.7' },
    { framework: 'cis-eks-1.8.0', requirement: '4.1.1' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:cluster', 'eks:accessEntries'],
  rationale:
    'The identity that created a cluster, often a CI pipeline or Terraform role shared by many, gets ' +
    'cluster-admin by default. On clusters that still use only the aws-auth ConfigMap that grant appears ' +
    'nowhere in the cluster and cannot be removed, so it survives every access review. With access ' +
    'entries it becomes a visible entry, which should be deleted once real administrators have their own.',
  remediation: {
    summary:
      'Create clusters with bootstrapClusterCreatorAdminPermissions=false and explicit access entries. ' +
      'For existing clusters, move to API_AND_CONFIG_MAP or API (which turns the hidden grant into an access ' +
      'entry), then delete the creator’s entry or approve it in eksClusterAdminAllowedPrincipals.',
    cli:
      'aws eks update-cluster-config --name <cluster> --access-config authenticationMode=API_AND_CONFIG_MAP\n' +
      'aws eks delete-access-entry --cluster-name <cluster> --principal-arn <creator-role-arn>',
    iac:
      'resource "aws_eks_cluster" "this" {\n  access_config {\n    authentication_mode                         = "API"\n' +
      '    bootstrap_cluster_creator_admin_permissions = false\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html',
    'https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessConfigRequest.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const resource = clusterResource(snapshot);
    const mode = authenticationMode(snapshot);
    if (!mode) {
      return [
        notEvaluated(resource, 'The snapshot has no DescribeCluster data, so the access setup is unknown.'),
      ];
    }
    const bootstrap = snapshot.eks.cluster?.accessConfig?.bootstrapClusterCreatorAdminPermissions;
    const evidence = {
      authenticationMode: mode.mode,
      bootstrapClusterCreatorAdminPermissions: bootstrap ?? null,
    };
    if (bootstrap === false) {
      return [
        pass(resource, `Cluster ${resource.name} was created without admin access for its creator.`, {
          evidence,
        }),
      ];
    }
    if (mode.configMapHonoured && mode.mode !== 'API_AND_CONFIG_MAP') {
      return [
        fail(
          resource,
          `Cluster ${resource.name} authenticates through aws-auth only (${mode.mode}) and ` +
            (bootstrap === true
              ? 'was created with bootstrapClusterCreatorAdminPermissions'
              : 'predates access entries, so its creator was made administrator') +
            ': the IAM identity that created it is cluster-admin, and that grant appears in no ConfigMap or ' +
            'binding. Switch to access entries to make it visible and removable.',
          { path: 'accessConfig.bootstrapClusterCreatorAdminPermissions', evidence },
        ),
      ];
    }
    if (bootstrap === undefined) {
      return [
        notEvaluated(
          resource,
          `Cluster ${resource.name} uses ${mode.mode}, but DescribeCluster gives no ` +
            'bootstrapClusterCreatorAdminPermissions, so whether the creator was made administrator is unknown.',
          { evidence },
        ),
      ];
    }
    const entries = snapshot.eks.accessEntries;
    if (!entries) {
      return [
        notEvaluated(
          resource,
          `Cluster ${resource.name} gave its creator an admin access entry, and the snapshot has no access ` +
            'entries to show whether it is still there.',
          { evidence },
        ),
      ];
    }
    // EKS does not record which entry is the creator's: every unapproved cluster-admin entry is a candidate.
    const approved = new Set(params.eksClusterAdminAllowedPrincipals);
    const candidates = entries.filter(
      (entry) =>
        clusterAdminGrants(entry).length > 0 && !(entry.principalArn && approved.has(entry.principalArn)),
    );
    if (candidates.length === 0) {
      return [
        pass(
          resource,
          `Cluster ${resource.name} gave its creator an admin access entry at creation; no unapproved ` +
            'cluster-admin entry is left, so it has been removed or approved.',
          { evidence },
        ),
      ];
    }
    return candidates.map((entry) => {
      const entryRef = accessEntryResource(entry);
      return fail(
        entryRef,
        `Cluster ${resource.name} was created with bootstrapClusterCreatorAdminPermissions, and the ` +
          `cluster-admin access entry of ${entryRef.name} may be the creator’s standing grant (EKS does not say ` +
          'which entry is). Delete it once administrators have their own entries, or approve it in ' +
          'eksClusterAdminAllowedPrincipals.',
        { evidence: { ...evidence, principalArn: entry.principalArn ?? null } },
      );
    });
  },
};
