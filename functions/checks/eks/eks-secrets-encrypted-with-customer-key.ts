import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/** True for `1.28` and later; false when the version is unknown. */
function hasDefaultEnvelopeEncryption(version: string | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 1 || (major === 1 && minor >= 28);
}

/**
 * CIS EKS 5.3.1. Since Kubernetes 1.28 EKS envelope-encrypts all API data with an AWS-owned
 * key, so the question is whether the customer controls the key for secrets.
 * https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
 */
export const eksSecretsEncryptedWithCustomerKey: Check = {
  id: 'eks-secrets-encrypted-with-customer-key',
  title: 'Secrets are envelope-encrypted with a customer-managed KMS key',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.3.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'network-separation' },
    { framework: 'eks-best-practices', requirement: 'data-encryption-and-secrets-management' },
  ],
  reads: ['eks:cluster'],
  rationale:
    'Envelope encryption with a KMS key you own puts Kubernetes Secrets under your key policy: you ' +
    'decide who may decrypt, every use of the key is recorded in CloudTrail, and disabling the key ' +
    'makes the stored secrets unreadable. Clusters on 1.28 and later are encrypted by default with an ' +
    'AWS-owned key, which protects the data at rest but gives you none of that control or audit trail.',
  remediation: {
    summary:
      'Associate a customer-managed symmetric KMS key with the cluster for the `secrets` resource ' +
      '(this cannot be undone), with key rotation enabled and a key policy limited to the cluster role.',
    cli:
      'aws eks associate-encryption-config --cluster-name <cluster> --encryption-config ' +
      '\'[{"resources":["secrets"],"provider":{"keyArn":"arn:aws:kms:<region>:<account>:key/<key-id>"}}]\'',
    iac:
      'resource "aws_eks_cluster" "this" {\n  encryption_config {\n    resources = ["secrets"]\n' +
      '    provider {\n      key_arn = aws_kms_key.eks.arn\n    }\n  }\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html',
  ],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const cluster = snapshot.eks.cluster;
    if (!cluster) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster data, so the encryption setup is unknown.',
        ),
      ];
    }
    const configs = cluster.encryptionConfig ?? [];
    const index = configs.findIndex(
      (config) => (config.resources ?? []).includes('secrets') && Boolean(config.provider?.keyArn),
    );
    const keyArn = index >= 0 ? configs[index]?.provider?.keyArn : undefined;
    if (keyArn) {
      return [
        pass(
          resource,
          `Cluster ${resource.name}: secrets are envelope-encrypted with the customer KMS key ${keyArn}.`,
          { evidence: { keyArn } },
        ),
      ];
    }
    const defaultNote = hasDefaultEnvelopeEncryption(cluster.version)
      ? `On Kubernetes ${cluster.version} EKS still encrypts API data, secrets included, with an AWS-owned ` +
        'key by default (clusters on 1.28 and later), but that key is outside your control and audit.'
      : 'Clusters on Kubernetes 1.28 and later get default envelope encryption with an AWS-owned key; ' +
        `this cluster (version ${cluster.version ?? 'unknown'}) may not, and in any case no key of yours is used.`;
    return [
      fail(
        resource,
        `Cluster ${resource.name}: no customer-managed KMS key encrypts secrets (encryptionConfig ` +
          `${configs.length === 0 ? 'is empty' : 'has no entry for secrets with a key'}). ${defaultNote}`,
        {
          path: 'encryptionConfig',
          evidence: { encryptionConfigEntries: configs.length, version: cluster.version ?? null },
        },
      ),
    ];
  },
};
