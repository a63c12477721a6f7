import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../bench/generate.ts';
import { CHECKS } from '../../functions/checks/index.ts';
import { collectSnapshot } from '../../functions/collect/collector.ts';
import { evaluate } from '../../functions/core/engine.ts';
import { type K8sKind, kindKeyOf, type ReadKind } from '../../functions/core/kinds.ts';
import type { Check, ClusterSnapshot, Outcome, Policy } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';
import { EarlyChecks } from '../../functions/scan/early-checks.ts';
import { kindsToRead } from '../../functions/scan/pipeline.ts';
import { FakeKubeReader, type FakeStep } from '../collect/fake-reader.ts';

const policy: Policy = { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} };

/** Lets `turns` turns of the event loop pass (EarlyChecks runs one check per turn). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

function check(id: string, reads: readonly ReadKind[], evaluate?: Check['evaluate']): Check {
  return {
    ...(CHECKS[0] as Check),
    id,
    reads,
    evaluate:
      evaluate ??
      ((snapshot) =>
        reads.map(
          (kind): Outcome => ({
            status: 'pass',
            resource: { kind: 'Cluster', name: snapshot.cluster.name },
            message: `${kind}: ${(snapshot.k8s as unknown as Record<string, unknown[]>)[kind]?.length ?? 'eks'}`,
          }),
        )),
  };
}

function snapshot(): ClusterSnapshot {
  return newSnapshot({ name: 'prod' }, '2026-11-23T00:00:00.000Z', 'test');
}

describe('EarlyChecks', () => {
  it('runs a check once every kind it reads is in, one check per turn, in registry order', async () => {
    const a = check('a', ['pods', 'namespaces']);
    const b = check('b', ['namespaces']);
    const c = check('c', ['nodes']);
    const early = new EarlyChecks([a, b, c], DEFAULT_PARAMS);
    const snap = snapshot();

    early.onKindRead('pods', snap);
    await turns(3);
    early.onKindRead('namespaces', snap);
    await turns(1);
    const afterOne = [...early.finish(snap).keys()].map((x) => x.id);

    expect(afterOne).toEqual(['a']);
  });

  it('runs every ready check given time, over the snapshot as it is when each runs', async () => {
    const a = check('a', ['pods', 'namespaces']);
    const b = check('b', ['namespaces']);
    const c = check('c', ['nodes']);
    const early = new EarlyChecks([a, b, c], DEFAULT_PARAMS);
    const snap = snapshot();
    (snap.k8s as unknown as Record<string, unknown[]>).namespaces = [{}, {}];

    early.onKindRead('pods', snap);
    early.onKindRead('namespaces', snap);
    await turns(5);
    const ran = early.finish(snap);

    expect([...ran.keys()]).toEqual([a, b]);
    expect(ran.get(b)?.outcomes.map((o) => o.message)).toEqual(['namespaces: 2']);
  });

  it('runs nothing more once finished, and gives nothing for another snapshot', async () => {
    const a = check('a', ['namespaces']);
    const b = check('b', ['namespaces']);
    const early = new EarlyChecks([a, b], DEFAULT_PARAMS);
    const snap = snapshot();

    early.onKindRead('namespaces', snap);
    await turns(1);
    const ran = early.finish(snap);
    await turns(3);
    early.onKindRead('namespaces', snap);
    await turns(3);

    expect([...ran.keys()]).toEqual([a]);
    expect(new EarlyChecks([a], DEFAULT_PARAMS).finish(snap).size).toBe(0);
    const other = new EarlyChecks([a], DEFAULT_PARAMS);
    other.onKindRead('namespaces', snap);
    await turns(2);
    expect(other.finish(snapshot()).size).toBe(0);
  });

  it('keeps nothing when a second snapshot is announced', async () => {
    const a = check('a', ['namespaces']);
    const b = check('b', ['nodes']);
    const early = new EarlyChecks([a, b], DEFAULT_PARAMS);
    const first = snapshot();

    early.onKindRead('namespaces', first);
    await turns(2);
    early.onKindRead('nodes', snapshot());
    await turns(2);

    expect(early.finish(first).size).toBe(0);
  });

  it('records a check that throws as not evaluated, with the reason', async () => {
    const broken = check('broken', ['namespaces'], () => {
      throw new Error('boom');
    });
    const early = new EarlyChecks([broken], DEFAULT_PARAMS);
    const snap = snapshot();

    early.onKindRead('namespaces', snap);
    await turns(2);
    const run = early.finish(snap).get(broken);

    expect(run?.reason).toBe('the check failed to run: Error: boom');
    expect(run?.outcomes).toEqual([
      { status: 'not_evaluated', resource: { kind: 'Cluster', name: 'prod' }, message: run?.reason },
    ]);
  });
});

describe('evaluate with checks already run', () => {
  const input = (snap: ClusterSnapshot, checks: Check[]) => ({
    snapshot: snap,
    checks,
    policy,
    scanId: 'early',
    startedAt: snap.collectedAt,
    now: () => snap.collectedAt,
  });

  it('takes a check’s earlier run instead of running it again', () => {
    const never = check('never', ['namespaces'], () => {
      throw new Error('must not run again');
    });
    const snap = snapshot();
    const earlier: Outcome = {
      status: 'fail',
      resource: { kind: 'Namespace', name: 'shop' },
      message: 'early',
    };

    const result = evaluate({ ...input(snap, [never]), ran: new Map([[never, { outcomes: [earlier] }]]) });

    expect(result.findings.map((f) => [f.status, f.message])).toEqual([['fail', 'early']]);
    expect(result.checks[0]?.status).toBe('fail');
  });

  it('still answers not_evaluated for a gap in a kind the check reads', () => {
    const a = check('a', ['namespaces']);
    const snap = snapshot();
    snap.gaps = [{ kind: 'namespaces', reason: 'forbidden', message: 'HTTP 403' }];
    const earlier: Outcome = {
      status: 'pass',
      resource: { kind: 'Cluster', name: 'prod' },
      message: 'early',
    };

    const result = evaluate({ ...input(snap, [a]), ran: new Map([[a, { outcomes: [earlier] }]]) });

    expect(result.checks[0]?.status).toBe('not_evaluated');
    expect(result.findings[0]?.message).toBe('could not read namespaces (forbidden): HTTP 403');
  });
});

describe('early checks during a collection', () => {
  it('give the same result as running every check after it, on the generated 1k cluster', async () => {
    // Prepare: the 1k cluster's objects, served page by page; the Pods come in slowly, last.
    const objects: Partial<Record<K8sKind, unknown[]>> = {};
    const cluster = generateCluster('1k');
    for (const raw of cluster.objects()) {
      const kind = kindKeyOf(String(raw.kind));
      if (kind === undefined) continue;
      const list = objects[kind] ?? [];
      list.push(raw);
      objects[kind] = list;
    }
    const podPages = Math.ceil((objects.pods?.length ?? 0) / 100);
    const slowPods: FakeStep[] = Array.from({ length: podPages }, () => ({ delayMs: 15 }));
    const reader = new FakeKubeReader(objects, { pods: slowPods });
    const early = new EarlyChecks(CHECKS, policy.params);

    // Act
    const snap = await collectSnapshot({
      reader,
      cluster: { name: cluster.name, accountId: cluster.accountId, region: cluster.region },
      kinds: kindsToRead(),
      eks: { facts: cluster.eks, gaps: [] },
      now: () => new Date('2026-11-23T00:00:00Z'),
      pageSize: 100,
      onKindRead: early.onKindRead,
    });
    const ran = early.finish(snap);
    const base = {
      snapshot: snap,
      checks: CHECKS,
      policy,
      scanId: 'early',
      startedAt: snap.collectedAt,
      now: () => snap.collectedAt,
    };
    const withEarly = evaluate({ ...base, ran });
    const afterwards = evaluate(base);

    // Assess: checks that need no Pods ran while the Pods were read; none that needs them did.
    expect(ran.size).toBeGreaterThan(10);
    expect([...ran.keys()].filter((c) => c.reads.includes('pods'))).toEqual([]);
    expect(withEarly.findings.length).toBeGreaterThan(5000);
    expect(withEarly).toEqual(afterwards);
  });
});
