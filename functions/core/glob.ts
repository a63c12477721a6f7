import { memoised } from './memo.ts';

/** Matches `*` (any run of characters) and `?` (one character); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/**
 * A compiler that compiles each source once per process: globs of waivers and system
 * components, image allow-lists and stage words are tried on every finding or name of a large
 * cluster with the same few patterns. Each compiler keeps its own cache, keyed by the source
 * itself (a key built per call cost more than the match at 150,000 pods). Those sources come
 * from configuration, never from clusters; each cache is bounded all the same.
 */
export function compiledOnce(compile: (source: string) => RegExp): (source: string) => RegExp {
  return memoised(compile, MAX_COMPILED);
}

const MAX_COMPILED = 1000;

const globRegExp = compiledOnce(globToRegExp);

export function globMatch(glob: string, value: string): boolean {
  return globRegExp(glob).test(value);
}
