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

import type { SharedContainersText } from './shared-containers.ts';

/** Members every kind may lose: no check reads server-side apply bookkeeping. */
export const MANAGED_FIELDS: readonly string[] = ['managedFields'];

/**
 * Builds the cut (`withoutMembers`) and the writing of repeated containers once
 * (`sharedContainers`, see `shared-containers.ts`). Everything they need is inside this one
 * function, which refers to nothing outside itself: its source text is also the code of the
 * worker thread that decodes large pages off the main thread (`page-decoder.ts`), so keep it
 * self-contained — no imports, no module-level constants, no helpers defined elsewhere.
 */
export function pageTextTools(): {
  withoutMembers: (text: string, names: readonly string[]) => string;
  sharedContainers: (text: string, nonce: string, seen: Map<string, number>) => SharedContainersText;
} {
  const NAME_END = '":[';

  const LISTS = ['"containers":[', '"initContainers":[', '"ephemeralContainers":['];
  const MOUNTS = '"volumeMounts"';
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const COMMA = 0x2c;
  const COLON = 0x3a;
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

  /** The index just past the `]` or `}` closing what opens at `open`, or -1. */
  function endOfValue(text: string, open: number): number {
    const closer = text.charCodeAt(open) === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT;
    let depth = 1;
    let i = open + 1;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = endOfString(text, i);
        if (i === -1) return -1;
        continue;
      }
      if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        depth--;
        if (depth === 0) return c === closer ? i + 1 : -1;
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

  function skipSpaces(text: string, i: number): number {
    while (isSpace(text.charCodeAt(i))) i++;
    return i;
  }

  /**
   * What to cut for the object member from `start` (its name's quote) to `end` (past its
   * value) so the object stays valid JSON: a comma with it, the one before it or (when it came
   * first, or the comma before it is not after `floor`, where an earlier cut ended) the one
   * after it.
   */
  function memberSpan(
    text: string,
    start: number,
    end: number,
    floor: number,
  ): { cutFrom: number; cutTo: number } {
    let before = start - 1;
    while (isSpace(text.charCodeAt(before))) before--;
    if (before >= floor && text.charCodeAt(before) === COMMA) return { cutFrom: before, cutTo: end };
    const after = skipSpaces(text, end);
    return { cutFrom: start, cutTo: text.charCodeAt(after) === COMMA ? after + 1 : end };
  }

  function withoutMembers(text: string, names: readonly string[]): string {
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
        const end = endOfValue(text, close + 2);
        if (end === -1) return text;
        const span = memberSpan(text, open, end, from);
        kept.push(text.slice(from, span.cutFrom));
        from = span.cutTo;
        next = end;
      }
      close = text.indexOf(NAME_END, next);
    }
    if (kept.length === 0) return text;
    kept.push(text.slice(from));
    return kept.join('');
  }

  /**
   * The next container list's name at or after `from` that is a member name: its index and
   * length. `ahead` holds where each name was found last (-1: no more), so each name is
   * searched for once per occurrence, not once per list.
   */
  function nextList(text: string, from: number, ahead: number[]): { at: number; length: number } | undefined {
    let best: { at: number; length: number } | undefined;
    for (let n = 0; n < LISTS.length; n++) {
      const name = LISTS[n] as string;
      let at = ahead[n] as number;
      if (at !== -1 && at < from) {
        at = text.indexOf(name, from);
        while (at !== -1 && isEscaped(text, at)) at = text.indexOf(name, at + 1);
        ahead[n] = at;
      }
      if (at !== -1 && (best === undefined || at < best.at)) best = { at, length: name.length };
    }
    return best;
  }

  /** A container's `volumeMounts` member (name to `]`) and the span cut with it. */
  type Mounts = { from: number; to: number; cutFrom: number; cutTo: number };
  /** Where a container ends, and its mounts if it has them. */
  type ContainerSpan = { end: number; mounts: Mounts | undefined };

  /**
   * The object that opens at `start`, read once: the index just past its `}` (`end`), and its
   * `volumeMounts` member (from its name to the end of its array) with the span to cut for the
   * text without it (one comma with it), when it has one. Null when the object does not end or
   * is not as expected (two `volumeMounts`, or one that is not an array).
   */
  function containerAt(text: string, start: number): ContainerSpan | null {
    let mounts: Mounts | undefined;
    let depth = 1;
    let i = start + 1;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const after = endOfString(text, i);
        if (after === -1) return null;
        if (depth === 1 && after - i === MOUNTS.length && text.startsWith(MOUNTS, i)) {
          let k = skipSpaces(text, after);
          if (text.charCodeAt(k) === COLON) {
            if (mounts !== undefined) return null;
            k = skipSpaces(text, k + 1);
            if (text.charCodeAt(k) !== OPEN_ARRAY) return null;
            const to = endOfValue(text, k);
            if (to === -1) return null;
            mounts = { from: i, to, ...memberSpan(text, i, to, start) };
            i = to;
            continue;
          }
        }
        i = after;
        continue;
      }
      if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        depth--;
        if (depth === 0) return c === CLOSE_OBJECT ? { end: i + 1, mounts } : null;
      }
      i++;
    }
    return null;
  }

  /** Containers of a page compared in place before their text is looked up (`sharedContainers`). */
  const RECENT = 8;

  /**
   * A container of the page as a pattern for the next ones: its text before its mounts
   * (`before`, up to the comma or name the cut takes), from there to its mounts' `[` (`lead`),
   * from their `]` to the end of the cut (`trail`) and on to its `}` (`after`); without
   * mounts, `before` is all of it. `fromOffset`: where the member's name starts within the cut.
   */
  interface Pattern {
    before: string;
    lead: string | undefined;
    trail: string;
    after: string;
    fromOffset: number;
    number: number;
  }

  /**
   * The container at `i` if it is `pattern`'s but for its mounts' array: read in place, with
   * only the mounts scanned. The text before the mounts is the pattern's, so the mounts member
   * stands where it stood (one level down, outside any string), and the text after it closes
   * the object where the pattern's closed; no other `volumeMounts` member can be in either.
   */
  function matchAt(text: string, i: number, pattern: Pattern): ContainerSpan | null {
    if (!text.startsWith(pattern.before, i)) return null;
    const cutFrom = i + pattern.before.length;
    if (pattern.lead === undefined) return { end: cutFrom, mounts: undefined };
    if (!text.startsWith(pattern.lead, cutFrom)) return null;
    const open = cutFrom + pattern.lead.length;
    if (text.charCodeAt(open) !== OPEN_ARRAY) return null;
    const to = endOfValue(text, open);
    if (to === -1 || !text.startsWith(pattern.trail, to)) return null;
    const cutTo = to + pattern.trail.length;
    if (!text.startsWith(pattern.after, cutTo)) return null;
    return {
      end: cutTo + pattern.after.length,
      mounts: { from: cutFrom + pattern.fromOffset, to, cutFrom, cutTo },
    };
  }

  function sharedContainers(text: string, nonce: string, seen: Map<string, number>): SharedContainersText {
    const unchanged = { text, marked: 0, referred: 0 };
    const pieces: string[] = [];
    // Numbers given on this page, kept in `seen` only if the whole page goes through.
    const added = new Map<string, number>();
    // The replicas of a controller come one after the other: comparing a container in place
    // with the last few of the page finds most of them without reading them character by
    // character, writing out their text and hashing it.
    const recent: Pattern[] = [];
    let marked = 0;
    let referred = 0;
    let from = 0;
    // Every name is first looked for at 0 (a position before any `from`).
    const ahead = LISTS.map(() => -2);
    let list = nextList(text, 0, ahead);
    while (list !== undefined) {
      let i = list.at + list.length;
      for (;;) {
        i = skipSpaces(text, i);
        if (text.charCodeAt(i) === CLOSE_ARRAY) break;
        if (text.charCodeAt(i) !== OPEN_OBJECT) return unchanged;
        let container: ContainerSpan | null = null;
        let known: number | undefined;
        for (let r = recent.length - 1; r >= 0 && container === null; r--) {
          const pattern = recent[r] as Pattern;
          container = matchAt(text, i, pattern);
          if (container !== null) known = pattern.number;
        }
        let first = false;
        if (container === null) {
          container = containerAt(text, i);
          if (container === null) return unchanged;
          const { end, mounts } = container;
          const before = text.slice(i, mounts ? mounts.cutFrom : end);
          const after = text.slice(mounts ? mounts.cutTo : end, end);
          const key = before + after;
          known = seen.get(key) ?? added.get(key);
          if (known === undefined) {
            known = seen.size + added.size;
            added.set(key, known);
            first = true;
          }
          if (recent.length === RECENT) recent.shift();
          if (mounts) {
            const open = text.indexOf('[', mounts.from + MOUNTS.length);
            recent.push({
              before,
              lead: text.slice(mounts.cutFrom, open),
              trail: text.slice(mounts.to, mounts.cutTo),
              after,
              fromOffset: mounts.from - mounts.cutFrom,
              number: known,
            });
          } else recent.push({ before, lead: undefined, trail: '', after: '', fromOffset: 0, number: known });
        }
        const { end, mounts } = container;
        pieces.push(text.slice(from, i));
        if (first) {
          marked++;
          const empty = skipSpaces(text, i + 1) === end - 1;
          pieces.push(text.slice(i, end - 1), empty ? '' : ',', `"${nonce}d":${known}}`);
        } else {
          referred++;
          pieces.push(`{"${nonce}r":${known}`, mounts ? `,${text.slice(mounts.from, mounts.to)}` : '', '}');
        }
        from = end;
        i = skipSpaces(text, end);
        if (text.charCodeAt(i) === COMMA) {
          i++;
          continue;
        }
        if (text.charCodeAt(i) !== CLOSE_ARRAY) return unchanged;
        break;
      }
      list = nextList(text, i + 1, ahead);
    }
    if (marked + referred === 0) return unchanged;
    for (const [key, number] of added) seen.set(key, number);
    pieces.push(text.slice(from));
    return { text: pieces.join(''), marked, referred };
  }

  return { withoutMembers, sharedContainers };
}

export const { withoutMembers } = pageTextTools();
