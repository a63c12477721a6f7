import type { FleetManifest } from '../core/fleet.ts';
import { CLUSTER_OUTCOMES } from '../core/fleet.ts';
import { isRecord } from '../core/is-record.ts';
import { memoised } from '../core/memo.ts';
import type { Finding, ScanResult } from '../core/model.ts';
import { SCHEMA_VERSION } from '../core/model.ts';
import type {
  LatestEntry,
  LatestPointer,
  ListLatestOptions,
  ListScanIdsOptions,
  StoredResult,
} from '../core/ports.ts';
import {
  assertClusterKey,
  assertScanId,
  clusterKeyOf,
  InvalidKeyError,
  isValidScanId,
  latestKey,
  parseResultKey,
  resultKey,
} from './keys.ts';

/** How results and pointers are serialised, shared by every adapter. */

export class CorruptStoreObjectError extends Error {
  override name = 'CorruptStoreObjectError';
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: V8 quotes the start of the text in it, and stored bodies
    // (cluster data) must not reach logs through an error message.
    throw new CorruptStoreObjectError(`${key} is not valid JSON (${text.length} characters)`);
  }
}

/**
 * Characters per piece of an encoded result. Small enough that turning a piece (a string
 * grown by `+=`) into bytes stays in the CPU cache: measured on 60,000 findings, 64 KiB
 * pieces are encoded and converted 2–4× faster than 1 MiB ones.
 */
const CHUNK_CHARS = 1 << 16;

/**
 * A result as compact JSON, in pieces of about 64 KiB: the envelope first, then the
 * findings, one per line. A 150,000-pod cluster has close to a million findings, and its
 * result as one string would be longer than the longest string V8 can build; in pieces it is
 * written as it is serialised, and read back line by line (`decodeResultBytes`). Any JSON
 * parser reads the text as it is.
 */
