/**
 * Whole-word patterns for the heuristics that look for a word in a name (`prod` in
 * `checkout-prod`, `grafana` in `team-grafana-0`). Words come from the policy's parameters,
 * not from clusters, and each is compiled once rather than for every name it is tried on; the
 * cache is bounded all the same.
 */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

/**
 * A pattern matching `word` bounded on each side by the start or end of the text or one of
 * `separators` (characters of a regular-expression class, e.g. `-_.`). `flags`: `i` to ignore case.
 */
export function wordPattern(word: string, separators: string, flags: '' | 'i' = ''): RegExp {
  const key = `${flags}\u0000${separators}\u0000${word}`;
  let pattern = compiled.get(key);
  if (pattern === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(^|[${separators}])${escaped}($|[${separators}])`, flags);
    compiled.set(key, pattern);
  }
  return pattern;
}
