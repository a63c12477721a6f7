import { compiledOnce } from '../../core/glob.ts';

/**
 * Whole-word patterns for the heuristics that look for a word in a name (`prod` in
 * `checkout-prod`, `grafana` in `team-grafana-0`). Words come from the policy's parameters,
 * not from clusters, and each is compiled once (`compiledOnce`) rather than for every name it
 * is tried on.
 */

/**
 * A pattern matching `word` bounded on each side by the start or end of the text or one of
 * `separators` (characters of a regular-expression class, e.g. `-_.`). `flags`: `i` to ignore case.
 */
export function wordPattern(word: string, separators: string, flags: '' | 'i' = ''): RegExp {
  return compiledOnce(`word\u0000${flags}\u0000${separators}\u0000${word}`, () => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[${separators}])${escaped}($|[${separators}])`, flags);
  });
}
