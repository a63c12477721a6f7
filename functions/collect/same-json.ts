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

/** A value kept, and the value as parsed it was kept for (what later ones are compared with). */
interface Kept<T> {
  raw: unknown;
  value: T;
}

/**
 * Values kept once per distinct JSON value within a collection, found first by comparing as
 * parsed (`sameJson`, no text written) with the last `recent` kept for the same `where` — the
 * Pods of a controller come one after the other, so the last few are most often the one —
 * and beyond those, once some have given way, by their JSON text. A value is made only when
 * neither finds it; values that never match by comparison (a Date from YAML) are then found by
 * text only after some have given way, and otherwise kept again, equal.
 */
export class KeptByJson<T> {
  readonly #recent = new Map<string, Kept<T>[]>();
  readonly #older = new Map<string, T>();
  readonly #size: number;

  constructor(recent: number) {
    this.#size = recent;
  }

  /**
   * The value kept for one like `value` (`same`: whether it is the same as a raw value kept),
   * or `make(raw)` kept for `raw` (`rawOf()`: `value` as later ones are compared with it).
   */
  get(
    where: string,
    value: unknown,
    same: (value: unknown, raw: unknown) => boolean,
    rawOf: () => unknown,
    make: (raw: unknown) => T,
  ): T {
    let recent = this.#recent.get(where);
    if (recent === undefined) {
      recent = [];
      this.#recent.set(where, recent);
    }
    for (let i = recent.length - 1; i >= 0; i--) {
      const kept = recent[i] as Kept<T>;
      if (same(value, kept.raw)) return kept.value;
    }
    const raw = rawOf();
    let found = recent.length === this.#size ? this.#older.get(textOf(where, raw)) : undefined;
    found ??= make(raw);
    if (recent.length === this.#size) {
      const oldest = recent.shift() as Kept<T>;
      this.#older.set(textOf(where, oldest.raw), oldest.value);
    }
    recent.push({ raw, value: found });
    return found;
  }

  /** Every value kept (for tests). */
  values(): T[] {
    return [...[...this.#recent.values()].flat().map((kept) => kept.value), ...this.#older.values()];
  }
}

function textOf(where: string, raw: unknown): string {
  return `${where}\u0000${JSON.stringify(raw)}`;
}
