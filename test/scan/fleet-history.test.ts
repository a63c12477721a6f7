import { describe, expect, it } from 'vitest';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import type { ResultsStore } from '../../functions/core/ports.ts';
import { readFleetHistory } from '../../functions/scan/fleet-history.ts';
import { CorruptStoreObjectError } from '../../functions/store/codec.ts';

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

/** A store holding scans of the given days; `manifests` says which of them stored a manifest. */
function storeOf(days: number[], manifests: Set<number>, corrupt = new Set<number>()) {
  const reads: string[] = [];
  const store: Pick<ResultsStore, 'listScanIds' | 'getManifest'> = {
    listScanIds: async () => days.map(id).sort().reverse(),
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
