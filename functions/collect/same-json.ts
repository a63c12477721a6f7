/** Comparing values as `JSON.parse` made them, without writing them out as text. */

/** A plain object (what `JSON.parse` makes), not a class instance or a Date. */
export function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether two values as `JSON.parse` made them are the same JSON, keys in the same order;
 * `skip` is a key of the outer objects left out of the comparison.
 */
export function sameJson(a: unknown, b: unknown, skip?: string): boolean {
  if (a === b) return true;
  // Other values are the same only when they are identical (NaN never is; JSON has none).
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  // Plain objects only: anything else (a Date from YAML) is never the same.
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keysB = Object.keys(y);
  let j = 0;
  for (const key of Object.keys(x)) {
    if (key === skip) continue;
    if (skip !== undefined && keysB[j] === skip) j++;
    if (keysB[j++] !== key || !sameJson(x[key], y[key])) return false;
  }
  if (skip !== undefined && keysB[j] === skip) j++;
  return j === keysB.length;
}
