import type { CheckSummary, ClusterRef, Gap, GapReason, ScanResult, Score, Severity } from './model.ts';
import { SEVERITIES } from './model.ts';

/** How one cluster of a fleet scan ended. */
export const CLUSTER_OUTCOMES = ['scanned', 'unreachable', 'forbidden', 'error'] as const;
export type ClusterOutcome = (typeof CLUSTER_OUTCOMES)[number];

/**
 * The check areas, in report order: the folders of the check catalog (`functions/checks/<area>/`),
 * each with its own list in the registry. The fleet report's heat map has one column per area.
 */
export const CHECK_AREAS = [
  'eks',
  'nodes',
  'rbac',
  'pods',
  'images',
  'workloads',
  'network',
  'namespaces',
] as const;
export type CheckArea = (typeof CHECK_AREAS)[number];

/** How one area's checks came out on one cluster (check-level statuses, not findings). */
export interface AreaSummary {
  failing: number;
  /** The most severe failing check's severity; absent when nothing failed. */
  worstSeverity?: Severity;
  passed: number;
  /** Checks the data for which could not be read: never counted as passed. */
  notEvaluated: number;
}

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
    /** Ids of the checks that failed, sorted: the fleet report counts them across clusters. */
    failingChecks?: string[];
    /**
     * Per check area, for the fleet heat map. Absent in entries written before it was kept
     * (the report shows those as "no data"), and for a check the area map does not know.
     */
    areas?: Partial<Record<CheckArea, AreaSummary>>;
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

/** The Kubernetes group and ClusterRole the scanner is onboarded with (deploy/cluster-rbac.yaml). */
export const SCANNER_GROUP = 'watchkeeper-readers';
export const SCANNER_CLUSTER_ROLE = 'watchkeeper-reader';

/** How a cluster's collection went, from the gaps of what was asked for. */
export interface CollectionAssessment {
  outcome: ClusterOutcome;
  /** Why it was not scanned, or which kinds are missing from a scan that went ahead. */
  reason?: string;
}

const REFUSED: readonly GapReason[] = ['forbidden', 'unauthorized'];
const OUT_OF_REACH: readonly GapReason[] = ['unreachable', 'timeout'];
/** Kind names listed per reason in a partial-gap summary; the rest are counted. */
const MAX_KINDS_NAMED = 6;

const onboarding = (reason: 'forbidden' | 'unauthorized'): string =>
  reason === 'unauthorized'
    ? 'the API server does not recognise the scanner identity: give the scanner role an EKS access entry ' +
      `(type STANDARD, Kubernetes group ${SCANNER_GROUP}, no access policy) and apply deploy/cluster-rbac.yaml ` +
      `(ClusterRole ${SCANNER_CLUSTER_ROLE} bound to that group); see docs/deploy.md`
    : `the scanner identity authenticates but may not read: bind the Kubernetes group ${SCANNER_GROUP} of its ` +
      `access entry to the ClusterRole ${SCANNER_CLUSTER_ROLE} (kubectl apply -f deploy/cluster-rbac.yaml); see docs/deploy.md`;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `2 kinds forbidden: clusterroles, clusterrolebindings; 1 kind timeout: pods`. */
export function describeGaps(gaps: readonly Gap[]): string {
  const byReason = new Map<GapReason, string[]>();
  for (const gap of gaps) {
    const kinds = byReason.get(gap.reason) ?? [];
    if (!kinds.includes(gap.kind)) kinds.push(gap.kind);
    byReason.set(gap.reason, kinds);
  }
  return [...byReason.entries()]
    .map(([reason, kinds]) => {
      const named = kinds.slice(0, MAX_KINDS_NAMED).join(', ');
      const more = kinds.length > MAX_KINDS_NAMED ? ` and ${kinds.length - MAX_KINDS_NAMED} more` : '';
      return `${plural(kinds.length, 'kind')} ${reason.replace('_', ' ')}: ${named}${more}`;
    })
    .join('; ');
}

/**
 * Sorts a cluster into an outcome from the gaps of one collection. `apiKinds` are the
 * Kubernetes kinds that were asked for: only when every one of them failed is the cluster
 * not `scanned`, and then the failures say why:
 * - all refused (401/403) → `forbidden`, with how to onboard the scanner;
 * - all out of reach (network, TLS, timeouts) → `unreachable`;
 * - any other mix → `error`.
 * Otherwise the cluster is `scanned`, and the reason (if any) lists the kinds that failed,
 * so a partial read is never shown as a clean one (`not_collected` kinds were not asked for).
 */
