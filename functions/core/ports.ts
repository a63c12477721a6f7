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
}
