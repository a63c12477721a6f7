import { createLimiter } from '../collect/limit.ts';
import { type FleetTrendPoint, trendPointOf } from '../core/fleet.ts';
import type { ResultsStore } from '../core/ports.ts';

/**
 * The fleet scans before one, as trend points, read from the manifests in the store. Only
 * scans that stored a manifest count (a single-cluster CLI scan stores none), so every
 * point is a fleet scan that happened. Each manifest is reduced to its point as soon as it
 * is read: however big the fleet, only a few manifests are held at a time.
 */

export interface FleetHistoryOptions {
  /** Earlier scans wanted (the trend adds the current one). */
  maxPoints: number;
  /** Scan ids looked at, newest first, before giving up: bounds the reads when few scans have a manifest. */
  maxScansTried?: number;
  /** Manifests read at once. */
  concurrency?: number;
}

export interface FleetHistory {
  /** Oldest first. */
  points: FleetTrendPoint[];
  /** Manifests that could not be read or decoded, left out of the trend. */
  unreadable: number;
}

const DEFAULT_CONCURRENCY = 4;

/** Up to `maxPoints` fleet scans that started before `scanId`, oldest first. */
export async function readFleetHistory(
  store: Pick<ResultsStore, 'listScanIds' | 'getManifest'>,
  scanId: string,
  options: FleetHistoryOptions,
): Promise<FleetHistory> {
  const wanted = Math.max(0, Math.floor(options.maxPoints));
  if (wanted === 0) return { points: [], unreadable: 0 };
  const tried = options.maxScansTried ?? wanted * 4;
  // Every id: a scan started after this one (an on-demand run) may be among the newest.
  const older = (await store.listScanIds()).filter((id) => id < scanId).slice(0, tried);
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  const points: FleetTrendPoint[] = [];
  let unreadable = 0;
  // In batches, newest first, so the reads stop once enough manifests were found.
  for (let start = 0; start < older.length && points.length < wanted; start += wanted) {
    const batch = older.slice(start, start + wanted);
    const read = await Promise.all(
      batch.map((id) =>
        limit(async () => {
          try {
            const manifest = await store.getManifest(id);
            return manifest === undefined ? undefined : trendPointOf(manifest);
          } catch {
            unreadable += 1;
            return undefined;
          }
        }),
      ),
    );
    for (const point of read) if (point !== undefined && points.length < wanted) points.push(point);
  }
  return { points: points.reverse(), unreadable };
}
