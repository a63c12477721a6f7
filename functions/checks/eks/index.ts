import type { Check } from '../../core/model.ts';

/** eks checks, in report order. */
export const EKS_CHECKS: readonly Check[] = [];
