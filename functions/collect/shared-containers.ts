/**
 * Containers written once per collection in the text of Pod list pages, and put back after
 * `JSON.parse`.
 *
 * The replicas of a controller carry the same containers, and a Pod page of the 10,000-pod
 * bench cluster is half repeated containers (20.8 of 45.1 MB once the unread members are cut).
 * Parsing each copy only for the projection to find it equal to one it has finished
 * (`project.ts`, `finishedContainer`) was a third of the main thread's work on such pages. The
 * decoding worker (`page-decoder.ts`) already reads every character of the page; it now also
 * writes each container it has seen before, but for its `volumeMounts` (they name the Pod's own
 * token volume), as a reference to the first: `{"<nonce>r":7,"volumeMounts":[…]}`, and marks
 * that first one with its number (`"<nonce>d":7`, its last member). The reader puts the first
 * one back in place of each reference (`putBackContainers`), sharing its parts, so the
 * projection finds it by identity.
 *
 * Why the page stays what the cluster sent: the marker names hold a random nonce per decoder,
 * which cluster text cannot contain by design and cannot guess; a reference is put back only if
 * its number was marked, and only where the worker wrote references (a Pod's `containers`,
 * `initContainers`, `ephemeralContainers`). The worker counts what it wrote and the reader what
 * it put back; on any difference, an unknown number, or a reference with other members, the
 * page is parsed again from its bytes as received. Anything the worker does not expect (a list
 * that is not of objects, a container with two `volumeMounts`, text that does not end) leaves
 * the page's text as the cut made it.
 */

/** What the worker wrote: the page's text, and how many containers it marked and referred to. */
export interface SharedContainersText {
  text: string;
  marked: number;
  referred: number;
}

/**
 * Builds the worker's side. Everything it needs is inside this one function, which refers to
 * nothing outside itself: its source text is part of the decoding worker's code
 * (`page-decoder.ts`), so keep it self-contained — no imports, no module-level constants.
 * `seen`: the containers met so far (their text without `volumeMounts`) and their numbers, one
 * map per decoder.
 */
export function containerSharer(): (
  text: string,
  nonce: string,
  seen: Map<string, number>,
) => SharedContainersText {
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

  function skipSpaces(text: string, i: number): number {
    while (isSpace(text.charCodeAt(i))) i++;
    return i;
  }

  function isEscaped(text: string, index: number): boolean {
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes++;
    return backslashes % 2 === 1;
  }

  /** The index just past the string whose opening quote is at `open`, or -1. */
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

  /**
   * The object's `volumeMounts` member (from its name to the end of its array) and the span to
   * cut for the text without it (one comma with it); undefined when it has none, null when the
   * object is not as expected (two of them, or not an array).
   */
  function mountsOf(
    text: string,
    start: number,
    end: number,
  ): { from: number; to: number; cutFrom: number; cutTo: number } | undefined | null {
    let found: { from: number; to: number; cutFrom: number; cutTo: number } | undefined;
    let depth = 0;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const after = endOfString(text, i);
        if (after === -1 || after > end) return null;
        if (depth === 1 && after - i === MOUNTS.length && text.startsWith(MOUNTS, i)) {
          let k = skipSpaces(text, after);
          if (text.charCodeAt(k) === COLON) {
            if (found !== undefined) return null;
            k = skipSpaces(text, k + 1);
            if (text.charCodeAt(k) !== OPEN_ARRAY) return null;
            const to = endOfValue(text, k);
            if (to === -1 || to > end) return null;
            let before = i - 1;
            while (isSpace(text.charCodeAt(before))) before--;
            let cutFrom = i;
            let cutTo = to;
            if (text.charCodeAt(before) === COMMA) cutFrom = before;
            else {
              const next = skipSpaces(text, to);
              if (text.charCodeAt(next) === COMMA) cutTo = next + 1;
            }
            found = { from: i, to, cutFrom, cutTo };
            i = to;
            continue;
          }
        }
        i = after;
        continue;
      }
      if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
      i++;
    }
    return found;
  }

  return function sharedContainers(text, nonce, seen) {
    const unchanged = { text, marked: 0, referred: 0 };
    const pieces: string[] = [];
    // Numbers given on this page, kept in `seen` only if the whole page goes through.
    const added = new Map<string, number>();
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
        const end = endOfValue(text, i);
        if (end === -1) return unchanged;
        const mounts = mountsOf(text, i, end);
        if (mounts === null) return unchanged;
        const key = mounts
          ? text.slice(i, mounts.cutFrom) + text.slice(mounts.cutTo, end)
          : text.slice(i, end);
        const known = seen.get(key) ?? added.get(key);
        pieces.push(text.slice(from, i));
        if (known === undefined) {
          const number = seen.size + added.size;
          added.set(key, number);
          marked++;
          const body = text.slice(i, end - 1);
          const empty = skipSpaces(text, i + 1) === end - 1;
          pieces.push(body, empty ? '' : ',', `"${nonce}d":${number}}`);
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
  };
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A container marked by the worker, and the same without its `volumeMounts` for the references. */
interface Marked {
  container: Record<string, unknown>;
  withoutMounts: Record<string, unknown>;
}

/**
 * The reader's side: in the Pods of a parsed page, records the containers the worker marked
 * (in `marks`, one map per decoder) and puts them back in place of the references to them.
 * False when the page does not add up (see the top of this file): parse the page as received.
 */
export function putBackContainers(
  items: readonly unknown[],
  written: { marked: number; referred: number },
  nonce: string,
  marks: Map<number, Marked>,
): boolean {
  const markKey = `${nonce}d`;
  const referenceKey = `${nonce}r`;
  const lists: unknown[][] = [];
  for (const item of items) {
    const spec = isRecord(item) ? item.spec : undefined;
    if (!isRecord(spec)) continue;
    for (const name of CONTAINER_LISTS) {
      const list = spec[name];
      if (Array.isArray(list)) lists.push(list);
    }
  }
  // Marks first: a reference may come before its mark within one Pod's lists.
  let marked = 0;
  for (const list of lists) {
    for (const container of list) {
      if (!isRecord(container) || !Object.hasOwn(container, markKey)) continue;
      const number = container[markKey];
      delete container[markKey];
      if (typeof number !== 'number') return false;
      const { volumeMounts: _mounts, ...rest } = container;
      marks.set(number, {
        container,
        withoutMounts: Object.hasOwn(container, 'volumeMounts') ? rest : container,
      });
      marked++;
    }
  }
  let referred = 0;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const reference = list[i];
      if (!isRecord(reference) || !Object.hasOwn(reference, referenceKey)) continue;
      const number = reference[referenceKey];
      const known = typeof number === 'number' ? marks.get(number) : undefined;
      const { [referenceKey]: _number, volumeMounts, ...rest } = reference;
      if (known === undefined || Object.keys(rest).length > 0) return false;
      list[i] = volumeMounts === undefined ? known.withoutMounts : { ...known.withoutMounts, volumeMounts };
      referred++;
    }
  }
  return marked === written.marked && referred === written.referred;
}

export type { Marked as MarkedContainer };
