import type { Check } from '../../core/model.ts';

/** nodes checks, in report order. */
export const NODE_CHECKS: readonly Check[] = [];
