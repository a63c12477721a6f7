import type { Check } from '../../core/model.ts';

/** workloads checks, in report order. */
export const WORKLOAD_CHECKS: readonly Check[] = [];
