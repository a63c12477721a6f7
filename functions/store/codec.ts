import type { ScanResult } from '../core/model.ts';
import { SCHEMA_VERSION } from '../core/model.ts';
import type { LatestPointer } from '../core/ports.ts';
import { parseResultKey } from './keys.ts';

/** How results and pointers are serialised, shared by every adapter. */

export class CorruptStoreObjectError extends Error {
  override name = 'CorruptStoreObjectError';
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CorruptStoreObjectError(`${key} is not valid JSON: ${detail}`);
  }
}

export function encodeResult(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * Checks the envelope of a stored result (schema version, identity, the lists consumers
 * iterate) before handing it on typed; it does not re-validate every finding.
 */
export function decodeResult(text: string, key: string): ScanResult {
  const value = parseJson(text, key);
  if (!isRecord(value)) throw new CorruptStoreObjectError(`${key} does not hold a scan result object`);
  if (value.schemaVersion !== SCHEMA_VERSION) {
    throw new CorruptStoreObjectError(
      `${key} has schema version ${JSON.stringify(value.schemaVersion)}; this build reads ${SCHEMA_VERSION}`,
    );
  }
  const cluster = value.cluster;
  if (
    typeof value.scanId !== 'string' ||
    !isRecord(cluster) ||
    typeof cluster.name !== 'string' ||
    typeof value.finishedAt !== 'string' ||
    !Array.isArray(value.findings) ||
    !Array.isArray(value.checks) ||
    !Array.isArray(value.gaps) ||
    !isRecord(value.scores) ||
    !isRecord(value.waivers)
  ) {
    throw new CorruptStoreObjectError(`${key} is missing fields of a scan result`);
  }
  return value as unknown as ScanResult;
}

export function encodeLatest(pointer: LatestPointer): string {
  return `${JSON.stringify({ scanId: pointer.scanId, key: pointer.key, finishedAt: pointer.finishedAt }, null, 2)}\n`;
}

/** A latest pointer; its key must be a canonical result key of `clusterKey`. */
export function decodeLatest(text: string, key: string, clusterKey: string): LatestPointer {
  const value = parseJson(text, key);
  if (
    !isRecord(value) ||
    typeof value.scanId !== 'string' ||
    typeof value.key !== 'string' ||
    typeof value.finishedAt !== 'string'
  ) {
    throw new CorruptStoreObjectError(`${key} is not a latest pointer {scanId, key, finishedAt}`);
  }
  const target = parseResultKey(value.key);
  if (!target || target.clusterKey !== clusterKey || target.scanId !== value.scanId) {
    throw new CorruptStoreObjectError(
      `${key} points at ${JSON.stringify(value.key)}, not a result of this cluster`,
    );
  }
  return { scanId: value.scanId, key: value.key, finishedAt: value.finishedAt };
}

/**
 * Whether a newly stored result should take the latest pointer from `current`: always when
 * there is none, when it is the same scan stored again, or when it finished no earlier.
 * The pointer never moves back to an older scan stored late.
 */
export function shouldAdvanceLatest(current: LatestPointer | undefined, next: LatestPointer): boolean {
  if (!current || current.scanId === next.scanId) return true;
  const currentTime = Date.parse(current.finishedAt);
  const nextTime = Date.parse(next.finishedAt);
  if (Number.isNaN(currentTime)) return true;
  if (Number.isNaN(nextTime)) return false;
  return nextTime >= currentTime;
}
