import type { ClusterRef, Score, Severity } from './model.ts';

/** How one cluster of a fleet scan ended. */
export const CLUSTER_OUTCOMES = ['scanned', 'unreachable', 'forbidden', 'error'] as const;
export type ClusterOutcome = (typeof CLUSTER_OUTCOMES)[number];

export interface FleetClusterEntry {
  cluster: ClusterRef;
  /** The store's cluster key (`{account}/{region}/{name}`). */
  clusterKey: string;
  outcome: ClusterOutcome;
  /** Why the cluster was not scanned, or what went partly wrong. */
  reason?: string;
  /** The stored result, when there is one. */
  resultKey?: string;
  /** Enough to rank clusters without reading every result. */
  summary?: {
    overall: Score;
    failingBySeverity: Record<Severity, number>;
    gaps: number;
  };
}

/** An account or region discovery could not enumerate, and why (never a failed fleet scan). */
export interface FleetSkip {
  accountId: string;
  region?: string;
  reason: string;
}

/** `scans/{scanId}/manifest.json`: every cluster of a fleet scan with its outcome. */
export interface FleetManifest {
  schemaVersion: 1;
  scanId: string;
  startedAt: string;
  finishedAt: string;
  clusters: FleetClusterEntry[];
  skipped: FleetSkip[];
}
