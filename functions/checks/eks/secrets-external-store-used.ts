import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, manual, pass } from '../lib/outcomes.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** CRD API groups of integrations that keep secret values in an external store. */
const STORE_CRD_GROUPS: Readonly<Record<string, string>> = {
  'secrets-store.csi.x-k8s.io': 'Secrets Store CSI Driver (SecretProviderClass)',
  'external-secrets.io': 'External Secrets Operator',
  'secrets.hashicorp.com': 'Vault Secrets Operator',
};

/**
 * CIS EKS 4.4.2 (Manual): keep secret values in an external store (AWS Secrets Manager,
 * Parameter Store, Vault) and bring them in at run time. Which store holds which value is not
 * visible from the cluster; the check looks for the integrations, as a heuristic.
 * https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html
 */
export const secretsExternalStoreUsed: Check = {
  id: 'secrets-external-store-used',
  title: 'Secrets are kept in an external store such as AWS Secrets Manager',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '4.4.2' },
    { framework: 'nsa-cisa-1.2', requirement: 'secrets' },
    { framework: 'eks-best-practices', requirement: 'data-encryption-and-secrets-management' },
  ],
  reads: ['customresourcedefinitions', 'mutatingwebhookconfigurations', ...WORKLOAD_KINDS],
  rationale:
    'Kubernetes Secrets are only base64-encoded in the API: anyone with read access to them, or to a ' +
    'backup of etcd, has the values, and they are rotated by hand. An external store such as AWS Secrets ' +
    'Manager adds its own access policy, audit trail and automatic rotation, and the values reach pods ' +
    'only when they run.',
  remediation: {
    summary:
      'Store secret values in AWS Secrets Manager or Parameter Store (or another vault) and deliver them ' +
      'with the Secrets Store CSI Driver and its AWS provider, or with External Secrets Operator, using a ' +
      'dedicated IAM role per workload.',
    cli:
      'helm repo add secrets-store-csi-driver https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts\n' +
      'helm install csi-secrets-store secrets-store-csi-driver/secrets-store-csi-driver -n kube-system\n' +
      'kubectl apply -f https://raw.githubusercontent.com/aws/secrets-store-csi-driver-provider-aws/main/deployment/aws-provider-installer.yaml',
    iac:
      'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: app-secrets\n' +
      'spec:\n  provider: aws\n  parameters:\n    objects: |\n      - objectName: "prod/app/db"\n' +
      '        objectType: "secretsmanager"',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_csi_driver.html',
    'https://external-secrets.io/latest/provider/aws-secrets-manager/',
  ],
  outcomes: ['pass', 'manual'],
  evaluate(snapshot) {
    const found: string[] = [];
    for (const crd of snapshot.k8s.customresourcedefinitions) {
      const group = crd.spec?.group ?? crd.metadata.name.split('.').slice(1).join('.');
      const what = STORE_CRD_GROUPS[group];
      if (what && !found.includes(what)) found.push(what);
    }
    for (const webhook of snapshot.k8s.mutatingwebhookconfigurations) {
      if (webhook.metadata.name.includes('vault-agent-injector') && !found.includes('Vault Agent Injector')) {
        found.push('Vault Agent Injector');
      }
    }
    const mounting = workloads(snapshot).filter((workload) =>
      (workload.spec.volumes ?? []).some((volume) => volume.csi?.driver === CSI_DRIVER),
    );
    const users = mounting.slice(0, 10).map((workload) => describe(workload.resource));
    const evidence = {
      integrations: found.join(', ') || null,
      workloadsMountingSecretsStore: mounting.length,
    };
    const outcomes: Outcome[] = [];
    if (found.length > 0 || mounting.length > 0) {
      outcomes.push(
        pass(
          clusterResource(snapshot),
          `Heuristic: an external secret store integration is installed (${found.join(', ') || CSI_DRIVER})` +
            (mounting.length > 0
              ? `, and ${mounting.length} workload(s) mount secrets through it: ${users.join(', ')}` +
                `${mounting.length > users.length ? ' and more' : ''}.`
              : '; the custom resources that use it are not collected, so confirm that applications use it.'),
          { evidence },
        ),
      );
    } else {
      outcomes.push(
        manual(
          clusterResource(snapshot),
          'Heuristic: no external secret store integration was found (no Secrets Store CSI Driver, External ' +
            'Secrets or Vault custom resources or injector, no workload mounting a secrets-store CSI volume). ' +
            'Attest where secret values are stored, or adopt an external store.',
          { evidence },
        ),
      );
    }
    return outcomes;
  },
};
