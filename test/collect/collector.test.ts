import { describe, expect, it } from 'vitest';
import type { CollectInput, CollectProgressEvent } from '../../functions/collect/collector.ts';
import { collectSnapshot } from '../../functions/collect/collector.ts';
import { KubeReadError } from '../../functions/collect/kube-reader.ts';
import type { ReadKind } from '../../functions/core/kinds.ts';
import { FakeKubeReader, httpError, named, networkError } from './fake-reader.ts';

const NOW = new Date('2026-11-23T15:40:00Z');

function input(reader: FakeKubeReader, kinds: readonly ReadKind[], overrides: Partial<CollectInput> = {}) {
  const events: CollectProgressEvent[] = [];
  const collectInput: CollectInput = {
    reader,
    cluster: { name: 'prod', region: 'eu-west-1', accountId: '111122223333' },
    kinds,
    now: () => NOW,
    onProgress: (event) => events.push(event),
    pageSize: 10,
    retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 },
    ...overrides,
  };
  return { collectInput, events };
}

describe('collectSnapshot', () => {
  it('reads exactly the requested kinds into a projected, redacted snapshot', async () => {
    // Prepare
    const reader = new FakeKubeReader({
      pods: [
        {
          metadata: { name: 'web', namespace: 'shop', managedFields: [{}] },
          spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'hunter2canary' }] }] },
        },
      ],
      namespaces: named('ns', 3, ''),
      nodes: named('node', 2, ''),
    });
    const { collectInput } = input(reader, ['pods', 'namespaces']);

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      cluster: { name: 'prod' },
      collectedAt: NOW.toISOString(),
      source: 'kubernetes-api',
      gaps: [],
    });
    expect(snapshot.k8s.pods).toHaveLength(1);
    expect(snapshot.k8s.pods[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    expect(snapshot.k8s.nodes).toEqual([]);
    expect(new Set(reader.calls.map((call) => call.kind))).toEqual(new Set(['pods', 'namespaces']));
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain('hunter2canary');
    expect(text).not.toContain('managedFields');
  });

  it.each([
    [httpError(401), 'unauthorized'],
    [httpError(403), 'forbidden'],
    [httpError(404), 'not_found'],
    [new KubeReadError('no answer', { failure: 'timeout' }), 'timeout'],
    [httpError(429, { retryAfterSeconds: 0 }), 'throttled'],
    [networkError('ECONNREFUSED'), 'unreachable'],
    [new KubeReadError('bad cert', { failure: 'tls' }), 'unreachable'],
    [httpError(500), 'error'],
  ] as const)(
    'turns a kind that keeps failing with %s into a %s gap, and reads the others',
    async (error, reason) => {
      // Prepare
      const reader = new FakeKubeReader(
        { roles: named('role', 4), namespaces: named('ns', 2, '') },
        { roles: Array.from({ length: 5 }, () => error) },
      );
      const { collectInput, events } = input(reader, ['roles', 'namespaces'], { concurrency: 1 });
      // namespaces first, so the unreachable short-cut cannot skip it
      collectInput.kinds = ['namespaces', 'roles'];

      // Act
      const snapshot = await collectSnapshot(collectInput);

      // Assess
      expect(snapshot.gaps).toEqual([{ kind: 'roles', reason, message: expect.any(String) }]);
      expect(snapshot.k8s.roles).toEqual([]);
      expect(snapshot.k8s.namespaces).toHaveLength(2);
      expect(events).toContainEqual(expect.objectContaining({ type: 'kind-failed', kind: 'roles' }));
    },
  );

  it('never keeps half a list: a failure after some pages leaves the kind empty', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 35) });
    let call = 0;
    const original = reader.listPage.bind(reader);
    reader.listPage = async (kind, request) => {
      call += 1;
      if (call === 3) throw httpError(403);
      return original(kind, request);
    };
    const { collectInput, events } = input(reader, ['pods']);

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.k8s.pods).toEqual([]);
    expect(snapshot.gaps).toEqual([
      { kind: 'pods', reason: 'forbidden', message: expect.stringContaining('discarded') },
    ]);
    expect(events.filter((event) => event.type === 'kind-page')).toHaveLength(2);
  });

  it('reports progress: started, pages, retries, finished with counts', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 15) }, { pods: [httpError(503)] });
    const { collectInput, events } = input(reader, ['pods']);

    // Act
    await collectSnapshot(collectInput);

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      'kind-started',
      'kind-retry',
      'kind-page',
      'kind-page',
      'kind-finished',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'kind-finished', kind: 'pods', count: 15, pages: 2 });
    expect(events[1]).toMatchObject({
      type: 'kind-retry',
      kind: 'pods',
      attempt: 1,
      status: 503,
      reason: 'error',
    });
  });

  it('keeps a throwing progress listener from stopping the scan', async () => {
    // Prepare
    const reader = new FakeKubeReader({ pods: named('pod', 2) });
    const { collectInput } = input(reader, ['pods'], {
      onProgress: () => {
        throw new Error('listener bug');
      },
    });

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.k8s.pods).toHaveLength(2);
  });

  it('lists at most `concurrency` kinds at a time', async () => {
    // Prepare
    const kinds = ['pods', 'namespaces', 'nodes', 'roles', 'services', 'configmaps', 'jobs'] as const;
    const script = Object.fromEntries(kinds.map((kind) => [kind, [{ delayMs: 20 }]]));
    const reader = new FakeKubeReader({}, script);
    const { collectInput } = input(reader, kinds, { concurrency: 3 });

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(reader.maxInFlight).toBe(3);
  });

  it('uses 4 at a time by default', async () => {
    // Prepare
    const kinds = ['pods', 'namespaces', 'nodes', 'roles', 'services', 'configmaps', 'jobs'] as const;
    const reader = new FakeKubeReader({}, Object.fromEntries(kinds.map((kind) => [kind, [{ delayMs: 20 }]])));
    const { collectInput } = input(reader, kinds);

    // Act
    await collectSnapshot(collectInput);

    // Assess
    expect(reader.maxInFlight).toBe(4);
  });

  it('stops at the scan deadline: kinds in flight and not started become timeout gaps', async () => {
    // Prepare
    const reader = new FakeKubeReader(
      { pods: named('pod', 1), roles: named('role', 1) },
      { pods: [{ delayMs: 5_000 }], roles: [{ delayMs: 5_000 }] },
    );
    const { collectInput } = input(reader, ['pods', 'roles'], { concurrency: 1, deadlineMs: 100 });
    const started = Date.now();

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(snapshot.gaps.map((gap) => [gap.kind, gap.reason])).toEqual([
      ['pods', 'timeout'],
      ['roles', 'timeout'],
    ]);
    expect(snapshot.gaps[0]?.message).toContain('scan deadline');
  });

  it('applies the per-kind deadline to one kind only', async () => {
    // Prepare
    const reader = new FakeKubeReader(
      { pods: named('pod', 1), roles: named('role', 1) },
      { pods: [{ delayMs: 5_000 }] },
    );
    const { collectInput } = input(reader, ['pods', 'roles'], { kindDeadlineMs: 100 });

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'pods', reason: 'timeout', message: expect.stringContaining('per-kind') },
    ]);
    expect(snapshot.k8s.roles).toHaveLength(1);
  });

  it('does not try the remaining kinds once the API server proved unreachable', async () => {
    // Prepare
    const refused = () => networkError('ECONNREFUSED');
    const kinds = ['pods', 'namespaces', 'nodes', 'roles'] as const;
    const reader = new FakeKubeReader(
      {},
      Object.fromEntries(kinds.map((kind) => [kind, [1, 2, 3].map(refused)])),
    );
    const { collectInput } = input(reader, kinds, { concurrency: 1 });

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.gaps.map((gap) => gap.reason)).toEqual([
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
    ]);
    expect(new Set(reader.calls.map((call) => call.kind))).toEqual(new Set(['pods']));
  });

  it('keeps EKS facts and gaps, and marks requested EKS kinds without facts not_collected', async () => {
    // Prepare
    const reader = new FakeKubeReader();
    const { collectInput } = input(reader, ['eks:cluster', 'eks:addons', 'eks:nodegroups'], {
      eks: {
        facts: { cluster: { name: 'prod', version: '1.31' } },
        gaps: [{ kind: 'eks:nodegroups', reason: 'forbidden', message: 'AccessDenied: eks:ListNodegroups' }],
      },
    });

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.eks).toEqual({ cluster: { name: 'prod', version: '1.31' } });
    expect(snapshot.gaps).toEqual([
      { kind: 'eks:nodegroups', reason: 'forbidden', message: 'AccessDenied: eks:ListNodegroups' },
      { kind: 'eks:addons', reason: 'not_collected', message: expect.stringContaining('ListAddons') },
    ]);
    expect(reader.calls).toEqual([]);
  });

  it('marks every requested EKS kind not_collected when no EKS facts are given', async () => {
    // Act
    const snapshot = await collectSnapshot(input(new FakeKubeReader(), ['eks:cluster', 'pods']).collectInput);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'eks:cluster', reason: 'not_collected', message: expect.any(String) },
    ]);
  });

  it('never puts a token into a gap message', async () => {
    // Prepare
    const token = 'k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20v';
    const reader = new FakeKubeReader(
      {},
      {
        pods: [
          new KubeReadError(`request with Authorization: Bearer ${token} failed`, {
            failure: 'http',
            status: 400,
          }),
        ],
      },
    );
    const { collectInput, events } = input(reader, ['pods']);

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(JSON.stringify(snapshot)).not.toContain('aHR0cHM6Ly9zdHMu');
    expect(JSON.stringify(events)).not.toContain('aHR0cHM6Ly9zdHMu');
  });
});

describe('collectSnapshot robustness', () => {
  it('turns an unexpected failure of its own into an error gap for that kind only', async () => {
    // Prepare: an item whose getter throws stands for a bug met while projecting.
    const poisoned = {
      get metadata(): never {
        throw new Error('projection bug');
      },
    };
    const reader = new FakeKubeReader({ pods: [poisoned], namespaces: named('ns', 1, '') });
    const { collectInput } = input(reader, ['pods', 'namespaces']);

    // Act
    const snapshot = await collectSnapshot(collectInput);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'pods', reason: 'error', message: expect.stringContaining('projection bug') },
    ]);
    expect(snapshot.k8s.pods).toEqual([]);
    expect(snapshot.k8s.namespaces).toHaveLength(1);
  });
});
