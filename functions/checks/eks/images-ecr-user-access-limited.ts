import type { Check } from '../../core/model.ts';
import { imageSource } from '../lib/images.ts';
import { clusterResource, manual } from '../lib/outcomes.ts';
import { containersOf, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

/**
 * CIS EKS 5.1.2 (Manual): who can push, delete or change repository policies in ECR decides what
 * the cluster runs. IAM policies are not collected; the check names the ECR registries to review.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/security-iam.html
 */
export const imagesEcrUserAccessLimited: Check = {
  id: 'images-ecr-user-access-limited',
  title: 'Few IAM principals can push to or administer the ECR repositories',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.1.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'image-security' },
    { framework: 'eks-best-practices', requirement: 'image-security' },
  ],
  reads: [...WORKLOAD_KINDS],
  rationale:
    'Whoever can push to a repository the cluster pulls from can replace a trusted image with their own ' +
    'under the same tag, and it runs with the workload’s rights at the next restart; whoever can change ' +
    'the repository policy or delete images can do the same or break deployments. Push and administration ' +
    'should be limited to the build pipeline and a few administrators.',
  remediation: {
    summary:
      'Review IAM identity policies and ECR repository policies for ecr:PutImage, ecr:BatchDeleteImage, ' +
      'ecr:DeleteRepository, ecr:SetRepositoryPolicy and ecr:* on the repositories in use; keep them for ' +
      'the CI role, and give everyone else read-only access. Make tags immutable.',
    cli:
      'aws ecr get-repository-policy --repository-name <repo>\n' +
      'aws iam simulate-principal-policy --policy-source-arn <principal-arn> --action-names ecr:PutImage ' +
      '--resource-arns <repository-arn>',
    iac: 'resource "aws_ecr_repository" "app" {\n  name                 = "app"\n  image_tag_mutability = "IMMUTABLE"\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/security-iam.html',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html',
  ],
  outcomes: ['manual'],
  evaluate(snapshot) {
    const ecr = new Set<string>();
    for (const workload of workloads(snapshot)) {
      for (const { container } of containersOf(workload)) {
        if (!container.image) continue;
        const source = imageSource(container.image);
        if (/\.dkr\.ecr\./.test(source.registry)) ecr.add(`${source.registry}/${source.repository}`);
      }
    }
    const repositories = [...ecr].sort();
    const shown =
      repositories.slice(0, 10).join(', ') +
      (repositories.length > 10 ? ` and ${repositories.length - 10} more` : '');
    return [
      manual(
        clusterResource(snapshot),
        'Attest that only the build pipeline and a few administrators can push to or administer the ECR ' +
          'repositories the cluster uses; IAM and repository policies are not collected. ' +
          (repositories.length > 0
            ? `ECR repositories in use: ${shown}.`
            : 'No workload image comes from a private ECR registry.'),
        { evidence: { ecrRepositories: repositories.length, iamPolicies: 'not collected' } },
      ),
    ];
  },
};
