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
 * token volume), as a reference to the first (`sharedContainers` in `unread-members.ts`, beside
 * the cut whose helpers it uses): `{"<nonce>r":7,"volumeMounts":[…]}`, and marks
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

import { isRecord } from '../core/is-record.ts';
import { CONTAINER_LISTS } from '../core/k8s-types.ts';

/** What the worker wrote: the page's text, and how many containers it marked and referred to. */
export interface SharedContainersText {
  text: string;
  marked: number;
  referred: number;
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
      const withoutMounts = Object.hasOwn(container, 'volumeMounts') ? rest : container;
      marks.set(number, { container, withoutMounts });
      putBack.set(container, withoutMounts);
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
      const container =
        volumeMounts === undefined ? known.withoutMounts : { ...known.withoutMounts, volumeMounts };
      putBack.set(container, known.withoutMounts);
      list[i] = container;
      referred++;
    }
  }
  return marked === written.marked && referred === written.referred;
}

export type { Marked as MarkedContainer };

/**
 * The entry each container put back (and each marked one) stands for, without its
 * `volumeMounts`: containers put back from one entry are that entry but for their mounts, so the
 * projection finishes each once and finds it again by this entry (`finishedContainer`).
 */
const putBack = new WeakMap<object, Record<string, unknown>>();

export function putBackFrom(container: object): Record<string, unknown> | undefined {
  return putBack.get(container);
}
