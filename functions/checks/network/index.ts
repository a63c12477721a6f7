import type { Check } from '../../core/model.ts';

/** network checks, in report order. */
export const NETWORK_CHECKS: readonly Check[] = [];
