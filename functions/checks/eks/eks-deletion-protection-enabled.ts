import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/**
 * EKS refuses DeleteCluster while deletion protection is on.
 * https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html
 */
export const eksDeletionProtectionEnabled: Check = {
  id: 'eks-deletion-protection-enabled',
  title: 'Deletion protection is on for the cluster',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [{ framework: 'eks-best-practices', requirement: 'reliability' }],
  reads: ['eks:cluster'],
  rationale:
    'Deleting an EKS cluster destroys its control plane and etcd, with every Kubernetes object and the ' +
    'Secrets in it, and cannot be undone. Deletion protection makes DeleteCluster fail until someone ' +
    'turns it off on purpose, which stops a mistaken command, a bad infrastructure-as-code plan or a ' +
    'compromised automation role from wiping out a production cluster in one call.',
  remediation: {
    summary: 'Turn deletion protection on for every cluster that must not disappear by accident.',
    cli: 'aws eks update-cluster-config --name <cluster> --deletion-protection',
    iac: 'resource "aws_eks_cluster" "this" {\n  deletion_protection = true\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html',
    'https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const cluster = snapshot.eks.cluster;
    if (!cluster) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster data, so deletion protection is unknown.',
        ),
      ];
    }
    if (cluster.deletionProtection === undefined) {
      return [
        notEvaluated(
          resource,
          'DescribeCluster returned no deletionProtection field (an older API or SDK version), so whether the ' +
            'cluster is protected is unknown.',
        ),
      ];
    }
    if (cluster.deletionProtection) {
      return [
        pass(resource, `Cluster ${resource.name} has deletion protection on.`, {
          evidence: { deletionProtection: true },
        }),
      ];
    }
    return [
      fail(resource, `Cluster ${resource.name} can be deleted in one API call: deletion protection is off.`, {
        path: 'deletionProtection',
        evidence: { deletionProtection: false },
      }),
    ];
  },
};