export function assessCollection(gaps: readonly Gap[], apiKinds: readonly string[]): CollectionAssessment {
  const wanted = new Set(apiKinds);
  const apiGaps = new Map<string, Gap>();
  for (const gap of gaps) if (wanted.has(gap.kind) && !apiGaps.has(gap.kind)) apiGaps.set(gap.kind, gap);

  if (wanted.size > 0 && apiGaps.size === wanted.size) {
    const failed = [...apiGaps.values()];
    const first = failed[0]?.message ?? '';
    if (failed.every((gap) => REFUSED.includes(gap.reason))) {
      const reason = failed.some((gap) => gap.reason === 'unauthorized') ? 'unauthorized' : 'forbidden';
      return {
        outcome: 'forbidden',
        reason: `every Kubernetes kind was refused (${describeGaps(failed)}): ${onboarding(reason)}. First refusal: ${first}`,
      };
    }
    if (failed.every((gap) => OUT_OF_REACH.includes(gap.reason))) {
      return { outcome: 'unreachable', reason: `the Kubernetes API could not be reached: ${first}` };
    }
    return {
      outcome: 'error',
      reason: `no Kubernetes kind could be read (${describeGaps(failed)}). First failure: ${first}`,
    };
  }
  // Kinds left out by configuration (an opt-in read, a source without AWS facts) are no failure.
  const failed = gaps.filter((gap) => gap.reason !== 'not_collected');
  if (failed.length === 0) return { outcome: 'scanned' };
  const refusedKinds = failed.filter((gap) => wanted.has(gap.kind) && REFUSED.includes(gap.reason));
  const hint =
    refusedKinds.length > 0
      ? ` (give the ClusterRole ${SCANNER_CLUSTER_ROLE} get/list on them: kubectl apply -f deploy/cluster-rbac.yaml)`
      : '';
  return { outcome: 'scanned', reason: `partly read: ${describeGaps(failed)}${hint}` };
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Failing, passed and not-evaluated checks per area; checks `areaOf` does not place are left out. */
export function areaSummariesOf(
  checks: readonly Pick<CheckSummary, 'checkId' | 'status' | 'severity'>[],
  areaOf: (checkId: string) => CheckArea | undefined,
): Partial<Record<CheckArea, AreaSummary>> {
  const areas: Partial<Record<CheckArea, AreaSummary>> = {};
  for (const check of checks) {
    const area = areaOf(check.checkId);
    if (area === undefined) continue;
    const summary = areas[area] ?? { failing: 0, passed: 0, notEvaluated: 0 };
    areas[area] = summary;
    if (check.status === 'fail') {
      summary.failing += 1;
      const worst = summary.worstSeverity;
      if (worst === undefined || SEVERITIES.indexOf(check.severity) < SEVERITIES.indexOf(worst)) {
        summary.worstSeverity = check.severity;
      }
    } else if (check.status === 'pass') summary.passed += 1;
    else if (check.status === 'not_evaluated') summary.notEvaluated += 1;
  }
  return areas;
}

/**
 * The part of a result a fleet view ranks clusters by, so it never needs the whole result.
 * `areaOf` places each check in its area (the registry knows: `functions/scan/check-areas.ts`);
 * without it the summary has no per-area counts.
 */
export function summaryOf(
  result: ScanResult,
  areaOf?: (checkId: string) => CheckArea | undefined,
): NonNullable<FleetClusterEntry['summary']> {
  const failingBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<
    Severity,
    number
  >;
  const failing = result.checks.filter((check) => check.status === 'fail');
  for (const check of failing) failingBySeverity[check.severity] += 1;
  return {
    overall: result.scores.overall,
    failingBySeverity,
    gaps: result.gaps.length,
    failingChecks: failing.map((check) => check.checkId).sort(compareIds),
    ...(areaOf === undefined ? {} : { areas: areaSummariesOf(result.checks, areaOf) }),
  };
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Mean compliance of the scanned clusters that have a score, to 0.1; null when none has one. */
export function meanCompliance(entries: readonly FleetClusterEntry[]): number | null {
  const scores = entries
    .filter((entry) => entry.outcome === 'scanned')
    .map((entry) => finite(entry.summary?.overall?.compliance))
    .filter((value): value is number => value !== undefined);
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10;
}

/** One fleet scan reduced to what the trend draws: small, whatever the size of the fleet. */
export interface FleetTrendPoint {
  scanId: string;
  finishedAt: string;
  clusters: number;
  scanned: number;
  /** Mean compliance of the scanned clusters (`meanCompliance`). */
  compliance: number | null;
  /** Failing checks summed over the scanned clusters, by severity. */
  failingBySeverity: Record<Severity, number>;
}

export function trendPointOf(manifest: FleetManifest): FleetTrendPoint {
  const failingBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<
    Severity,
    number
  >;
  const scanned = manifest.clusters.filter((entry) => entry.outcome === 'scanned');
  for (const entry of scanned) {
    for (const severity of SEVERITIES) {
      failingBySeverity[severity] += finite(entry.summary?.failingBySeverity?.[severity]) ?? 0;
    }
  }
  return {
    scanId: manifest.scanId,
    finishedAt: manifest.finishedAt,
    clusters: manifest.clusters.length,
    scanned: scanned.length,
    compliance: meanCompliance(manifest.clusters),
    failingBySeverity,
  };
}

/** Clusters per outcome. */
export function countOutcomes(
  entries: readonly Pick<FleetClusterEntry, 'outcome'>[],
): Record<ClusterOutcome, number> {
  const counts = Object.fromEntries(CLUSTER_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    ClusterOutcome,
    number
  >;
  for (const entry of entries) {
    if (Object.hasOwn(counts, entry.outcome)) counts[entry.outcome] += 1;
  }
  return counts;
}
