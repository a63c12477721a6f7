import { describe, expect, it } from 'vitest';
import { KubeReadError } from '../../functions/collect/kube-reader.ts';
import type { ListKindOptions, RetryEvent, RetryPolicy } from '../../functions/collect/list-kind.ts';
import { backoffDelay, classifyReadError, listKind } from '../../functions/collect/list-kind.ts';
import { FakeKubeReader, httpError, named, networkError } from './fake-reader.ts';

const FAST_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 2,
  maxDelayMs: 10,
  maxRetryAfterMs: 5_000,
  random: () => 0.5,
};

function options(overrides: Partial<ListKindOptions> = {}) {
  const received: unknown[] = [];
  const retries: RetryEvent[] = [];
  const restarts: string[] = [];
  const opts: ListKindOptions = {
    pageSize: 10,
    signal: new AbortController().signal,
    deadlineAt: Date.now() + 60_000,
    describeDeadline: () => 'the test deadline passed',
    retry: FAST_RETRY,
    onPage: (items) => received.push(...items),
    onRestart: (message) => {
      restarts.push(message);
      received.length = 0;
    },
    onRetry: (event) => retries.push(event),
    ...overrides,
  };
  return { opts, received, retries, restarts };
}

describe('listKind', () => {
  it('pages with limit and continue until the last page', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 25) });
    const { opts, received } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toEqual({ ok: true, pages: 3 });
    expect(received).toHaveLength(25);
    expect(reader.calls).toEqual([
      { kind: 'pods', limit: 10 },
      { kind: 'pods', limit: 10, continueToken: '10' },
      { kind: 'pods', limit: 10, continueToken: '20' },
    ]);
  });

  it('asks for the next page before handing on the current one, so the server works meanwhile', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 25) });
    const requestedWhileHandling: number[] = [];
    const { opts, received } = options({
      onPage: (items) => {
        requestedWhileHandling.push(reader.calls.length);
        received.push(...items);
      },
    });

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess: while page 1 was handled, page 2 was already asked for; nothing after the last.
    expect(result).toEqual({ ok: true, pages: 3 });
    expect(requestedWhileHandling).toEqual([2, 3, 3]);
    expect(received).toHaveLength(25);
    expect(reader.calls).toHaveLength(3);
  });

  it('retries 429 after Retry-After, 5xx and network errors, then succeeds', async () => {
    // Prepare
    const reader = new FakeKubeReader(
      { pods: named('pod', 15) },
      { pods: [httpError(429, { retryAfterSeconds: 0 }), httpError(503), networkError()] },
    );
    const { opts, received, retries } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toEqual({ ok: true, pages: 2 });
    expect(received).toHaveLength(15);
    expect(retries.map((r) => [r.attempt, r.reason, r.status])).toEqual([
      [1, 'throttled', 429],
      [2, 'error', 503],
      [3, 'unreachable', undefined],
    ]);
  });

  it('waits as long as Retry-After says', async () => {
    // Prepare
    const reader = new FakeKubeReader(
      { pods: named('pod', 1) },
      { pods: [httpError(429, { retryAfterSeconds: 1 })] },
    );
    const { opts, retries } = options();
    const started = Date.now();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result.ok).toBe(true);
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('gives up as throttled when 429s outlast the attempts', async () => {
    // Prepare
    const throttled = () => httpError(429, { retryAfterSeconds: 0 });
    const reader = new FakeKubeReader({ pods: named('pod', 1) }, { pods: [1, 2, 3, 4, 5].map(throttled) });
    const { opts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'throttled' });
    expect(reader.calls).toHaveLength(FAST_RETRY.maxAttempts);
  });

  it('gives up as throttled at once when Retry-After is longer than it waits', async () => {
    // Prepare
    const reader = new FakeKubeReader(
      { pods: named('pod', 1) },
      { pods: [httpError(429, { retryAfterSeconds: 600 })] },
    );
    const { opts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'throttled' });
    expect(reader.calls).toHaveLength(1);
  });

  it.each([
    [httpError(403), 'forbidden'],
    [httpError(404), 'not_found'],
    [httpError(400), 'error'],
    [
      new KubeReadError('bad certificate', { failure: 'tls', code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      'unreachable',
    ],
    [new KubeReadError('no token', { failure: 'auth' }), 'unauthorized'],
  ] as const)('does not retry %s (→ %s)', async (error, reason) => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 1) }, { pods: [error] });
    const { opts, retries } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason });
    expect(retries).toEqual([]);
    expect(reader.calls).toHaveLength(1);
  });

  it('asks once more after a 401 (a fresh token), then reports unauthorized', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 1) }, { pods: [httpError(401), httpError(401)] });
    const { opts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'unauthorized' });
    expect(reader.calls).toHaveLength(2);
  });

  it('restarts the whole list once on 410 Expired, dropping what it had', async () => {
    // Prepare
    const expired = () => httpError(410, { statusReason: 'Expired' });
    const reader = new FakeKubeReader({ pods: named('pod', 25) });
    reader.listPage = wrapNth(reader, 2, expired);
    const { opts, received, restarts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toEqual({ ok: true, pages: 3 });
    expect(restarts).toHaveLength(1);
    expect(received).toHaveLength(25);
    expect(reader.calls.map((call) => call.continueToken ?? '-')).toEqual(['-', '10', '-', '10', '20']);
  });

  it('fails when the list expires a second time', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 25) });
    reader.listPage = wrapNth(reader, [2, 4], () => httpError(410, { statusReason: 'Expired' }));
    const { opts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    expect(result.ok ? '' : result.message).toContain('expired twice');
  });

  it('reports a failure after some pages as a failure that names the discarded pages', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 25) });
    reader.listPage = wrapNth(reader, 2, () => httpError(403));
    const { opts } = options();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'forbidden', pages: 1 });
    expect(result.ok ? '' : result.message).toContain('discarded');
  });

  it('stops at the deadline with a timeout', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 25) }, { pods: [{ delayMs: 5_000 }] });
    const { opts } = options({ signal: AbortSignal.timeout(50), deadlineAt: Date.now() + 50 });
    const started = Date.now();

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(result.ok ? '' : result.message).toContain('the test deadline passed');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not start a backoff that cannot end before the deadline', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 1) }, { pods: [httpError(500)] });
    const { opts } = options({
      retry: { ...FAST_RETRY, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      deadlineAt: Date.now() + 1_000,
    });

    // Act
    const result = await listKind(reader, 'pods', opts);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    expect(reader.calls).toHaveLength(1);
  });
});

