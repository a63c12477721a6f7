import type { Check } from '../../core/model.ts';
import { namespaceDefaultNotUsed } from './namespace-default-not-used.ts';

/** Namespace checks, in report order. */
export const NAMESPACE_CHECKS: readonly Check[] = [namespaceDefaultNotUsed];