export function* encodeResultChunks(result: ScanResult): Generator<string> {
  const { findings, ...envelope } = result;
  const head = JSON.stringify(envelope);
  let chunk = `${head.slice(0, -1)}${head === '{}' ? '' : ','}"findings":[`;
  const encodeFinding = findingEncoder();
  for (let i = 0; i < findings.length; i++) {
    chunk += `${i === 0 ? '\n' : ',\n'}${encodeFinding(findings[i] as Finding)}`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n]}\n`;
}

/** The keys the engine gives every finding first, in its order (`toFinding`). */
const FINDING_KEYS = [
  'checkId',
  'status',
  'resource',
  'message',
  'severity',
  'responsibility',
  'frameworks',
] as const;

/**
 * `JSON.stringify` of a finding, character for character, with what a check's findings share
 * written out once per result: the engine gives all of them the same check id, severity,
 * responsibility and frozen frameworks list, close to half the bytes of a finding. A finding
 * whose keys start with the engine's in its order is written from those texts, any other by
 * `JSON.stringify` itself. At 150,000 pods (920,000 findings, 606 MB) this took 1.6 s where writing every key's
 * value took 2.1 s.
 */
function findingEncoder(): (finding: Finding) => string {
  // A few hundred check ids and seven statuses from the engine; bounded all the same.
  const headOf = memoised((checkId: string) => `{"checkId":${JSON.stringify(checkId)},"status":`, 10_000);
  const statusText = memoised((status: string) => JSON.stringify(status), 100);
  const tails = new Map<unknown, { severity: string; responsibility: string; text: string }>();
  return (finding) => {
    const record = finding as unknown as Record<string, unknown>;
    const { checkId, status, resource, message, severity, responsibility, frameworks } = finding;
    if (
      typeof record.toJSON === 'function' ||
      typeof checkId !== 'string' ||
      typeof status !== 'string' ||
      typeof resource !== 'object' ||
      resource === null ||
      typeof message !== 'string' ||
      typeof severity !== 'string' ||
      typeof responsibility !== 'string' ||
      !Array.isArray(frameworks) ||
      // Only frozen lists (the engine's): they cannot change while the result is written.
      !Object.isFrozen(frameworks)
    ) {
      return JSON.stringify(finding);
    }
    let position = 0;
    let extras = '';
    for (const key in record) {
      if (position < FINDING_KEYS.length) {
        if (key !== FINDING_KEYS[position++]) return JSON.stringify(finding);
        continue;
      }
      if (!Object.hasOwn(record, key)) continue;
      const text = JSON.stringify(record[key]);
      if (text !== undefined) extras += `,${JSON.stringify(key)}:${text}`;
    }
    const resourceText = JSON.stringify(resource);
    if (position < FINDING_KEYS.length || resourceText === undefined) return JSON.stringify(finding);
    let tail = tails.get(frameworks);
    if (tail === undefined || tail.severity !== severity || tail.responsibility !== responsibility) {
      tail = {
        severity,
        responsibility,
        text: `,"severity":${JSON.stringify(severity)},"responsibility":${JSON.stringify(responsibility)},"frameworks":${JSON.stringify(frameworks)}`,
      };
      tails.set(frameworks, tail);
    }
    return `${headOf(checkId)}${statusText(status)},"resource":${resourceText},"message":${JSON.stringify(message)}${tail.text}${extras}}`;
  };
}

/** The whole encoded result as one string: for small results and tests. */
export function encodeResult(result: ScanResult): string {
  return [...encodeResultChunks(result)].join('');
}

export function decodeResult(text: string, key: string): ScanResult {
  return checkedResult(parseJson(text, key), key);
}

/**
 * Stored results longer than this are read line by line: their text would not fit in one
 * V8 string (2^29 − 24 characters), and parsing it whole would hold it twice.
 */
export const WHOLE_TEXT_LIMIT = 256 * 1024 * 1024;

/** A stored result from its bytes: whole when short, else in the layout `encodeResultChunks` writes. */
export function decodeResultBytes(
  bytes: Uint8Array,
  key: string,
  wholeTextLimit = WHOLE_TEXT_LIMIT,
): ScanResult {
  if (bytes.length <= wholeTextLimit) return decodeResult(new TextDecoder().decode(bytes), key);
  return checkedResult(parseByLines(bytes, key), key);
}

const NEWLINE = 0x0a;
const FINDINGS_OPEN = '"findings":[';

/** The envelope from the first line, then one finding per line, up to the closing `]}`. */
function parseByLines(bytes: Uint8Array, key: string): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const notLayout = () =>
    new CorruptStoreObjectError(
      `${key} is ${bytes.length} bytes, too long to read as one text, and not in the ` +
        'one-finding-per-line layout Watchkeeper writes',
    );
  let start = 0;
  const nextLine = (): string | undefined => {
    if (start >= buffer.length) return undefined;
    let end = buffer.indexOf(NEWLINE, start);
    if (end < 0) end = buffer.length;
    const line = buffer.toString('utf8', start, end);
    start = end + 1;
    return line;
  };
  const head = nextLine();
  if (head === undefined || !head.endsWith(FINDINGS_OPEN)) throw notLayout();
  const envelope = parseJson(`${head}]}`, key);
  if (!isRecord(envelope) || !Array.isArray(envelope.findings)) throw notLayout();
  const findings: unknown[] = envelope.findings;
  for (let line = nextLine(); line !== undefined; line = nextLine()) {
    if (line === ']}') return envelope;
    findings.push(parseJson(line.endsWith(',') ? line.slice(0, -1) : line, key));
  }
  throw notLayout();
}

/**
 * Checks the envelope of a stored result (schema version, identity, the lists consumers
 * iterate) before handing it on typed; it does not re-validate every finding.
 */
function checkedResult(value: unknown, key: string): ScanResult {
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

/** How one adapter writes a result and reads and writes a latest pointer. */
export interface ResultWrites {
  writeResult(key: string, result: ScanResult): Promise<void>;
  readLatest(clusterKey: string): Promise<LatestPointer | undefined>;
  writeLatest(clusterKey: string, pointer: LatestPointer): Promise<void>;
}

/**
 * `putResult` for every adapter: the result under its canonical key first, and only once it is
 * in place, the cluster's latest pointer, if the result is no older than the one it names.
 */
export async function putResultThenLatest(result: ScanResult, io: ResultWrites): Promise<StoredResult> {
  const scanId = assertScanId(result.scanId);
  const clusterKey = clusterKeyOf(result.cluster);
  const key = resultKey(scanId, clusterKey);
  await io.writeResult(key, result);

  const next: LatestPointer = { scanId, key, finishedAt: result.finishedAt };
  const current = await io.readLatest(clusterKey).catch((error: unknown) => {
    // A corrupt pointer is repaired by this write rather than blocking every later scan.
    if (error instanceof CorruptStoreObjectError) return undefined;
    throw error;
  });
  const latestUpdated = shouldAdvanceLatest(current, next);
  if (latestUpdated) await io.writeLatest(clusterKey, next);
  return { scanId, clusterKey, key, latestUpdated };
}

export const MANIFEST_SCHEMA_VERSION = 1;

/**
 * What is wrong with a manifest's keys, or undefined: the scan id must be valid, each
 * entry's cluster key must be the key of its cluster, and a result key must be that
 * cluster's result in this scan. Consumers follow these keys, so they are checked both
 * before a manifest is written and after one is read.
 */
function manifestKeyProblem(manifest: FleetManifest): string | undefined {
  if (!isValidScanId(manifest.scanId)) return `has an invalid scan id ${JSON.stringify(manifest.scanId)}`;
  for (const [index, entry] of manifest.clusters.entries()) {
    let expected: string;
    try {
      expected = clusterKeyOf(entry.cluster);
    } catch (error) {
      return `clusters[${index}] names a cluster that has no key: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (entry.clusterKey !== expected) {
      return `clusters[${index}].clusterKey is ${JSON.stringify(entry.clusterKey)}, not ${JSON.stringify(expected)}`;
    }
    if (entry.resultKey !== undefined && entry.resultKey !== resultKey(manifest.scanId, expected)) {
      return `clusters[${index}].resultKey ${JSON.stringify(entry.resultKey)} is not the result of ${expected} in scan ${manifest.scanId}`;
    }
  }
  return undefined;
}

