/** Matches `*` (any run of characters) and `?` (one character); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/**
 * Regular expressions compiled once per process, by a key naming what they were compiled
 * from: globs of waivers and system components, image allow-lists and stage words are tried on
 * every finding or name of a large cluster with the same few patterns. Those patterns come
 * from configuration, never from clusters; the cache is bounded all the same.
 */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

export function compiledOnce(key: string, compile: () => RegExp): RegExp {
  let regExp = compiled.get(key);
  if (regExp === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    regExp = compile();
    compiled.set(key, regExp);
  }
  return regExp;
}

export function globMatch(glob: string, value: string): boolean {
  return compiledOnce(`glob\u0000${glob}`, () => globToRegExp(glob)).test(value);
}
