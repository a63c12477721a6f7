import type { Check } from '../../core/model.ts';

/** rbac checks, in report order. */
export const RBAC_CHECKS: readonly Check[] = [];
