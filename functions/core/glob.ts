/** Matches `*` (any run of characters) and `?` (one character); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

export function globMatch(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}
