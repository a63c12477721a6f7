import type { Check } from '../../core/model.ts';
import { rbacAnonymousAccessNotBound } from './rbac-anonymous-access-not-bound.ts';
import { rbacAuthenticatedGroupNotElevated } from './rbac-authenticated-group-not-elevated.ts';
import { rbacAwsAuthNoSystemMasters } from './rbac-aws-auth-no-system-masters.ts';
import { rbacAwsAuthWriteLimited } from './rbac-aws-auth-write-limited.ts';
import { rbacClusterAdminBindingsLimited } from './rbac-cluster-admin-bindings-limited.ts';
import { rbacDefaultServiceAccountUnused } from './rbac-default-service-account-unused.ts';
import { rbacNoWildcardRules } from './rbac-no-wildcard-rules.ts';
import { rbacNodeProxyAccessLimited } from './rbac-node-proxy-access-limited.ts';
import { rbacPersistentVolumeCreationLimited } from './rbac-persistent-volume-creation-limited.ts';
import { rbacPodCreationLimited } from './rbac-pod-creation-limited.ts';
import { rbacPrivilegeEscalationVerbsLimited } from './rbac-privilege-escalation-verbs-limited.ts';
import { rbacSecretsReadLimited } from './rbac-secrets-read-limited.ts';
import { rbacServiceAccountTokenAutomountDisabled } from './rbac-service-account-token-automount-disabled.ts';
import { rbacServiceAccountTokenCreationLimited } from './rbac-service-account-token-creation-limited.ts';
import { rbacWebhookConfigurationChangesLimited } from './rbac-webhook-configuration-changes-limited.ts';
import { rbacWorkloadsUseDedicatedIamRoles } from './rbac-workloads-use-dedicated-iam-roles.ts';

/** rbac checks, in report order. */
export const RBAC_CHECKS: readonly Check[] = [
  rbacClusterAdminBindingsLimited,
  rbacNoWildcardRules,
  rbacSecretsReadLimited,
  rbacPrivilegeEscalationVerbsLimited,
  rbacDefaultServiceAccountUnused,
  rbacServiceAccountTokenAutomountDisabled,
  rbacPodCreationLimited,
  rbacPersistentVolumeCreationLimited,
  rbacNodeProxyAccessLimited,
  rbacWebhookConfigurationChangesLimited,
  rbacServiceAccountTokenCreationLimited,
  rbacAnonymousAccessNotBound,
  rbacAuthenticatedGroupNotElevated,
  rbacAwsAuthNoSystemMasters,
  rbacAwsAuthWriteLimited,
  rbacWorkloadsUseDedicatedIamRoles,
];
