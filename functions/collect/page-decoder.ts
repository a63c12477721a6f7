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
 * One decoder per reader (one per cluster per scan); `close()` ends its worker.
 */

export interface PageDecoderOptions {
  /** Use a worker thread at all (default: when the host has more than one CPU). */
  worker?: boolean;
  /** Pages smaller than this are decoded in place (default 256 KiB). */
  minWorkerBytes?: number;
  /** The worker's program (CommonJS source); only tests replace it, to make a worker fail. */
  workerSource?: string;
}

const DEFAULT_MIN_WORKER_BYTES = 256 * 1024;

/**
 * The worker's whole program: the cut's own source (self-contained by contract) and a loop that
 * answers every page with its bytes and, unless decoding or cutting threw, its text.
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
      shared = share(text, job.nonce, seen);
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
  if (shared !== undefined && shared.marked + shared.referred > 0) {
    parentPort.postMessage({ id: job.id, text, marked: shared.marked, referred: shared.referred });
  } else {
    parentPort.postMessage({ id: job.id, text });
  }
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

export class PageDecoder {
  readonly #useWorker: boolean;
  readonly #minWorkerBytes: number;
  readonly #workerSource: string;
  #worker: Worker | undefined;
  /** Set once the worker could not start or exited: every page is then done in place. */
  #workerFailed = false;
  #closed = false;
  #nextId = 0;
  readonly #jobs = new Map<number, Job>();
  /** Pages whose bytes were asked back from the worker. */
  readonly #originals = new Map<number, Pending>();
  /** The marker names' nonce of this decoder's worker, and the containers it marked. */
  readonly #nonce = randomUUID();
  readonly #marks = new Map<number, MarkedContainer>();

  constructor(options: PageDecoderOptions = {}) {
    this.#useWorker = options.worker ?? availableParallelism() > 1;
    this.#minWorkerBytes = options.minWorkerBytes ?? DEFAULT_MIN_WORKER_BYTES;
    this.#workerSource = options.workerSource ?? WORKER_SOURCE;
  }

  /** Whether a worker thread is running now (for tests and diagnostics). */
  get workerRunning(): boolean {
    return this.#worker !== undefined;
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
    const worker =
      this.#useWorker && !this.#workerFailed && bytes.byteLength >= this.#minWorkerBytes
        ? this.#ensureWorker()
        : undefined;
    if (!worker) return new Promise((resolve, reject) => settleInPlace({ resolve, reject, names }, bytes));
    // Only a buffer that is exactly the page can be moved; a view into a larger or shared one
    // (a Buffer from Node's pool) is copied out first.
    const buffer = bytes.buffer;
    const own =
      buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
        ? { bytes, buffer }
        : ownCopy(bytes);
    const id = this.#nextId++;
    return new Promise<DecodedPage>((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject, names });
      try {
        const nonce = shareContainers ? this.#nonce : undefined;
        worker.postMessage({ type: 'decode', id, bytes: own.bytes, names, nonce }, [own.buffer]);
      } catch {
        // A buffer Node will not let go of (marked untransferable) stays here: done in place.
        this.#jobs.delete(id);
        settleInPlace({ resolve, reject, names }, own.bytes);
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#rejectPending(() => new Error('the page decoder is closed'));
    await worker?.terminate();
  }

  #ensureWorker(): Worker | undefined {
    if (this.#worker) return this.#worker;
    let worker: Worker;
    try {
      worker = new Worker(this.#workerSource, { eval: true });
    } catch {
      this.#workerFailed = true;
      return undefined;
    }
    // A forgotten close() must not keep the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = this.#jobs.get(reply.id);
      if (job) {
        this.#jobs.delete(reply.id);
        if (reply.text !== undefined) job.resolve(this.#heldPage(worker, reply, reply.text));
        else if (reply.bytes !== undefined) settleInPlace(job, reply.bytes);
        else job.reject(new PageDecoderLostError('the page-decoding worker answered without the page'));
        return;
      }
      const pending = this.#originals.get(reply.id);
      if (!pending) return;
      this.#originals.delete(reply.id);
      if (reply.bytes !== undefined) pending.resolve(reply.bytes);
      else pending.reject(new PageDecoderLostError('the page-decoding worker no longer holds the page'));
    });
    worker.on('error', () => this.#fail(worker));
    worker.on('exit', () => this.#fail(worker));
    this.#worker = worker;
    return worker;
  }

  /** A page the worker decoded and holds the bytes of. */
  #heldPage(worker: Worker, reply: Reply, text: string): DecodedPage {
    const { id, marked, referred } = reply;
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
        if (this.#worker !== worker) {
          return Promise.reject(
            this.#closed
              ? new Error('the page decoder is closed')
              : new PageDecoderLostError('the page-decoding worker thread exited'),
          );
        }
        return new Promise<Uint8Array>((resolve, reject) => {
          this.#originals.set(id, { resolve, reject });
          worker.postMessage({ type: 'original', id });
        });
      },
      release: () => {
        if (settled) return;
        settled = true;
        if (this.#worker === worker) worker.postMessage({ type: 'release', id });
      },
    };
  }

  /** The worker is gone: the pages it held are lost, and every later page is done in place. */
  #fail(worker: Worker): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#workerFailed = true;
    this.#rejectPending(() => new PageDecoderLostError('the page-decoding worker thread exited'));
  }

  /** Every page still waited for (to be decoded, or for its original) fails with `error()`. */
  #rejectPending(error: () => Error): void {
    const pending = [...this.#jobs.values(), ...this.#originals.values()];
    this.#jobs.clear();
    this.#originals.clear();
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
