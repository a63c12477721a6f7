import type { Check } from '../../core/model.ts';
import { eksControlPlaneLoggingEnabled } from './eks-control-plane-logging-enabled.ts';
import { eksControlPlaneManagedByAws } from './eks-control-plane-managed-by-aws.ts';
import { eksEndpointPrivateAccessEnabled } from './eks-endpoint-private-access-enabled.ts';
import { eksEndpointPublicAccessRestricted } from './eks-endpoint-public-access-restricted.ts';
import { eksSecretsEncryptedWithCustomerKey } from './eks-secrets-encrypted-with-customer-key.ts';
import { eksVersionInStandardSupport } from './eks-version-in-standard-support.ts';

/** eks checks, in report order. */
export const EKS_CHECKS: readonly Check[] = [
  eksEndpointPublicAccessRestricted,
  eksEndpointPrivateAccessEnabled,
  eksControlPlaneLoggingEnabled,
  eksSecretsEncryptedWithCustomerKey,
  eksVersionInStandardSupport,
  eksControlPlaneManagedByAws,
];
