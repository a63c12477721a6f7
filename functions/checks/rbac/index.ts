import type { Check } from '../../core/model.ts';
import { rbacClusterAdminBindingsLimited } from './rbac-cluster-admin-bindings-limited.ts';
import { rbacDefaultServiceAccountUnused } from './rbac-default-service-account-unused.ts';
import { rbacNoWildcardRules } from './rbac-no-wildcard-rules.ts';
import { rbacPrivilegeEscalationVerbsLimited } from './rbac-privilege-escalation-verbs-limited.ts';
import { rbacSecretsReadLimited } from './rbac-secrets-read-limited.ts';
import { rbacServiceAccountTokenAutomountDisabled } from './rbac-service-account-token-automount-disabled.ts';

/** rbac checks, in report order. */
export const RBAC_CHECKS: readonly Check[] = [
  rbacClusterAdminBindingsLimited,
  rbacNoWildcardRules,
  rbacSecretsReadLimited,
  rbacPrivilegeEscalationVerbsLimited,
  rbacDefaultServiceAccountUnused,
  rbacServiceAccountTokenAutomountDisabled,
];
