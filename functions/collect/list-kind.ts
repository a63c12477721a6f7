import type { K8sKind } from '../core/kinds.ts';
import type { GapReason } from '../core/model.ts';
import type { KubeReader } from './kube-reader.ts';
import { KubeReadError, safeMessage } from './kube-reader.ts';

/**
 * Paging and retry policy for one kind, independent of the HTTP client: `limit`/`continue`
 * paging, exponential backoff with jitter on 429/5xx/network errors (honouring
 * `Retry-After`), one restart of the whole list on 410 Expired, and a deadline.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
 */

export interface RetryPolicy {
  /** Attempts per page, the first one included. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles on each further retry. */
  baseDelayMs: number;
  /** Cap of one backoff delay. */
  maxDelayMs: number;
  /** The longest `Retry-After` waited for; a longer one ends the kind as throttled. */
  maxRetryAfterMs: number;
  /** Source of jitter, in [0, 1). */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
};

export const DEFAULT_PAGE_SIZE = 500;

export interface RetryEvent {
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
  reason: GapReason;
  status?: number;
  message: string;
}

export interface ListKindOptions {
  pageSize: number;
  /** Fires at the kind's deadline (or the scan's). */
  signal: AbortSignal;
  /** Epoch ms at which `signal` fires at the latest, to tell whether a wait still fits. */
  deadlineAt: number;
  /** Says which deadline passed, for the gap message. */
  describeDeadline: () => string;
  retry: RetryPolicy;
  /** Receives each page's raw items, in order. */
  onPage: (items: unknown[]) => void;
  /** Everything delivered so far must be thrown away: the list starts again. */
  onRestart: (message: string) => void;
  onRetry?: (event: RetryEvent) => void;
}

export type ListKindResult =
  | { ok: true; pages: number }
  | { ok: false; pages: number; reason: GapReason; message: string };

interface Verdict {
  reason: GapReason;
  retryable: boolean;
}

/** How a failed call counts: the gap reason if it is the last one, and whether to try again. */
export function classifyReadError(error: unknown): Verdict {
  if (!(error instanceof KubeReadError)) return { reason: 'error', retryable: false };
  switch (error.failure) {
    case 'http':
      return classifyStatus(error.status ?? 0);
    case 'network':
      return { reason: 'unreachable', retryable: true };
    case 'tls':
      return { reason: 'unreachable', retryable: false };
    case 'timeout':
      return { reason: 'timeout', retryable: true };
    case 'aborted':
      return { reason: 'timeout', retryable: false };
    case 'auth':
      return { reason: 'unauthorized', retryable: false };
    case 'protocol':
      // Most often a body cut short by a dropped connection.
      return { reason: 'error', retryable: true };
  }
}

function classifyStatus(status: number): Verdict {
  if (status === 401) return { reason: 'unauthorized', retryable: false };
  if (status === 403) return { reason: 'forbidden', retryable: false };
  if (status === 404) return { reason: 'not_found', retryable: false };
  if (status === 429) return { reason: 'throttled', retryable: true };
  if (status === 504) return { reason: 'timeout', retryable: true };
  if (status >= 500) return { reason: 'error', retryable: true };
  return { reason: 'error', retryable: false };
}

/** Equal jitter: half the exponential delay fixed, half random, so retries spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * policy.random());
}

export type NextAttempt =
  | { retry: true; event: RetryEvent }
  | { retry: false; reason: GapReason; why: string };

/**
 * What to do after a failed call, for every reader that retries (lists, kubelet configs): give
 * up — with the gap's reason and, in `why`, what to append to the error's message — or wait
 * `event.delayMs` and try again. Retryable failures back off exponentially with jitter; a
 * `Retry-After` is honoured up to `maxRetryAfterMs`; no wait may run past the deadline.
 */
