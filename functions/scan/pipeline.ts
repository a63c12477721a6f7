import { CHECKS } from '../checks/index.ts';
import { evaluate } from '../core/engine.ts';
import { assessCollection, type CollectionAssessment } from '../core/fleet.ts';
import { isK8sKind, type K8sKind, type ReadKind } from '../core/kinds.ts';
import type { Check, ClusterSnapshot, Policy, ScanResult } from '../core/model.ts';

/**
 * The pieces of the scan pipeline (collect → evaluate → store) that the CLI and the
 * scan-cluster Lambda share, so both name scans, pick the kinds to read, evaluate and judge
 * a collection the same way.
 */

export { MAX_SCAN_ID_LENGTH, newScanId } from './scan-id.ts';

/** The kinds the registered checks declare they read: nothing more is collected. */
export function kindsToRead(checks: readonly Pick<Check, 'reads'>[] = CHECKS): ReadKind[] {
  return [...new Set(checks.flatMap((check) => check.reads))].sort();
}

/**
 * The Kubernetes kinds listed through the cluster's API server: whether any of them could be
 * read decides if a cluster counts as scanned (AWS API facts and opt-in node reads do not).
 */
export function apiKindsOf(kinds: readonly ReadKind[]): K8sKind[] {
  return kinds.filter((kind): kind is K8sKind => isK8sKind(kind));
}

/** Whether a collection read enough to be called scanned, and if not, why (see `assessCollection`). */
export function assessSnapshot(
  snapshot: Pick<ClusterSnapshot, 'gaps'>,
  kinds: readonly ReadKind[] = kindsToRead(),
): CollectionAssessment {
  return assessCollection(snapshot.gaps, apiKindsOf(kinds));
}

export interface EvaluateSnapshotInput {
  snapshot: ClusterSnapshot;
  policy: Policy;
  scanId: string;
  startedAt: Date;
  now: () => Date;
  checks?: readonly Check[];
}

/** Runs the registered checks (or `checks`) over a snapshot. */
export function evaluateSnapshot(input: EvaluateSnapshotInput): ScanResult {
  return evaluate({
    snapshot: input.snapshot,
    checks: input.checks ?? CHECKS,
    policy: input.policy,
    scanId: input.scanId,
    startedAt: input.startedAt.toISOString(),
    now: () => input.now().toISOString(),
  });
}
