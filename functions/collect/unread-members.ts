/**
 * Cuts the array members no check reads (`"managedFields":[…]`, a Pod's
 * `"containerStatuses":[…]` …) out of a list page's JSON text before it is parsed.
 *
 * Server-side apply bookkeeping is close to half of what the API server sends for a Pod,
 * ReplicaSet or Deployment (a field set per manager, as nested objects), and a Pod's status
 * conditions and container statuses are most of the rest that the projection (`project.ts`)
 * drops: many small objects, which is what `JSON.parse` spends its time on. Parsing them only to
 * throw them away was the largest single cost of reading a big cluster: measured on the
 * 10,000-pod bench cluster, parsing the Pod pages without `managedFields` took half the time of
 * parsing them whole, and without the status and scheduling arrays too a quarter less again
 * (236 → 174 ms).
 * Which members a kind may lose is `unreadArrayMembers` in `project.ts`, next to the fields the
 * projection keeps.
 *
 * Why a text scan is safe on untrusted text: inside a JSON string every `"` is escaped, so an
 * unescaped `"` followed by `:[` ends an object member's name whose value is an array, and the
 * name runs from the unescaped `"` before it (a name holding an escaped quote is never one of
 * ours). The array's end is found by counting brackets outside strings (strings are skipped
 * whole, honouring escapes). Anything unexpected — an unterminated string or array — returns the
 * text unchanged, so `JSON.parse` sees the original and reports it. Text a server pretty-printed
 * (`"managedFields": [`) is left as it is and parsed in full.
 */

/** Members every kind may lose: no check reads server-side apply bookkeeping. */
export const MANAGED_FIELDS: readonly string[] = ['managedFields'];

/**
 * Builds the cut. Everything it needs is inside this one function, which refers to nothing
 * outside itself: its source text is also the code of the worker thread that decodes large
 * pages off the main thread (`page-decoder.ts`), so keep it self-contained — no imports, no
 * module-level constants, no helpers defined elsewhere.
 */
export function unreadMembersCutter(): (text: string, names: readonly string[]) => string {
  const NAME_END = '":[';

  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const COMMA = 0x2c;
  const OPEN_ARRAY = 0x5b;
  const CLOSE_ARRAY = 0x5d;
  const OPEN_OBJECT = 0x7b;
  const CLOSE_OBJECT = 0x7d;

  function isSpace(c: number): boolean {
    return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  }

  /** Whether the character at `index` is escaped: an odd number of backslashes before it. */
  function isEscaped(text: string, index: number): boolean {
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes++;
    return backslashes % 2 === 1;
  }

  /** The index just past the string whose opening quote is at `open`, or -1 if it never ends. */
  function endOfString(text: string, open: number): number {
    let quote = text.indexOf('"', open + 1);
    while (quote !== -1) {
      if (!isEscaped(text, quote)) return quote + 1;
      quote = text.indexOf('"', quote + 1);
    }
    return -1;
  }

  /** The index just past the `]` closing the array whose `[` is at `open`, or -1. */
  function endOfArray(text: string, open: number): number {
    let depth = 1;
    let i = open + 1;
    const length = text.length;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = endOfString(text, i);
        if (i === -1) return -1;
        continue;
      }
      if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        depth--;
        if (depth === 0) return c === CLOSE_ARRAY ? i + 1 : -1;
      }
      i++;
    }
    return -1;
  }

  /** Whether `text` holds exactly one of `names` from `start` to `end`. */
  function isOneOf(text: string, start: number, end: number, names: readonly string[]): boolean {
    for (const name of names) {
      if (name.length === end - start && text.startsWith(name, start)) return true;
    }
    return false;
  }

  return function withoutMembers(text: string, names: readonly string[]): string {
    let longest = 0;
    for (const name of names) longest = Math.max(longest, name.length);
    if (longest === 0) return text;
    const kept: string[] = [];
    let from = 0;
    let close = text.indexOf(NAME_END);
    while (close !== -1) {
      let next = close + NAME_END.length;
      const open = close > 0 ? text.lastIndexOf('"', close - 1) : -1;
      if (
        open !== -1 &&
        close - open - 1 <= longest &&
        !isEscaped(text, close) &&
        !isEscaped(text, open) &&
        isOneOf(text, open + 1, close, names)
      ) {
        const end = endOfArray(text, close + 2);
        if (end === -1) return text;
        // Take a comma with the member, before it or (when it came first, or the comma before
        // went with the member cut just before it) after it, so the object stays valid JSON.
        let before = open - 1;
        while (isSpace(text.charCodeAt(before))) before--;
        if (before >= from && text.charCodeAt(before) === COMMA) {
          kept.push(text.slice(from, before));
          from = end;
        } else {
          kept.push(text.slice(from, open));
          let after = end;
          while (isSpace(text.charCodeAt(after))) after++;
          from = text.charCodeAt(after) === COMMA ? after + 1 : end;
        }
        next = end;
      }
      close = text.indexOf(NAME_END, next);
    }
    if (kept.length === 0) return text;
    kept.push(text.slice(from));
    return kept.join('');
  };
}

export const withoutMembers: (text: string, names: readonly string[]) => string = unreadMembersCutter();
