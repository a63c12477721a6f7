import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type MarkedContainer, putBackContainers } from './shared-containers.ts';
import { MANAGED_FIELDS, pageTextTools, withoutMembers } from './unread-members.ts';

/**
 * Turns a list page as received (UTF-8 bytes) into the text the reader parses: decoded, with
 * the array members no check reads (`managedFields`, a Pod's status arrays) cut out
 * (`unread-members.ts`).
 *
 * On a host with more than one CPU, pages of `minWorkerBytes` or more are decoded and cut in a
 * worker thread while the main thread parses and projects the pages before them: the cut is a
 * character loop over every byte of the page, and after `JSON.parse` itself it was the largest
 * part of collection (bench/: 0.24 s of the 10,000-pod cluster's 1.6 s). Small pages are done in
 * place, where a message round trip would cost more than the work. In Pod pages, the worker also
 * writes each container it has seen before as a reference to the first (`shared-containers.ts`),
 * which the reader puts back after parsing.
 *
 * A page's bytes are moved to the worker (transferred, not copied: copying them cost as much as
 * the cut saved) and stay there: only the text comes back. Nothing the worker does can change
 * what the reader accepts, because the reader parses the page as received whenever the cut text
 * does not parse: it then asks for the bytes (`original()`), and otherwise lets the worker drop
 * them (`release()`). Bringing every page's bytes back had the main thread hold 4 GB of Buffers
 * over a 150,000-pod collection, each dying only in a full collection: V8 started one every
 * 64 MB of them ("external memory pressure"), 45–48 full collections of the growing snapshot
 * instead of 13. If the worker exits, every later page is done in place, and the pages it held
 * reject with `PageDecoderLostError` (their bytes went with it): the reader then asks for such
 * a page again.
 *
 * One decoder per reader (one per cluster per scan). The worker thread is the process's, shared
 * by its decoders one after another or at once (`DecoderThread`): a Lambda container scans
 * cluster after cluster, and a thread started per scan paid its start and ran the cut's code
 * cold on every scan's first pages. `close()` has the worker forget what the decoder left
 * there, and ends the thread when no decoder uses it and its heap is large (a big cluster's
 * pages: its memory is then free for evaluating that cluster); a decoder given its own program
 * (tests) has a thread of its own, ended by `close()`.
 */

export interface PageDecoderOptions {
  /** Use a worker thread at all (default: when the host has more than one CPU). */
  worker?: boolean;
  /** Pages smaller than this are decoded in place (default 256 KiB). */
  minWorkerBytes?: number;
  /** The worker's program (CommonJS source); only tests replace it, to make a worker fail. */
  workerSource?: string;
  /**
   * A shared worker whose heap is larger than this when its last decoder closes is ended, so
   * that memory is free for evaluating the cluster just read (default 256 MiB; a collection of
   * the 10,000-pod bench cluster left it at 117–183 MB, which the idle thread keeps).
   */
  maxIdleWorkerHeapBytes?: number;
}

const DEFAULT_MAX_IDLE_WORKER_HEAP_BYTES = 256 * 1024 * 1024;

const DEFAULT_MIN_WORKER_BYTES = 256 * 1024;

/**
 * The worker's whole program: the cut's own source (self-contained by contract) and a loop that
 * answers every page with its bytes and, unless decoding or cutting threw, its text. What it
 * has seen of a decoder's Pod pages is kept per nonce (one per decoder) until the decoder goes
 * (`forget`), with the pages that decoder left with it.
 */
const WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const { withoutMembers: cut, sharedContainers: share } = (${pageTextTools.toString()})();
const seen = new Map();
const decoder = new TextDecoder();
const held = new Map();
parentPort.on('message', (job) => {
  if (job.type === 'release') {
    held.delete(job.id);
    return;
  }
  if (job.type === 'forget') {
    seen.delete(job.nonce);
    for (const id of job.ids) held.delete(id);
    return;
  }
  if (job.type === 'state') {
    parentPort.postMessage({ id: job.id, state: { nonces: seen.size, held: held.size } });
    return;
  }
  if (job.type === 'original') {
    const bytes = held.get(job.id);
    held.delete(job.id);
    if (bytes) parentPort.postMessage({ id: job.id, bytes }, [bytes.buffer]);
    else parentPort.postMessage({ id: job.id });
    return;
  }
  let text;
  let shared;
  try {
    text = cut(decoder.decode(job.bytes), job.names);
    if (job.nonce !== undefined) {
      let known = seen.get(job.nonce);
      if (known === undefined) seen.set(job.nonce, (known = new Map()));
      shared = share(text, job.nonce, known);
      text = shared.text;
    }
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    parentPort.postMessage({ id: job.id, bytes: job.bytes }, [job.bytes.buffer]);
    return;
  }
  held.set(job.id, job.bytes);
  const wroteOnce = shared !== undefined && shared.marked + shared.referred > 0;
  parentPort.postMessage(wroteOnce ? { id: job.id, text, marked: shared.marked, referred: shared.referred } : { id: job.id, text });
});
`;

/** A page: the text to parse (decoded, unread members cut out), and the page as received on demand. */
export interface DecodedPage {
  text: string;
  /**
   * The page as received, for when `text` does not parse (from the worker, if it decoded the
   * page). Call this or `release()`, once.
   */
  original(): Promise<Uint8Array>;
  /** `text` parsed: the bytes are no longer needed. */
  release(): void;
  /**
   * Set when the worker wrote repeated containers of the page's Pods once
   * (`shared-containers.ts`): puts them back into the parsed items; false when the page must
   * be parsed from its original instead.
   */
  putBackContainers?: (items: readonly unknown[]) => boolean;
}

/** The worker exited while it held this page's bytes: the page must be fetched again. */
export class PageDecoderLostError extends Error {
  override readonly name = 'PageDecoderLostError';
}

interface Job {
  resolve: (page: DecodedPage) => void;
  reject: (error: Error) => void;
  names: readonly string[];
}

/**
 * The worker's answer: a page's text (it keeps the bytes), with how many containers it marked
 * and referred to when it wrote repeated ones once; or the bytes (asked for, or not cut).
 */
interface Reply {
  id: number;
  text?: string;
  bytes?: Uint8Array;
  marked?: number;
  referred?: number;
  state?: DecoderThreadState;
}

/** What the worker holds (for tests and diagnostics): decoders' seen containers and pages. */
export interface DecoderThreadState {
  nonces: number;
  held: number;
}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: Error) => void;
}

const decoder = new TextDecoder();

/** Decodes and cuts in the calling thread. */
export function decodePageInPlace(bytes: Uint8Array, names: readonly string[] = MANAGED_FIELDS): DecodedPage {
  return {
    text: withoutMembers(decoder.decode(bytes), names),
    original: () => Promise.resolve(bytes),
    release: () => undefined,
  };
}

/**
 * A worker thread running a decoder program, with where each answer goes. Job ids are unique in
 * the process, so decoders sharing the thread never see each other's answers.
 */
class DecoderThread {
  readonly worker: Worker;
  readonly shared: boolean;
  readonly #routes = new Map<number, (reply: Reply) => void>();
  /** Told when the thread exits: the decoders using it. */
  readonly users = new Set<() => void>();
  gone = false;

  constructor(source: string, shared: boolean) {
    this.worker = new Worker(source, { eval: true });
    this.shared = shared;
    this.worker.on('message', (reply: Reply) => {
      const route = this.#routes.get(reply.id);
      if (!route) return;
      this.forget(reply.id);
      route(reply);
    });
    const lost = () => {
      if (this.gone) return;
      this.gone = true;
      if (sharedThread === this) sharedThread = undefined;
      const users = [...this.users];
      this.users.clear();
      for (const user of users) user();
    };
    this.worker.on('error', lost);
    this.worker.on('exit', lost);
    // Idle, the thread must not keep the process alive (nor must a forgotten close()); after
    // the listeners, which would take the thread's port back into the event loop.
    this.worker.unref();
  }

  /** Sends `message` and waits for the answer to `id`: the process stays up until it comes. */
  ask(id: number, message: unknown, answer: (reply: Reply) => void, transfer?: ArrayBuffer[]): void {
    if (this.#routes.size === 0) this.worker.ref();
    this.#routes.set(id, answer);
    try {
      this.worker.postMessage(message, transfer);
    } catch (error) {
      this.forget(id);
      throw error;
    }
  }

  /** The size of the worker's heap (the process stays up until it is known). */
  async heapBytes(): Promise<number> {
    this.worker.ref();
    try {
      return (await this.worker.getHeapStatistics()).total_heap_size;
    } finally {
      if (this.#routes.size === 0) this.worker.unref();
    }
  }

  /** Ended, and no longer the shared thread: no decoder will send it anything again. */
  async retire(): Promise<void> {
    if (sharedThread === this) sharedThread = undefined;
    this.gone = true;
    await this.worker.terminate();
  }

  /** No answer to `id` is waited for any more. */
  forget(id: number): void {
    if (this.#routes.delete(id) && this.#routes.size === 0) this.worker.unref();
  }
}

/** The thread of the default program, started by the first decoder that needs one. */
let sharedThread: DecoderThread | undefined;
let nextJobId = 0;

/** A decoder dropped without `close()`: the shared worker forgets it all the same. */
const forgotten = new FinalizationRegistry<{ thread: DecoderThread; nonce: string; held: Set<number> }>(
  ({ thread, nonce, held }) => {
    if (!thread.gone) thread.worker.postMessage({ type: 'forget', nonce, ids: [...held] });
  },
);

export class PageDecoder {
  readonly #useWorker: boolean;
  readonly #minWorkerBytes: number;
  readonly #workerSource: string;
  readonly #maxIdleWorkerHeapBytes: number;
  #thread: DecoderThread | undefined;
  /** Set once the worker could not start or exited: every page is then done in place. */
  #workerFailed = false;
  #closed = false;
  readonly #jobs = new Map<number, Job>();
  /** Pages whose bytes were asked back from the worker. */
  readonly #originals = new Map<number, Pending>();
  /** Pages the worker holds for this decoder (decoded, neither released nor asked back). */
  readonly #held = new Set<number>();
  /** The marker names' nonce of this decoder, and the containers the worker marked for it. */
  readonly #nonce = randomUUID();
  readonly #marks = new Map<number, MarkedContainer>();
  readonly #lost = () => this.#fail();

  constructor(options: PageDecoderOptions = {}) {
    this.#useWorker = options.worker ?? availableParallelism() > 1;
    this.#minWorkerBytes = options.minWorkerBytes ?? DEFAULT_MIN_WORKER_BYTES;
    this.#workerSource = options.workerSource ?? WORKER_SOURCE;
    this.#maxIdleWorkerHeapBytes = options.maxIdleWorkerHeapBytes ?? DEFAULT_MAX_IDLE_WORKER_HEAP_BYTES;
  }

  /** Whether this decoder has a worker thread now (for tests and diagnostics). */
  get workerRunning(): boolean {
    return this.#thread !== undefined;
  }

  /** The worker's thread id, if this decoder has one (for tests and diagnostics). */
  get workerThreadId(): number | undefined {
    return this.#thread?.worker.threadId;
  }

  /** What the worker holds for all the decoders sharing it (for tests and diagnostics). */
  async workerState(): Promise<DecoderThreadState | undefined> {
    const thread = this.#thread;
    if (!thread) return undefined;
    const id = nextJobId++;
    return new Promise((resolve) => thread.ask(id, { type: 'state', id }, (reply) => resolve(reply.state)));
  }

  /**
   * Takes the bytes over: when they go to the worker, the caller's array is left empty (its
   * buffer detached), and the worker keeps them until the page is released or its original
   * asked for. `names`: the array members to cut (`unreadArrayMembers` of the page's kind);
   * `shareContainers`: the page lists Pods, whose repeated containers the worker may write once.
   */
  decode(
    bytes: Uint8Array,
    names: readonly string[] = MANAGED_FIELDS,
    shareContainers = false,
  ): Promise<DecodedPage> {
    if (this.#closed) return Promise.reject(new Error('the page decoder is closed'));
    const thread =
      this.#useWorker && !this.#workerFailed && bytes.byteLength >= this.#minWorkerBytes
        ? this.#ensureThread()
        : undefined;
    if (!thread) return new Promise((resolve, reject) => settleInPlace({ resolve, reject, names }, bytes));
    // Only a buffer that is exactly the page can be moved; a view into a larger or shared one
    // (a Buffer from Node's pool) is copied out first.
    const buffer = bytes.buffer;
    const own =
      buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
        ? { bytes, buffer }
        : ownCopy(bytes);
    const id = nextJobId++;
    return new Promise<DecodedPage>((resolve, reject) => {
      const job = { resolve, reject, names };
      this.#jobs.set(id, job);
      try {
        const nonce = shareContainers ? this.#nonce : undefined;
        thread.ask(
          id,
          { type: 'decode', id, bytes: own.bytes, names, nonce },
          (reply) => this.#answered(job, thread, reply),
          [own.buffer],
        );
      } catch {
        // A buffer Node will not let go of (marked untransferable) stays here: done in place.
        this.#jobs.delete(id);
        settleInPlace({ resolve, reject, names }, own.bytes);
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const thread = this.#thread;
    this.#thread = undefined;
    // Pages still being decoded are held by the worker once it answers: forgotten with the rest.
    const decoding = [...this.#jobs.keys()];
    this.#rejectPending(thread, () => new Error('the page decoder is closed'));
    if (!thread) return;
    thread.users.delete(this.#lost);
    forgotten.unregister(this);
    if (!thread.shared) {
      await thread.worker.terminate();
      return;
    }
    if (thread.gone) return;
    thread.worker.postMessage({ type: 'forget', nonce: this.#nonce, ids: [...this.#held, ...decoding] });
    this.#held.clear();
    if (thread.users.size > 0) return;
    const heap = await thread.heapBytes().catch(() => 0);
    // Another decoder may have taken the thread up meanwhile.
    if (thread.users.size === 0 && !thread.gone && heap > this.#maxIdleWorkerHeapBytes) await thread.retire();
  }

  #ensureThread(): DecoderThread | undefined {
    if (this.#thread) return this.#thread;
    let thread: DecoderThread;
    try {
      if (this.#workerSource === WORKER_SOURCE) {
        sharedThread ??= new DecoderThread(WORKER_SOURCE, true);
        thread = sharedThread;
      } else {
        thread = new DecoderThread(this.#workerSource, false);
      }
    } catch {
      this.#workerFailed = true;
      return undefined;
    }
    thread.users.add(this.#lost);
    if (thread.shared) forgotten.register(this, { thread, nonce: this.#nonce, held: this.#held }, this);
    this.#thread = thread;
    return thread;
  }

  /** The worker's answer to a page sent for decoding. */
  #answered(job: Job, thread: DecoderThread, reply: Reply): void {
    if (this.#jobs.get(reply.id) !== job) return;
    this.#jobs.delete(reply.id);
    if (reply.text !== undefined) job.resolve(this.#heldPage(thread, reply, reply.text));
    else if (reply.bytes !== undefined) settleInPlace(job, reply.bytes);
    else job.reject(new PageDecoderLostError('the page-decoding worker answered without the page'));
  }

  /** A page the worker decoded and holds the bytes of. */
  #heldPage(thread: DecoderThread, reply: Reply, text: string): DecodedPage {
    const { id, marked, referred } = reply;
    this.#held.add(id);
    let settled = false;
    return {
      text,
      ...(marked !== undefined && referred !== undefined
        ? {
            putBackContainers: (items: readonly unknown[]) =>
              putBackContainers(items, { marked, referred }, this.#nonce, this.#marks),
          }
        : {}),
      original: () => {
        if (settled) return Promise.reject(new Error('the page was already released'));
        settled = true;
        this.#held.delete(id);
        if (this.#thread !== thread) {
          return Promise.reject(
            this.#closed
              ? new Error('the page decoder is closed')
              : new PageDecoderLostError('the page-decoding worker thread exited'),
          );
        }
        return new Promise<Uint8Array>((resolve, reject) => {
          this.#originals.set(id, { resolve, reject });
          thread.ask(id, { type: 'original', id }, (answer) => {
            if (!this.#originals.delete(id)) return;
            if (answer.bytes !== undefined) resolve(answer.bytes);
            else reject(new PageDecoderLostError('the page-decoding worker no longer holds the page'));
          });
        });
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.#held.delete(id);
        if (this.#thread === thread) thread.worker.postMessage({ type: 'release', id });
      },
    };
  }

  /** The worker is gone: the pages it held are lost, and every later page is done in place. */
  #fail(): void {
    const thread = this.#thread;
    if (!thread) return;
    this.#thread = undefined;
    this.#workerFailed = true;
    this.#held.clear();
    forgotten.unregister(this);
    this.#rejectPending(thread, () => new PageDecoderLostError('the page-decoding worker thread exited'));
  }

  /** Every page still waited for (to be decoded, or for its original) fails with `error()`. */
  #rejectPending(thread: DecoderThread | undefined, error: () => Error): void {
    const ids = [...this.#jobs.keys(), ...this.#originals.keys()];
    const pending = [...this.#jobs.values(), ...this.#originals.values()];
    this.#jobs.clear();
    this.#originals.clear();
    for (const id of ids) thread?.forget(id);
    for (const job of pending) job.reject(error());
  }
}

function ownCopy(bytes: Uint8Array): { bytes: Uint8Array; buffer: ArrayBuffer } {
  const copy = new Uint8Array(bytes);
  return { bytes: copy, buffer: copy.buffer };
}

function settleInPlace(job: Job, bytes: Uint8Array): void {
  try {
    job.resolve(decodePageInPlace(bytes, job.names));
  } catch (error) {
    job.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
