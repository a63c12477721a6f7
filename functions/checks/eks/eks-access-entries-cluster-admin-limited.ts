import type { Check, Outcome } from '../../core/model.ts';
import { accessEntryResource, clusterAdminGrants } from '../lib/aws-auth.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * The EKS half of CIS EKS 4.1.1: access entries grant cluster-admin outside RBAC, where the
 * RBAC checks cannot see it.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export const eksAccessEntriesClusterAdminLimited: Check = {
  id: 'eks-access-entries-cluster-admin-limited',
  title: 'Only approved IAM principals hold cluster-wide admin access policies',
  severity: 'high',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.1.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'rbac' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:accessEntries'],
  rationale:
    'An access entry with AmazonEKSClusterAdminPolicy (or AmazonEKSAdminPolicy) at cluster scope makes an ' +
    'IAM principal administrator of the whole cluster, Secrets and RBAC included, without any ' +
    'ClusterRoleBinding to show for it. Everyone who can assume that role, and every tool that runs with ' +
    'it, is cluster-admin; the fewer such principals, the smaller the blast radius of one stolen session.',
  remediation: {
    summary:
      'Scope access policies to the namespaces a principal works in, use AmazonEKSEditPolicy or ' +
      'AmazonEKSViewPolicy where they suffice, and keep cluster-scope admin for the break-glass roles ' +
      'listed in eksClusterAdminAllowedPrincipals.',
    cli:
      'aws eks list-associated-access-policies --cluster-name <cluster> --principal-arn <arn>\n' +
      'aws eks disassociate-access-policy --cluster-name <cluster> --principal-arn <arn> \\\n' +
      '  --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\n' +
      'aws eks associate-access-policy --cluster-name <cluster> --principal-arn <arn> \\\n' +
      '  --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy \\\n' +
      '  --access-scope type=namespace,namespaces=<team-namespace>',
    iac:
      'resource "aws_eks_access_policy_association" "team" {\n  cluster_name  = aws_eks_cluster.this.name\n' +
      '  principal_arn = aws_iam_role.team.arn\n' +
      '  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"\n' +
      '  access_scope {\n    type       = "namespace"\n    namespaces = ["team"]\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  evaluate(snapshot, params) {
    const entries = snapshot.eks.accessEntries;
    if (!entries) {
      return [
        notEvaluated(
          clusterResource(snapshot),
          'The snapshot has no access entries (ListAccessEntries), so cluster-admin grants outside RBAC are unknown.',
        ),
      ];
    }
    const approved = new Set(params.eksClusterAdminAllowedPrincipals);
    const outcomes: Outcome[] = [];
    for (const entry of entries) {
      const resource = accessEntryResource(entry);
      const grants = clusterAdminGrants(entry);
      if (grants.length === 0) {
        outcomes.push(pass(resource, `Access entry ${resource.name} grants no cluster-wide admin.`));
        continue;
      }
      const what = grants.map((grant) => grant.what).join(' and ');
      if (entry.principalArn && approved.has(entry.principalArn)) {
        outcomes.push(
          pass(
            resource,
            `Access entry ${resource.name} holds ${what}; it is in eksClusterAdminAllowedPrincipals.`,
          ),
        );
        continue;
      }
      for (const grant of grants) {
        outcomes.push(
          fail(
            resource,
            `IAM principal ${resource.name} is cluster-admin through its access entry: ${grant.what}. It is not ` +
              'in eksClusterAdminAllowedPrincipals.',
            {
              path: grant.path,
              evidence: {
                principalArn: entry.principalArn ?? null,
                grant: grant.what,
                type: entry.type ?? null,
              },
            },
          ),
        );
      }
    }
    if (entries.length === 0) {
      outcomes.push(
        pass(clusterResource(snapshot), 'The cluster has no access entries, so none grants admin.'),
      );
    }
    return outcomes;
  },
};
