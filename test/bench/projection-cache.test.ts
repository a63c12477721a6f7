import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../bench/generate.ts';
import { workloads } from '../../functions/checks/lib/workloads.ts';
import { ProjectionCache, toSnapshotObject, unreadArrayMembers } from '../../functions/collect/project.ts';
import { MANAGED_FIELDS, withoutMembers } from '../../functions/collect/unread-members.ts';
import { type K8sKind, kindKeyOf } from '../../functions/core/kinds.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';

/**
 * The collector's per-scan cache (collect/project.ts, redact.ts, share.ts) interns strings,
 * remembers redactions and shares the parts Pods have in common. None of that may change what
 * the snapshot says: every object must equal the one projected and redacted on its own.
 */
describe('projection cache on a generated cluster', () => {
  it('gives objects equal to those projected one by one, and shares the parts Pods repeat', () => {
    const cache = new ProjectionCache();
    const shared: unknown[] = [];
    let objects = 0;
    for (const raw of generateCluster('1k').objects()) {
      const kind = kindKeyOf(String(raw.kind));
      if (kind === undefined) continue;
      const alone = toSnapshotObject(kind, structuredClone(raw));
      const withCache = toSnapshotObject(kind, structuredClone(raw), cache);
      expect(withCache).toEqual(alone);
      if (kind === 'pods') shared.push(withCache);
      objects += 1;
    }
    expect(objects).toBeGreaterThan(2000);

    // Two replicas of one ReplicaSet hold the very same env and label objects.
    const pods = shared as {
      metadata: { labels?: object; ownerReferences?: { uid: string }[] };
      spec: { containers: { env?: object }[] };
    }[];
    const byOwner = new Map<string, typeof pods>();
    for (const pod of pods) {
      const owner = pod.metadata.ownerReferences?.[0]?.uid;
      if (owner) byOwner.set(owner, [...(byOwner.get(owner) ?? []), pod]);
    }
    const [first, second] = [...byOwner.values()].find((group) => group.length > 1) ?? [];
    expect(first).toBeDefined();
    expect(second?.metadata.labels).toBe(first?.metadata.labels);
    expect(second?.spec.containers[0]?.env).toBe(first?.spec.containers[0]?.env);
  });
});

describe('workloads() on shared parts', () => {
  it('finds the same Pods diverging from their templates whether or not their parts are shared', () => {
    // The 1k cluster has meshed namespaces, whose Pods carry an injected proxy their
    // templates lack, next to Pods identical to their templates.
    const shared = newSnapshot({ name: 'bench' }, '2026-11-23T00:00:00.000Z', 'bench');
    const separate = newSnapshot({ name: 'bench' }, '2026-11-23T00:00:00.000Z', 'bench');
    const cache = new ProjectionCache();
    for (const raw of generateCluster('1k').objects()) {
      const kind = kindKeyOf(String(raw.kind));
      if (kind === undefined) continue;
      const withCache = toSnapshotObject(kind, structuredClone(raw), cache);
      const alone = toSnapshotObject(kind, structuredClone(raw));
      if (withCache) (shared.k8s as unknown as Record<string, unknown[]>)[kind]?.push(withCache);
      if (alone) (separate.k8s as unknown as Record<string, unknown[]>)[kind]?.push(alone);
    }

    const fast = workloads(shared as ClusterSnapshot);
    const slow = workloads(separate as ClusterSnapshot);

    expect(fast).toEqual(slow);
    expect(fast.filter((workload) => workload.divergence).length).toBeGreaterThan(0);
    expect(fast.length).toBeLessThan(shared.k8s.pods.length);
  });
});

describe('unread members cut from list pages on a generated cluster', () => {
  it('leaves every projected object as it is when parsed whole', () => {
    // Each kind's objects as one list page, cut as the reader cuts it and parsed whole.
    const byKind = new Map<K8sKind, unknown[]>();
    for (const raw of generateCluster('1k').objects()) {
      const kind = kindKeyOf(String(raw.kind));
      if (kind !== undefined) byKind.set(kind, [...(byKind.get(kind) ?? []), raw]);
    }
    let cutMembers = 0;
    for (const [kind, items] of byKind) {
      const page = JSON.stringify({ kind: 'List', metadata: {}, items });
      const cut = withoutMembers(page, unreadArrayMembers(kind));
      cutMembers += page.length - cut.length;
      const whole = (JSON.parse(page) as { items: unknown[] }).items;
      const fromCut = (JSON.parse(cut) as { items: unknown[] }).items;
      expect(
        fromCut.map((raw) => toSnapshotObject(kind, raw)),
        kind,
      ).toEqual(whole.map((raw) => toSnapshotObject(kind, raw)));
    }
    // The Pods' status arrays and tolerations are there to cut, not only managedFields.
    const pods = JSON.stringify(byKind.get('pods'));
    expect(withoutMembers(pods, MANAGED_FIELDS)).toMatch(/"containerStatuses":\[/);
    expect(withoutMembers(pods, unreadArrayMembers('pods'))).not.toMatch(
      /"(containerStatuses|tolerations)":\[/,
    );
    expect(cutMembers).toBeGreaterThan(0);
  });
});
