import type { ClusterRef } from '../core/model.ts';

/**
 * The key layout every results store shares (S3 keys, paths under the local root):
 *
 *   scans/{scanId}/manifest.json                          the FleetManifest of a fleet scan
 *   scans/{scanId}/{artifact}                             fleet-level files (report.html, …)
 *   scans/{scanId}/clusters/{clusterKey}/result.json     the ScanResult
 *   scans/{scanId}/clusters/{clusterKey}/{artifact}      report.html, snapshot.json, …
 *   clusters/{clusterKey}/latest.json                     {scanId, key, finishedAt}
 *
 * `clusterKey` is `{accountId|local}/{region|local}/{name}`. Keys are a pure function of
 * the scan id and the cluster, so storing a scan again overwrites it.
 *
 * Cluster names come from untrusted input (kubeconfig contexts, API responses), so no part
 * of a key is ever taken as given: account ids and regions must have their AWS shape, and
 * a name is used verbatim only when it is a plain `[A-Za-z0-9._-]` word starting with a
 * letter or digit; any other name is encoded (see `encodeName`). Nothing can produce `..`,
 * `/` or an absolute path inside a segment.
 */

export const RESULT_FILE = 'result.json';
export const LATEST_FILE = 'latest.json';
export const MANIFEST_FILE = 'manifest.json';
/** The directory of a scan that holds its cluster results. */
export const CLUSTERS_DIR = 'clusters';
export const SCANS_PREFIX = 'scans/';
export const REPORT_ARTIFACT = 'report.html';
export const SNAPSHOT_ARTIFACT = 'snapshot.json';

/** The part used for an absent account id or region (local runs). */
export const LOCAL_PART = 'local';

export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';
}

const SAFE_WORD = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SCAN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ACCOUNT_ID = /^\d{12}$/;
// us-east-1, us-gov-west-1, ap-southeast-4, us-isob-east-1 …
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ENCODED_NAME = /^_[A-Za-z0-9_-]+$/;

/** EKS names are at most 100 characters; anything longer is encoded. */
const MAX_VERBATIM_NAME = 100;
/** Keeps an encoded name (4/3 of this, plus the marker) under the 255-byte file-name limit. */
const MAX_NAME_BYTES = 180;

export function isValidScanId(scanId: string): boolean {
  return SCAN_ID.test(scanId);
}

export function assertScanId(scanId: string): string {
  if (typeof scanId !== 'string' || !isValidScanId(scanId)) {
    throw new InvalidKeyError(
      `invalid scan id ${JSON.stringify(String(scanId).slice(0, 80))}: use 1-128 characters of ` +
        '[A-Za-z0-9._-] starting with a letter or digit (e.g. 20260102T030405Z-7f3a)',
    );
  }
  return scanId;
}

/**
 * A cluster name as one key segment. Plain names stay readable (`prod-eu`); anything else
 * (`../../etc`, `a/b`, `arn:aws:eks:…:cluster/x`, `.`) becomes `_` + base64url of its UTF-8
 * bytes. A plain name never starts with `_`, so the two forms cannot collide and the
 * encoding is reversible.
 */
export function encodeName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidKeyError('a cluster name must be a non-empty string');
  }
  if (name.length <= MAX_VERBATIM_NAME && SAFE_WORD.test(name)) return name;
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > MAX_NAME_BYTES) {
    throw new InvalidKeyError(`a cluster name may be at most ${MAX_NAME_BYTES} bytes long`);
  }
  return `_${bytes.toString('base64url')}`;
}

export function decodeName(segment: string): string {
  if (ENCODED_NAME.test(segment)) {
    const name = Buffer.from(segment.slice(1), 'base64url').toString('utf8');
    // Only the canonical encoding of a name is a valid segment.
    if (encodeName(name) === segment) return name;
  } else if (segment.length <= MAX_VERBATIM_NAME && SAFE_WORD.test(segment)) {
    return segment;
  }
  throw new InvalidKeyError(`invalid cluster name segment ${JSON.stringify(segment.slice(0, 80))}`);
}

