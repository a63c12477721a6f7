import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import type { ResultsStore } from '../../functions/core/ports.ts';
import { putTrendPoint, readFleetHistory, TREND_POINT_ARTIFACT } from '../../functions/scan/fleet-history.ts';
import { CorruptStoreObjectError } from '../../functions/store/codec.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';

const id = (day: number) => `202611${String(day).padStart(2, '0')}T020000Z-abc123`;

function manifest(day: number): FleetManifest {
  return {
    schemaVersion: 1,
    scanId: id(day),
    startedAt: `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`,
    finishedAt: `2026-11-${String(day).padStart(2, '0')}T02:05:00.000Z`,
    clusters: [],
    skipped: [],
  };
}

/**
 * A store holding scans of the given days; `manifests` says which of them stored a manifest,
 * `points` the stored trend points (by day; none unless given).
 */
function storeOf(
  days: number[],
  manifests: Set<number>,
  corrupt = new Set<number>(),
  points = new Map<number, string>(),
) {
  const reads: string[] = [];
  const store: Pick<ResultsStore, 'listScanIds' | 'getManifest' | 'getArtifact'> = {
    listScanIds: async () => days.map(id).sort().reverse(),
    getArtifact: async (key) => {
      const day = Number(key.slice('scans/'.length + 6, 'scans/'.length + 8));
      const body = key.endsWith(`/${TREND_POINT_ARTIFACT}`) ? points.get(day) : undefined;
      return body === undefined
        ? undefined
        : { key, body: new TextEncoder().encode(body), contentType: 'application/json' };
    },
    getManifest: async (scanId) => {
      reads.push(scanId);
      const day = Number(scanId.slice(6, 8));
      if (corrupt.has(day)) throw new CorruptStoreObjectError(`${scanId} is corrupt`);
      return manifests.has(day) ? manifest(day) : undefined;
    },
  };
  return { store, reads };
}

describe('readFleetHistory', () => {
  it('returns the fleet scans before this one, oldest first, skipping scans without a manifest', async () => {
    // Day 4 is a single-cluster CLI scan (no manifest); day 9 started after the current scan.
    const { store } = storeOf([1, 2, 3, 4, 5, 9], new Set([1, 2, 3, 5, 9]));
    const history = await readFleetHistory(store, id(6), { maxPoints: 3 });
    expect(history.points.map((point) => point.scanId)).toEqual([id(2), id(3), id(5)]);
    expect(history.unreadable).toBe(0);
  });

  it('is empty for the first fleet scan, and when no points are wanted', async () => {
    expect(
      (await readFleetHistory(storeOf([6], new Set([6])).store, id(6), { maxPoints: 29 })).points,
    ).toEqual([]);
    const { store, reads } = storeOf([1, 2], new Set([1, 2]));
    expect((await readFleetHistory(store, id(6), { maxPoints: 0 })).points).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('leaves out manifests it cannot read, and counts them', async () => {
    const { store } = storeOf([1, 2, 3], new Set([1, 2, 3]), new Set([2]));
    const history = await readFleetHistory(store, id(6), { maxPoints: 5 });
    expect(history.points.map((point) => point.scanId)).toEqual([id(1), id(3)]);
    expect(history.unreadable).toBe(1);
  });

  it('stops reading once it has enough, and after maxScansTried ids', async () => {
    const days = Array.from({ length: 28 }, (_, index) => index + 1);
    const everyOther = new Set(days.filter((day) => day % 2 === 0));
    const enough = storeOf(days, everyOther);
    await readFleetHistory(enough.store, id(29), { maxPoints: 2 });
    // Newest first, in batches of maxPoints: days 28 and 27 hold one manifest, 26 and 25 the second.
    expect(enough.reads).toEqual([id(28), id(27), id(26), id(25)]);

    const bounded = storeOf(days, new Set());
    const history = await readFleetHistory(bounded.store, id(29), { maxPoints: 5, maxScansTried: 7 });
    expect(history.points).toEqual([]);
    expect(bounded.reads).toHaveLength(7);
  });
});

describe('stored trend points', () => {
  const pointOf = (day: number, failing: number) =>
    JSON.stringify({
      scanId: id(day),
      finishedAt: `2026-11-0${day}T02:05:00.000Z`,
      clusters: 3,
      scanned: 2,
      compliance: 61.5,
      failingBySeverity: { critical: failing, high: 0, medium: 0, low: 0, info: 0 },
    });

  it("reads each scan's stored point instead of its manifest", async () => {
    const { store, reads } = storeOf(
      [1, 2],
      new Set([1, 2]),
      new Set(),
      new Map([
        [1, pointOf(1, 4)],
        [2, pointOf(2, 7)],
      ]),
    );

    const history = await readFleetHistory(store, id(6), { maxPoints: 5 });

    expect(history.points.map((point) => point.failingBySeverity.critical)).toEqual([4, 7]);
    expect(history.points[1]).toMatchObject({ scanId: id(2), clusters: 3, scanned: 2, compliance: 61.5 });
    expect(reads).toEqual([]);
  });

  it.each<[string, string]>([
    ['not JSON', '{oops'],
    ['the point of another scan', pointOf(3, 1)],
    ['a negative count', pointOf(1, -1)],
    ['a compliance above 100', pointOf(1, 1).replace('61.5', '615')],
  ])('falls back to the manifest when the stored point is %s', async (_, body) => {
    const { store, reads } = storeOf([1], new Set([1]), new Set(), new Map([[1, body]]));

    const history = await readFleetHistory(store, id(6), { maxPoints: 5 });

    expect(reads).toEqual([id(1)]);
    expect(history.points).toEqual([
      expect.objectContaining({ scanId: id(1), clusters: 0, compliance: null }),
    ]);
  });

  it('round-trips through a real store: what putTrendPoint writes is what the trend reads', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wk-trend-'));
    try {
      const store = new FileResultsStore({ root });
      const first = { ...manifest(1), clusters: [] };
      await store.putManifest(first);
      await putTrendPoint(store, first);
      // The manifest is gone, so only the stored point can answer.
      await rm(join(root, 'scans', id(1), 'manifest.json'));

      const history = await readFleetHistory(store, id(6), { maxPoints: 5 });

      expect(history.points).toEqual([
        expect.objectContaining({ scanId: id(1), finishedAt: first.finishedAt, clusters: 0, scanned: 0 }),
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
