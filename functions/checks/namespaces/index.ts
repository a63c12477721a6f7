import type { Check } from '../../core/model.ts';

/** namespaces checks, in report order. */
export const NAMESPACE_CHECKS: readonly Check[] = [];
