import type { Check, Outcome } from '../../core/model.ts';
import { authenticationMode, readAwsAuth } from '../lib/aws-auth.ts';
import { clusterResource, manual, notEvaluated } from '../lib/outcomes.ts';

/**
 * CIS EKS 5.5.1 (Manual): people should reach the cluster as IAM identities through the AWS IAM
 * authenticator (access entries or aws-auth), not as Kubernetes-native users. The client-side
 * half (an AWS CLI recent enough to get tokens) cannot be seen from the cluster.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html
 */
export const eksIamAuthenticatorIdentities: Check = {
  id: 'eks-iam-authenticator-identities',
  title: 'People reach the cluster as IAM identities (access entries or aws-auth)',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'cis-eks-1.8.0', requirement: '5.5.1' },
    { framework: 'nsa-cisa-1.2', requirement: 'authentication' },
    { framework: 'eks-best-practices', requirement: 'cluster-access-management' },
  ],
  reads: ['eks:cluster', 'eks:accessEntries', 'configmaps'],
  rationale:
    'EKS authenticates people through IAM: short-lived tokens, MFA and federation from the identity ' +
    'provider, and a CloudTrail record of who assumed what. Identities that bypass it, such as long-lived ' +
    'service account tokens handed to people, IAM users with static keys mapped in aws-auth, or an OIDC ' +
    'provider nobody reviews, keep working after the person has left and cannot be traced to them.',
  remediation: {
    summary:
      'Give people access through IAM roles federated from your identity provider with access entries; ' +
      'do not map IAM users, do not hand out service account tokens, review associated OIDC identity ' +
      'providers, and use an AWS CLI recent enough to run `aws eks get-token`.',
    cli:
      'aws eks list-access-entries --cluster-name <cluster>\n' +
      'aws eks list-identity-provider-configs --cluster-name <cluster>\n' +
      'kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/authenticate-oidc-identity-provider.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  ],
  outcomes: ['manual'],
  evaluate(snapshot) {
    const resource = clusterResource(snapshot);
    const mode = authenticationMode(snapshot);
    if (!mode) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeCluster data, so the authentication setup is unknown.',
        ),
      ];
    }
    const entries = snapshot.eks.accessEntries ?? [];
    const byType = new Map<string, number>();
    for (const entry of entries)
      byType.set(entry.type ?? 'STANDARD', (byType.get(entry.type ?? 'STANDARD') ?? 0) + 1);
    const iamUserEntries = entries.filter((entry) => /:user\//.test(entry.principalArn ?? '')).length;
    const awsAuth = mode.configMapHonoured ? readAwsAuth(snapshot) : undefined;
    const mapUsers = (awsAuth?.mappings ?? []).filter((mapping) => mapping.key === 'mapUsers');
    const mapRoles = (awsAuth?.mappings ?? []).filter((mapping) => mapping.key === 'mapRoles');
    const facts = [
      `authentication mode ${mode.mode}`,
      `${entries.length} access entr${entries.length === 1 ? 'y' : 'ies'}` +
        (byType.size > 0 ? ` (${[...byType].map(([type, n]) => `${n} ${type}`).join(', ')})` : ''),
      ...(iamUserEntries > 0
        ? [`${iamUserEntries} access entr${iamUserEntries === 1 ? 'y is' : 'ies are'} for IAM users`]
        : []),
      ...(awsAuth
        ? [
            `aws-auth maps ${mapRoles.length} role(s), ${mapUsers.length} IAM user(s)` +
              (mapUsers.length > 0 ? ` (${mapUsers.map((m) => m.principal ?? '?').join(', ')})` : '') +
              ` and ${awsAuth.accounts.length} account(s)`,
          ]
        : []),
    ];
    const outcomes: Outcome[] = [
      manual(
        resource,
        `Attest that people authenticate as IAM identities. Evidence: ${facts.join('; ')}. Not collected: ` +
          'associated OIDC identity providers (ListIdentityProviderConfigs), and long-lived ' +
          'kubernetes.io/service-account-token Secrets, which Watchkeeper cannot list because it never reads ' +
          'Secrets. Check both, and the AWS CLI version people use, by hand.',
        {
          evidence: {
            authenticationMode: mode.mode,
            accessEntries: entries.length,
            iamUserAccessEntries: iamUserEntries,
            awsAuthRoles: awsAuth ? mapRoles.length : null,
            awsAuthUsers: awsAuth ? mapUsers.length : null,
            identityProviderConfigs: 'not collected',
            serviceAccountTokenSecrets: 'not collected (Secrets are never read)',
          },
        },
      ),
    ];
    return outcomes;
  },
};