/** Serialises a manifest, refusing one whose keys do not fit the layout (InvalidKeyError). */
export function encodeManifest(manifest: FleetManifest): string {
  const problem = manifestKeyProblem(manifest);
  if (problem) throw new InvalidKeyError(`the fleet manifest ${problem}`);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A stored manifest; it must belong to `scanId`, the scan whose key it was read from. */
export function decodeManifest(text: string, key: string, scanId: string): FleetManifest {
  const value = parseJson(text, key);
  if (!isRecord(value)) throw new CorruptStoreObjectError(`${key} does not hold a fleet manifest object`);
  if (value.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new CorruptStoreObjectError(
      `${key} has manifest schema version ${JSON.stringify(value.schemaVersion)}; this build reads ${MANIFEST_SCHEMA_VERSION}`,
    );
  }
  if (value.scanId !== scanId) {
    throw new CorruptStoreObjectError(`${key} holds the manifest of another scan`);
  }
  const outcomes: readonly unknown[] = CLUSTER_OUTCOMES;
  if (
    typeof value.startedAt !== 'string' ||
    typeof value.finishedAt !== 'string' ||
    !Array.isArray(value.skipped) ||
    !Array.isArray(value.clusters) ||
    !value.clusters.every(
      (entry: unknown) =>
        isRecord(entry) &&
        isRecord(entry.cluster) &&
        typeof entry.cluster.name === 'string' &&
        typeof entry.clusterKey === 'string' &&
        outcomes.includes(entry.outcome) &&
        (entry.resultKey === undefined || typeof entry.resultKey === 'string'),
    )
  ) {
    throw new CorruptStoreObjectError(`${key} is missing fields of a fleet manifest`);
  }
  const manifest = value as unknown as FleetManifest;
  const problem = manifestKeyProblem(manifest);
  if (problem) throw new CorruptStoreObjectError(`${key} ${problem}`);
  return manifest;
}

/** The limit of `listScanIds`, checked: a positive integer, or undefined for all. */
export function scanIdLimit(options: ListScanIdsOptions | undefined): number | undefined {
  const limit = options?.limit;
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`listScanIds limit must be a positive integer, not ${String(limit)}`);
  }
  return limit;
}

/** Scan ids newest first (descending: they start with their UTC start time), at most `limit`. */
export function newestFirst(scanIds: Iterable<string>, limit: number | undefined): string[] {
  const sorted = [...new Set(scanIds)].filter(isValidScanId).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

/** Sorts by key, code-unit order (the order S3 lists keys in). */
export function byKey<T extends { key: string }>(a: T, b: T): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The options of `listLatest`, checked: a positive integer limit (or none) and a cluster key to start after. */
export function latestListing(options: ListLatestOptions | undefined): {
  limit: number | undefined;
  /** The layout key of `after`'s pointer: listing resumes strictly after it. */
  afterKey: string | undefined;
} {
  const limit = options?.limit;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`listLatest limit must be a positive integer, not ${String(limit)}`);
  }
  const after = options?.after;
  return { limit, afterKey: after === undefined ? undefined : latestKey(assertClusterKey(after)) };
}

/** Pointers read at once when a page of them is listed. */
const LATEST_READ_CONCURRENCY = 16;

/**
 * Reads the pointers of a page (`clusterKeys` in key order, already cut to the page). A
 * pointer that cannot be decoded is listed with its problem; one that vanished between the
 * listing and the read is left out. Any other failure (the store is unreachable) throws.
 */
export async function readLatestEntries(
  clusterKeys: readonly string[],
  read: (clusterKey: string) => Promise<LatestPointer | undefined>,
): Promise<LatestEntry[]> {
  const entries: (LatestEntry | undefined)[] = new Array(clusterKeys.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    for (let index = nextIndex++; index < clusterKeys.length; index = nextIndex++) {
      const clusterKey = clusterKeys[index] as string;
      try {
        const pointer = await read(clusterKey);
        entries[index] = pointer === undefined ? undefined : { clusterKey, pointer };
      } catch (error) {
        if (!(error instanceof CorruptStoreObjectError)) throw error;
        entries[index] = { clusterKey, problem: error.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LATEST_READ_CONCURRENCY, clusterKeys.length) }, worker));
  return entries.filter((entry): entry is LatestEntry => entry !== undefined);
}