function accountPart(accountId: string | undefined): string {
  if (accountId === undefined || accountId === '') return LOCAL_PART;
  if (!ACCOUNT_ID.test(accountId)) {
    throw new InvalidKeyError(`invalid AWS account id ${JSON.stringify(accountId.slice(0, 40))}`);
  }
  return accountId;
}

function regionPart(region: string | undefined): string {
  if (region === undefined || region === '') return LOCAL_PART;
  if (!REGION.test(region)) {
    throw new InvalidKeyError(`invalid AWS region ${JSON.stringify(region.slice(0, 40))}`);
  }
  return region;
}

/** `{accountId|local}/{region|local}/{name}`. Throws InvalidKeyError for a malformed part. */
export function clusterKeyOf(cluster: Pick<ClusterRef, 'name' | 'accountId' | 'region'>): string {
  return `${accountPart(cluster.accountId)}/${regionPart(cluster.region)}/${encodeName(cluster.name)}`;
}

/** The cluster a key names. Throws InvalidKeyError unless the key is canonical. */
export function parseClusterKey(clusterKey: string): Pick<ClusterRef, 'name' | 'accountId' | 'region'> {
  const parts = typeof clusterKey === 'string' ? clusterKey.split('/') : [];
  const [account, region, segment] = parts;
  if (parts.length !== 3 || account === undefined || region === undefined || segment === undefined) {
    throw new InvalidKeyError('a cluster key has the form {accountId|local}/{region|local}/{name}');
  }
  const cluster = {
    name: decodeName(segment),
    ...(account === LOCAL_PART ? {} : { accountId: account }),
    ...(region === LOCAL_PART ? {} : { region }),
  };
  if (clusterKeyOf(cluster) !== clusterKey) {
    throw new InvalidKeyError(`invalid cluster key ${JSON.stringify(clusterKey.slice(0, 120))}`);
  }
  return cluster;
}

export function assertClusterKey(clusterKey: string): string {
  parseClusterKey(clusterKey);
  return clusterKey;
}

function assertFileName(name: string, reserved: readonly string[], level: string): string {
  if (typeof name !== 'string' || name.length > 100 || !SAFE_WORD.test(name) || reserved.includes(name)) {
    throw new InvalidKeyError(
      `invalid ${level} artifact name ${JSON.stringify(String(name).slice(0, 80))}: use a plain file name ` +
        `of [A-Za-z0-9._-] other than ${reserved.join(', ')}`,
    );
  }
  return name;
}

/** A file beside a cluster result: a plain name, never the result itself. */
export function assertArtifactName(name: string): string {
  return assertFileName(name, [RESULT_FILE], 'cluster');
}

/** A fleet-level file of a scan: a plain name, never the manifest or the clusters directory. */
export function assertScanArtifactName(name: string): string {
  return assertFileName(name, [MANIFEST_FILE, CLUSTERS_DIR], 'scan');
}

/** `scans/{scanId}/`: everything one scan stored. */
export function scanPrefix(scanId: string): string {
  return `${SCANS_PREFIX}${assertScanId(scanId)}/`;
}

export function manifestKey(scanId: string): string {
  return `${scanPrefix(scanId)}${MANIFEST_FILE}`;
}

export function scanArtifactKey(scanId: string, name: string): string {
  return `${scanPrefix(scanId)}${assertScanArtifactName(name)}`;
}

/** `scans/{scanId}/clusters/`: the prefix under which one scan's cluster results live. */
export function scanClustersPrefix(scanId: string): string {
  return `${scanPrefix(scanId)}${CLUSTERS_DIR}/`;
}

function clusterDir(scanId: string, clusterKey: string): string {
  return `${scanClustersPrefix(scanId)}${assertClusterKey(clusterKey)}/`;
}

export function resultKey(scanId: string, clusterKey: string): string {
  return `${clusterDir(scanId, clusterKey)}${RESULT_FILE}`;
}

