import type { Check } from '../../core/model.ts';
import { namespaceAdminBoundaries } from './namespace-admin-boundaries.ts';
import { namespaceDefaultNotUsed } from './namespace-default-not-used.ts';
import { namespacesLimitRanges } from './namespaces-limit-ranges.ts';
import { namespacesPodSecurityEnforced } from './namespaces-pod-security-enforced.ts';
import { namespacesProductionSeparated } from './namespaces-production-separated.ts';
import { namespacesResourceQuotas } from './namespaces-resource-quotas.ts';

/** Namespace checks, in report order. */
export const NAMESPACE_CHECKS: readonly Check[] = [
  namespacesPodSecurityEnforced,
  namespaceDefaultNotUsed,
  namespacesResourceQuotas,
  namespacesLimitRanges,
  namespacesProductionSeparated,
  namespaceAdminBoundaries,
];
