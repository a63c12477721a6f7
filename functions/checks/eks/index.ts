import type { Check } from '../../core/model.ts';
import { eksAccessEntriesClusterAdminLimited } from './eks-access-entries-cluster-admin-limited.ts';
import { eksAccessEntriesUsed } from './eks-access-entries-used.ts';
import { eksAddonsHealthy } from './eks-addons-healthy.ts';
import { eksAuditLogsRetained } from './eks-audit-logs-retained.ts';
import { eksClusterCreatorAdminDisabled } from './eks-cluster-creator-admin-disabled.ts';
import { eksClusterHealthy } from './eks-cluster-healthy.ts';
import { eksControlPlaneLoggingEnabled } from './eks-control-plane-logging-enabled.ts';
import { eksControlPlaneManagedByAws } from './eks-control-plane-managed-by-aws.ts';
import { eksDeletionProtectionEnabled } from './eks-deletion-protection-enabled.ts';
import { eksEndpointPrivateAccessEnabled } from './eks-endpoint-private-access-enabled.ts';
import { eksEndpointPublicAccessRestricted } from './eks-endpoint-public-access-restricted.ts';
import { eksIamAuthenticatorIdentities } from './eks-iam-authenticator-identities.ts';
import { eksInsightsPassing } from './eks-insights-passing.ts';
import { eksSecretsEncryptedWithCustomerKey } from './eks-secrets-encrypted-with-customer-key.ts';
import { eksVersionInStandardSupport } from './eks-version-in-standard-support.ts';
import { imagesEcrNodeAccessReadOnly } from './images-ecr-node-access-read-only.ts';
import { imagesEcrUserAccessLimited } from './images-ecr-user-access-limited.ts';
import { imagesVulnerabilityScanning } from './images-vulnerability-scanning.ts';
import { networkLoadBalancersUseTls } from './network-load-balancers-use-tls.ts';
import { networkPolicyEnforcementEnabled } from './network-policy-enforcement-enabled.ts';
import { networkPolicyEnforcementSupported } from './network-policy-enforcement-supported.ts';
import { secretsExternalStoreUsed } from './secrets-external-store-used.ts';

/** eks checks, in report order. */
export const EKS_CHECKS: readonly Check[] = [
  eksEndpointPublicAccessRestricted,
  eksEndpointPrivateAccessEnabled,
  eksControlPlaneLoggingEnabled,
  eksAuditLogsRetained,
  eksSecretsEncryptedWithCustomerKey,
  eksVersionInStandardSupport,
  eksControlPlaneManagedByAws,
  eksAccessEntriesUsed,
  eksAccessEntriesClusterAdminLimited,
  eksClusterCreatorAdminDisabled,
  eksIamAuthenticatorIdentities,
  eksDeletionProtectionEnabled,
  eksClusterHealthy,
  eksAddonsHealthy,
  eksInsightsPassing,
  networkPolicyEnforcementSupported,
  networkPolicyEnforcementEnabled,
  networkLoadBalancersUseTls,
  secretsExternalStoreUsed,
  imagesVulnerabilityScanning,
  imagesEcrUserAccessLimited,
  imagesEcrNodeAccessReadOnly,
];
