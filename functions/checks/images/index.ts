import type { Check } from '../../core/model.ts';

/** images checks, in report order. */
export const IMAGE_CHECKS: readonly Check[] = [];
