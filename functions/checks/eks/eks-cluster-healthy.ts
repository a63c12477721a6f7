import type { Check, FrameworkRef } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

const RELIABILITY: FrameworkRef = { framework: 'eks-best-practices', requirement: 'reliability' };

/**
 * DescribeCluster reports health issues that EKS cannot repair by itself: a deleted subnet or
 * security group, a missing cluster role, a disabled or deleted KMS key.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_ClusterIssue.html
 */
export const eksClusterHealthy: Check = {
  id: 'eks-cluster-healthy',
  title: 'The EKS cluster is active and reports no health issues',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    RELIABILITY,
    { framework: 'eks-best-practices', requirement: 'data-encryption-and-secrets-management' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'A cluster health issue means EKS can no longer manage part of the control plane: with the KMS key ' +
    'disabled or its grant revoked, Secrets cannot be decrypted; with the cluster role or its subnets ' +
    'gone, EKS cannot scale, patch or upgrade the control plane. Such a cluster stops receiving the ' +
    'fixes AWS applies under the shared responsibility model until the customer repairs the cause.',
  remediation: {
    summary:
      'Fix each reported issue at its source (re-enable the KMS key or restore its grant, recreate the ' +
      'IAM role, subnets or security groups) as the issue message describes.',
    cli: "aws eks describe-cluster --name <cluster> --query 'cluster.{status:status,health:health}'",
    console: 'EKS console → cluster → Overview → Health issues',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/APIReference/API_ClusterIssue.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const cluster = snapshot.eks.cluster;
    if (!cluster) return [notEvaluated(resource, 'The snapshot has no DescribeCluster data.')];
    const status = cluster.status;
    const issues = cluster.health?.issues;
    if (issues === undefined) {
      return [
        notEvaluated(
          resource,
          `DescribeCluster returned no health section for cluster ${resource.name}, so its health issues are unknown.`,
          { evidence: { status: status ?? null } },
        ),
      ];
    }
    const evidence = { status: status ?? null, healthIssues: issues.length };
    if (issues.length > 0) {
      const text = issues
        .map(
          (issue) =>
            `${issue.code ?? 'issue'}: ${issue.message ?? ''}`.trim() +
            (issue.resourceIds?.length ? ` (${issue.resourceIds.join(', ')})` : ''),
        )
        .join('; ');
      // A KMS key issue is also an encryption finding; the others concern reliability only.
      const kms = issues.some((issue) => (issue.code ?? '').startsWith('KMS_'));
      return [
        {
          ...fail(resource, `Cluster ${resource.name} reports health issues: ${text}.`, {
            path: 'health.issues',
            evidence,
          }),
          ...(kms ? {} : { requirements: [RELIABILITY] }),
        },
      ];
    }
    if (status && status !== 'ACTIVE' && status !== 'UPDATING') {
      return [
        {
          ...fail(resource, `Cluster ${resource.name} is ${status}, not ACTIVE.`, {
            path: 'status',
            evidence,
          }),
          requirements: [RELIABILITY],
        },
      ];
    }
    return [
      pass(resource, `Cluster ${resource.name} is ${status ?? 'of unknown status'} with no health issues.`, {
        evidence,
      }),
    ];
  },
};