export function nextAttempt(
  error: unknown,
  context: { attempt: number; message: string; retry: RetryPolicy; deadlineAt: number },
): NextAttempt {
  const { attempt, message, retry } = context;
  const verdict = classifyReadError(error);
  const giveUp = (why = ''): NextAttempt => ({ retry: false, reason: verdict.reason, why });
  if (!verdict.retryable) return giveUp();
  if (attempt >= retry.maxAttempts) return giveUp(` (gave up after ${attempt} attempts)`);

  const retryAfter = error instanceof KubeReadError ? error.retryAfterSeconds : undefined;
  let delayMs = backoffDelay(attempt, retry);
  if (retryAfter !== undefined) {
    const askedMs = retryAfter * 1000;
    if (askedMs > retry.maxRetryAfterMs) {
      return giveUp(` (the server asked to retry after ${retryAfter} s, longer than Watchkeeper waits)`);
    }
    // Honour the server's delay; a little jitter keeps parallel readers from returning together.
    delayMs = askedMs + Math.round(Math.min(retry.baseDelayMs, 1000) * retry.random());
  }
  if (Date.now() + delayMs >= context.deadlineAt) {
    return giveUp(` (no time left before the deadline to retry after ${attempt} attempts)`);
  }
  const status = error instanceof KubeReadError ? error.status : undefined;
  return {
    retry: true,
    event: { attempt, delayMs, reason: verdict.reason, ...(status !== undefined ? { status } : {}), message },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function errorMessage(error: unknown): string {
  return safeMessage(error instanceof Error ? error.message : String(error));
}

type PageOutcome = { page: Awaited<ReturnType<KubeReader['listPage']>> } | { error: unknown };

/** Lists every object of `kind`, page by page. Never throws: a failure is a result. */
export async function listKind(
  reader: KubeReader,
  kind: K8sKind,
  options: ListKindOptions,
): Promise<ListKindResult> {
  const { retry, signal } = options;
  let pages = 0;
  let continueToken: string | undefined;
  let restarted = false;
  let attempt = 1;
  let retriedUnauthorized = false;

  const deadlineResult = (): ListKindResult => ({
    ok: false,
    pages,
    reason: 'timeout',
    message: safeMessage(`listing ${kind}: ${options.describeDeadline()}${progress(pages)}`),
  });

  // A request that settles either way, so one left waiting never rejects unheard.
  const request = (token: string | undefined): Promise<PageOutcome> =>
    reader
      .listPage(kind, { limit: options.pageSize, signal, ...(token ? { continueToken: token } : {}) })
      .then(
        (page) => ({ page }),
        (error: unknown) => ({ error }),
      );

  let pending = request(undefined);
  for (;;) {
    if (signal.aborted) return deadlineResult();
    const outcome = await pending;
    if ('error' in outcome) {
      const { error } = outcome;
      if (signal.aborted) return deadlineResult();
      const message = errorMessage(error);
      const status = error instanceof KubeReadError ? error.status : undefined;

      // 410 Expired: the continue token outlived etcd's compaction window. Start again once.
      if (status === 410 && continueToken !== undefined) {
        if (restarted) {
          return { ok: false, pages, reason: 'error', message: `${message} (the list expired twice)` };
        }
        restarted = true;
        continueToken = undefined;
        pages = 0;
        attempt = 1;
        options.onRestart(message);
        pending = request(continueToken);
        continue;
      }
      // A token can expire between minting and use; the provider is asked again per request.
      if (status === 401 && !retriedUnauthorized) {
        retriedUnauthorized = true;
        pending = request(continueToken);
        continue;
      }

      const next = nextAttempt(error, { attempt, message, retry, deadlineAt: options.deadlineAt });
      if (!next.retry) {
        return { ok: false, pages, reason: next.reason, message: `${message}${next.why}${progress(pages)}` };
      }
      const { delayMs } = next.event;
      options.onRetry?.(next.event);
      attempt += 1;
      if (!(await sleep(delayMs, signal))) return deadlineResult();
      pending = request(continueToken);
      continue;
    }

    const { page } = outcome;
    pages += 1;
    attempt = 1;
    continueToken = page.continueToken;
    // The next page is asked for before this one is handed on: the API server works on it
    // while this page is projected, instead of waiting for the projection to finish.
    if (continueToken) pending = request(continueToken);
    options.onPage(page.items);
    if (!continueToken) return { ok: true, pages };
  }
}

function progress(pages: number): string {
  return pages > 0 ? `; ${pages} page(s) had been read and were discarded` : '';
}