describe('retry policy', () => {
  it('backs off exponentially with jitter and a cap', () => {
    const policy: RetryPolicy = { ...FAST_RETRY, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 1 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(200);
  });

  it('classifies every failure', () => {
    expect(classifyReadError(httpError(504))).toEqual({ reason: 'timeout', retryable: true });
    expect(classifyReadError(new KubeReadError('x', { failure: 'timeout' }))).toEqual({
      reason: 'timeout',
      retryable: true,
    });
    expect(classifyReadError(new KubeReadError('x', { failure: 'protocol' }))).toEqual({
      reason: 'error',
      retryable: true,
    });
    expect(classifyReadError(new Error('bug'))).toEqual({ reason: 'error', retryable: false });
  });
});

/** Makes the nth call(s) (1-based) of a reader throw instead of answering. */
function wrapNth(reader: FakeKubeReader, nth: number | number[], error: () => KubeReadError) {
  const original = FakeKubeReader.prototype.listPage.bind(reader);
  const targets = Array.isArray(nth) ? nth : [nth];
  let count = 0;
  return async (...args: Parameters<FakeKubeReader['listPage']>) => {
    count += 1;
    if (targets.includes(count)) {
      reader.calls.push({
        kind: args[0],
        limit: args[1].limit,
        ...(args[1].continueToken ? { continueToken: args[1].continueToken } : {}),
      });
      throw error();
    }
    return original(...args);
  };
}