export function artifactKey(scanId: string, clusterKey: string, name: string): string {
  return `${clusterDir(scanId, clusterKey)}${assertArtifactName(name)}`;
}

/** The prefix under which every cluster's latest pointer lives. */
export const LATEST_PREFIX = 'clusters/';

export function latestKey(clusterKey: string): string {
  return `${LATEST_PREFIX}${assertClusterKey(clusterKey)}/${LATEST_FILE}`;
}

const LATEST_KEY = /^clusters\/([^/]+\/[^/]+\/[^/]+)\/latest\.json$/;

/** The cluster key of a latest pointer's key, or undefined when `key` is not a canonical one. */
export function parseLatestKey(key: string): string | undefined {
  const clusterKey = typeof key === 'string' ? LATEST_KEY.exec(key)?.[1] : undefined;
  if (clusterKey === undefined) return undefined;
  try {
    parseClusterKey(clusterKey);
  } catch {
    return undefined;
  }
  return clusterKey;
}

const RESULT_KEY = /^scans\/([^/]+)\/clusters\/([^/]+\/[^/]+\/[^/]+)\/result\.json$/;

/** The scan and cluster of a result key, or undefined when `key` is not a canonical result key. */
export function parseResultKey(key: string): { scanId: string; clusterKey: string } | undefined {
  const match = typeof key === 'string' ? RESULT_KEY.exec(key) : null;
  const scanId = match?.[1];
  const clusterKey = match?.[2];
  if (scanId === undefined || clusterKey === undefined || !isValidScanId(scanId)) return undefined;
  try {
    parseClusterKey(clusterKey);
  } catch {
    return undefined;
  }
  return { scanId, clusterKey };
}

export function assertResultKey(key: string): { scanId: string; clusterKey: string } {
  const parsed = parseResultKey(key);
  if (!parsed) {
    throw new InvalidKeyError(
      `not a result key: ${JSON.stringify(String(key).slice(0, 160))} ` +
        `(expected scans/{scanId}/clusters/{clusterKey}/${RESULT_FILE})`,
    );
  }
  return parsed;
}

/** Where an artifact key points: a scan-level file, or a file beside one cluster's result. */
export interface ArtifactLocation {
  scanId: string;
  /** Absent for a scan-level artifact. */
  clusterKey?: string;
  name: string;
}

const CLUSTER_ARTIFACT_KEY = /^scans\/([^/]+)\/clusters\/([^/]+\/[^/]+\/[^/]+)\/([^/]+)$/;
const SCAN_ARTIFACT_KEY = /^scans\/([^/]+)\/([^/]+)$/;

function isValid(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/**
 * The location of an artifact key, or undefined unless `key` is exactly what
 * `artifactKey` or `scanArtifactKey` would make (results and manifests are not artifacts).
 */
export function parseArtifactKey(key: string): ArtifactLocation | undefined {
  if (typeof key !== 'string') return undefined;
  const cluster = CLUSTER_ARTIFACT_KEY.exec(key);
  if (cluster) {
    const [, scanId = '', clusterKey = '', name = ''] = cluster;
    return isValid(() => artifactKey(scanId, clusterKey, name)) ? { scanId, clusterKey, name } : undefined;
  }
  const scan = SCAN_ARTIFACT_KEY.exec(key);
  if (scan) {
    const [, scanId = '', name = ''] = scan;
    return isValid(() => scanArtifactKey(scanId, name)) ? { scanId, name } : undefined;
  }
  return undefined;
}

export function assertArtifactKey(key: string): ArtifactLocation {
  const parsed = parseArtifactKey(key);
  if (!parsed) {
    throw new InvalidKeyError(
      `not an artifact key: ${JSON.stringify(String(key).slice(0, 160))} (expected ` +
        'scans/{scanId}/{name} or scans/{scanId}/clusters/{clusterKey}/{name})',
    );
  }
  return parsed;
}
