import { createLimiter } from '../collect/limit.ts';
import { type FleetManifest, type FleetTrendPoint, trendPointOf } from '../core/fleet.ts';
import { SEVERITIES } from '../core/model.ts';
import type { ResultsStore } from '../core/ports.ts';
import { JSON_CONTENT_TYPE } from '../store/codec.ts';
import { scanArtifactKey } from '../store/keys.ts';

/**
 * The fleet scans before one, as trend points, read from the manifests in the store. Only
 * scans that stored a manifest count (a single-cluster CLI scan stores none), so every
 * point is a fleet scan that happened. Each manifest is reduced to its point as soon as it
 * is read: however big the fleet, only a few manifests are held at a time.
 *
 * Each fleet scan also stores its own point beside its manifest (`TREND_POINT_ARTIFACT`, a few
 * hundred bytes), and that is what is read first: the manifest of a 5,000-cluster scan is
 * megabytes, and the trend wants 29 of them every night. Scans stored before the point existed,
 * or whose point is unreadable, are read from their manifest as before.
 */

export const TREND_POINT_ARTIFACT = 'trend-point.json';

/** Stores a fleet scan's trend point beside its manifest. */
export async function putTrendPoint(
  store: Pick<ResultsStore, 'putScanArtifact'>,
  manifest: FleetManifest,
): Promise<string> {
  const point = trendPointOf(manifest);
  return store.putScanArtifact(
    manifest.scanId,
    TREND_POINT_ARTIFACT,
    `${JSON.stringify(point)}\n`,
    JSON_CONTENT_TYPE,
  );
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** A stored point of `scanId`, or undefined when it is not one (then the manifest is read). */
function decodeTrendPoint(body: Uint8Array, scanId: string): FleetTrendPoint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const point = value as Partial<Record<keyof FleetTrendPoint, unknown>>;
  const failing = point.failingBySeverity as Record<string, unknown> | undefined;
  const valid =
    point.scanId === scanId &&
    typeof point.finishedAt === 'string' &&
    isCount(point.clusters) &&
    isCount(point.scanned) &&
    (point.compliance === null || (isCount(point.compliance) && point.compliance <= 100)) &&
    typeof failing === 'object' &&
    failing !== null &&
    SEVERITIES.every((severity) => isCount(failing[severity]));
  return valid ? (value as FleetTrendPoint) : undefined;
}

/** One earlier scan's point: from its stored point, else from its manifest; undefined for a non-fleet scan. */
async function readPoint(
  store: Pick<ResultsStore, 'getManifest' | 'getArtifact'>,
  scanId: string,
): Promise<FleetTrendPoint | undefined> {
  const stored = await store
    .getArtifact(scanArtifactKey(scanId, TREND_POINT_ARTIFACT))
    .catch(() => undefined);
  const point = stored === undefined ? undefined : decodeTrendPoint(stored.body, scanId);
  if (point !== undefined) return point;
  const manifest = await store.getManifest(scanId);
  return manifest === undefined ? undefined : trendPointOf(manifest);
}

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
  store: Pick<ResultsStore, 'listScanIds' | 'getManifest' | 'getArtifact'>,
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
            return await readPoint(store, id);
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
