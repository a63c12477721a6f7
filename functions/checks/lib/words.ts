import { compiledOnce } from '../../core/glob.ts';

/**
 * Whole-word patterns for the heuristics that look for a word in a name (`prod` in
 * `checkout-prod`, `grafana` in `team-grafana-0`). Words come from the policy's parameters,
 * not from clusters, and each is compiled once (`compiledOnce`) rather than for every name it
 * is tried on.
 */

/**
 * Patterns matching a word bounded on each side by the start or end of the text or one of
 * `separators` (characters of a regular-expression class, e.g. `-_.`); `flags`: `i` to ignore
 * case. Made once per call site; each word is compiled once.
 */
export function wordPatterns(separators: string, flags: '' | 'i' = ''): (word: string) => RegExp {
  return compiledOnce((word) => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[${separators}])${escaped}($|[${separators}])`, flags);
  });
}
