import type { FleetManifest } from './fleet.ts';
import type { ClusterRef, ScanResult } from './model.ts';

/**
 * Where one cluster's result of one scan lives. `key` is a store key in the shared layout
 * (`functions/store/keys.ts`): the same for every adapter, so an S3 key and a file path
 * under the local root name the same thing.
 */
export interface ResultLocation {
  scanId: string;
  /** `{accountId|local}/{region|local}/{name}`, each part validated or encoded. */
  clusterKey: string;
  /** `scans/{scanId}/clusters/{clusterKey}/result.json`. */
  key: string;
}

export interface StoredResult extends ResultLocation {
  /**
   * Whether the cluster's `latest` pointer now names this result. It does not when a newer
   * scan of the same cluster was stored first: the pointer never moves back in time.
   */
  latestUpdated: boolean;
}

/** The content of `clusters/{clusterKey}/latest.json`. */
export interface LatestPointer {
  scanId: string;
  key: string;
  finishedAt: string;
}

/** An artifact read back from the store. */
export interface StoredArtifact {
  key: string;
  body: Uint8Array;
  /**
   * The content type it was stored with where the store keeps one (S3); a file store
   * infers it from the file extension.
   */
  contentType: string;
}

export interface ListLatestOptions {
  /** At most this many clusters (a positive integer); all of them when absent. */
  limit?: number;
  /** Start after this cluster key (exclusive): the `next` of the previous page. */
  after?: string;
}

/** One cluster's latest pointer, as listed. */
export interface LatestEntry {
  clusterKey: string;
  /** Absent when the pointer could not be decoded; `problem` then says why. */
  pointer?: LatestPointer;
  problem?: string;
}

export interface LatestPage {
  /** Sorted by the pointer's key (`clusters/{clusterKey}/latest.json`, code-unit order). */
  entries: LatestEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface ListScanIdsOptions {
  /** At most this many ids (a positive integer); all of them when absent. */
  limit?: number;
}

/**
 * The results store, owned by the core and implemented by `FileResultsStore` (local runs)
 * and `S3ResultsStore`. Keys are deterministic: storing the same scan of the same cluster
 * again overwrites, never duplicates. Everything that reaches a key (scan ids, cluster
 * names, artifact names) is validated or encoded first, so no input can name a location
 * outside the store.
 */
export interface ResultsStore {
  /**
   * Writes the result, and only once that write has succeeded, moves the cluster's latest
   * pointer to it (unless the pointer already names a scan that finished later).
   */
  putResult(result: ScanResult): Promise<StoredResult>;
  /**
   * Writes a file beside a result (`report.html`, `snapshot.json`, …) and returns its key.
   * `clusterKey` is the one `putResult` returned (or `clusterKeyOf(cluster)`); `name` is a
   * plain file name and may not be `result.json`.
   */
  putArtifact(
    scanId: string,
    clusterKey: string,
    name: string,
    body: string | Uint8Array,
    contentType: string,
  ): Promise<string>;
  /** The result stored under a result key, or undefined when there is none. */
  getResult(key: string): Promise<ScanResult | undefined>;
  /** The result the cluster's latest pointer names, or undefined when there is none. */
  getLatest(cluster: ClusterRef): Promise<ScanResult | undefined>;
  /** Every cluster result stored for one scan (the fleet view of a scan), sorted by key. */
  listResults(scanId: string): Promise<ResultLocation[]>;
  /**
   * Writes a fleet-level file of a scan (`scans/{scanId}/{name}`, e.g. the fleet
   * `report.html`) and returns its key. `name` may not be `manifest.json` or `clusters`.
   */
  putScanArtifact(
    scanId: string,
    name: string,
    body: string | Uint8Array,
    contentType: string,
  ): Promise<string>;
  /**
   * An artifact stored by `putArtifact` or `putScanArtifact`, or undefined when there is
   * none. Any other key (a result, a manifest, a latest pointer, a made-up path) is refused.
   */
  getArtifact(key: string): Promise<StoredArtifact | undefined>;
  /**
   * Writes the fleet manifest of a scan to `scans/{scanId}/manifest.json` and returns that
   * key; storing it again overwrites. Every entry's `clusterKey` must be the key of its
   * cluster and its `resultKey`, when set, that cluster's result key in this scan.
   */
  putManifest(manifest: FleetManifest): Promise<string>;
  /** The fleet manifest of a scan, or undefined when none was stored. */
  getManifest(scanId: string): Promise<FleetManifest | undefined>;
  /**
   * The ids of the stored scans, newest first: ids sort by time because they start with
   * the UTC start time (`20261123T154000Z-3f9a1c`), so this is descending id order.
   * A scan counts once anything (a result, a manifest, an artifact) was stored under it.
   */
  listScanIds(options?: ListScanIdsOptions): Promise<string[]>;
  /**
   * The clusters that have a latest pointer, a page at a time, in key order (the posture of
   * the fleet without reading any result). A pointer that cannot be decoded is listed with
   * the problem rather than hidden or allowed to fail the whole page; the next result stored
   * for that cluster repairs it. `after` must be a cluster key (InvalidKeyError otherwise).
   */
  listLatest(options?: ListLatestOptions): Promise<LatestPage>;
}
