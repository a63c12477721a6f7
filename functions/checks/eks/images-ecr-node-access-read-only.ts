import type { Check } from '../../core/model.ts';
import { clusterResource, manual } from '../lib/outcomes.ts';

/**
 * CIS EKS 5.1.3 (Manual): nodes need to pull images, never to push them. Role policies are not
 * collected; the check names the roles nodes and Fargate pods use, so they can be reviewed.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
 */
export const imagesEcrNodeAccessReadOnly: Check = {
  id: 'images-ecr-node-access-read-only',
  title: 'Node and Fargate roles have read-only access to ECR',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.1.3' },
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: ['eks:cluster', 'eks:nodegroups', 'eks:fargateProfiles'],
  rationale:
    'Every pod that can reach a node’s instance metadata can use the node’s IAM role. If that role can ' +
    'push images, one compromised pod can replace the images other workloads run, in this cluster and in ' +
    'every other cluster that pulls from the same repositories. The managed policy ' +
    'AmazonEC2ContainerRegistryReadOnly (or AmazonEC2ContainerRegistryPullOnly) is all a node needs.',
  remediation: {
    summary:
      'Attach only AmazonEC2ContainerRegistryPullOnly or AmazonEC2ContainerRegistryReadOnly for ECR to the ' +
      'node roles and Fargate pod execution roles, and remove any policy granting ecr:PutImage, ' +
      'ecr:BatchDeleteImage or ecr:* to them.',
    cli:
      'aws iam list-attached-role-policies --role-name <node-role>\n' +
      'aws iam list-role-policies --role-name <node-role>',
    iac:
      'resource "aws_iam_role_policy_attachment" "ecr_pull" {\n  role       = aws_iam_role.node.name\n' +
      '  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/security-iam-awsmanpol.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html',
  ],
  outcomes: ['manual'],
  evaluate(snapshot) {
    const roles = new Map<string, string[]>();
    const add = (arn: string | undefined, user: string) => {
      if (arn) roles.set(arn, [...(roles.get(arn) ?? []), user]);
    };
    for (const group of snapshot.eks.nodegroups ?? [])
      add(group.nodeRole, `node group ${group.nodegroupName ?? '?'}`);
    const compute = snapshot.eks.cluster?.computeConfig;
    if (compute?.enabled) add(compute.nodeRoleArn, 'EKS Auto Mode nodes');
    for (const profile of snapshot.eks.fargateProfiles ?? []) {
      add(profile.podExecutionRoleArn, `Fargate profile ${profile.fargateProfileName ?? '?'}`);
    }
    const listed = [...roles].map(([arn, users]) => `${arn} (${users.join(', ')})`);
    return [
      manual(
        clusterResource(snapshot),
        'Attest that these roles can only pull from ECR (their IAM policies are not collected): ' +
          (listed.length > 0
            ? `${listed.join('; ')}.`
            : 'no node group, Auto Mode or Fargate role is known.') +
          ' Self-managed nodes use instance profiles that EKS does not report; review them too.',
        { evidence: { roles: roles.size, rolePolicies: 'not collected' } },
      ),
    ];
  },
};
