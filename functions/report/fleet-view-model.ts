import {
  CLUSTER_OUTCOMES,
  type ClusterOutcome,
  countOutcomes,
  type FleetClusterEntry,
  type FleetManifest,
  type FleetTrendPoint,
  meanCompliance,
  trendPointOf,
} from '../core/fleet.ts';
import type { Check, Severity } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { buildHeatMap, type HeatMapView } from './fleet-heatmap.ts';
import { buildTrend, DEFAULT_MAX_TREND_POINTS, type TrendView } from './fleet-trend.ts';
import { SEVERITY_LABELS } from './labels.ts';
import {
  barWidth,
  capper,
  EMPTY,
  finiteOrNull,
  formatDuration,
  formatTime,
  percentText,
  severityClass,
  type Tone,
  toneClass,
  toneOf,
} from './text.ts';

export { EMPTY, type Tone } from './text.ts';

/**
 * The fleet report as plain data: every cluster of one fleet scan with its outcome and
 * scores, a clusters × check areas heat map, the trend over the last fleet scans, the worst
 * clusters, the checks failing most often across the fleet, the clusters that could not be
 * scanned and why, and the accounts and regions discovery skipped.
 * Ordered, counted, formatted and capped here, so the templates stay logic-free; absent
 * values are `null`.
 *
 * Cluster names, reasons and skip reasons came from AWS and the clusters: they are
 * untrusted, so they are length-capped and have control and bidirectional-override
 * characters made visible here, and the templates HTML-escape them.
 */

/** The catalog metadata the fleet report prints for a check; a `Check` satisfies it. */
export type FleetCheckInfo = Pick<Check, 'id' | 'title' | 'severity'>;

export interface FleetReportOptions {
  /** Cluster rows in the table; the rest are counted (manifest.json holds them all). Default 2,000. */
  maxClusters?: number;
  /** Clusters in "worst clusters". Default 10. */
  maxWorst?: number;
  /** Checks in "most common failing checks". Default 10. */
  maxCommonFailing?: number;
  /** Longest untrusted string printed. Default 500. */
  maxStringLength?: number;
  /** Rows of the heat map, worst clusters first; the rest are counted. Default 50. */
  maxHeatRows?: number;
  /**
   * Earlier fleet scans for the trend (`readFleetHistory`), in any order; this scan is added
   * from the manifest. Without them the trend has one point.
   */
  history?: readonly FleetTrendPoint[];
  /** Scans in the trend, this one included. Default 30. */
  maxTrendPoints?: number;
}

export const DEFAULT_FLEET_LIMITS = {
  maxClusters: 2000,
  maxWorst: 10,
  maxCommonFailing: 10,
  maxStringLength: 500,
  maxHeatRows: 50,
  maxTrendPoints: DEFAULT_MAX_TREND_POINTS,
} as const satisfies Required<Omit<FleetReportOptions, 'history'>>;

export const OUTCOME_LABELS: Record<ClusterOutcome, string> = {
  scanned: 'Scanned',
  unreachable: 'Unreachable',
  forbidden: 'Forbidden',
  error: 'Error',
};

export interface OutcomeCountView {
  outcome: ClusterOutcome;
  label: string;
  count: number;
  /** `oc-scanned` …: a CSS class from the closed vocabulary. */
  outcomeClass: string;
}

export interface SeverityCountView {
  severity: Severity;
  label: string;
  count: number;
  severityClass: string;
}

export interface ClusterRowView {
  name: string;
  accountId: string;
  region: string;
  arn: string | null;
  outcome: ClusterOutcome;
  outcomeLabel: string;
  outcomeClass: string;
  reason: string | null;
  compliance: number | null;
  complianceText: string;
  coverageText: string;
  tone: Tone;
  toneClass: string;
  /** A CSS width (`87.5%`) for the compliance bar. */
  barWidth: string;
  failing: SeverityCountView[];
  failingTotal: number;
  gaps: number | null;
  /** The gap count, or `—` when the cluster has no result. */
  gapsText: string;
  resultKey: string | null;
}

export interface CommonFailingView {
  checkId: string;
  title: string;
  severity: Severity | null;
  severityLabel: string;
  severityClass: string;
  /** Clusters in which the check failed. */
  clusters: number;
  /** Share of the scanned clusters, e.g. `40%`. */
  shareText: string;
}

export interface SkipView {
  accountId: string;
  region: string;
  reason: string;
}

export interface FleetReportView {
  title: string;
  scan: { scanId: string; startedAt: string; finishedAt: string; duration: string };
  totals: {
    clusters: number;
    accounts: number;
    regions: number;
    skipped: number;
    /** Mean compliance of the scanned clusters that have a score. */
    complianceText: string;
    tone: Tone;
    toneClass: string;
    barWidth: string;
    scoredClusters: number;
  };
  outcomes: OutcomeCountView[];
  failingBySeverity: SeverityCountView[];
  heatMap: HeatMapView;
  trend: TrendView;
  clusters: ClusterRowView[];
  /** Clusters beyond `maxClusters`, not listed in the table. */
  moreClusters: number;
  worst: ClusterRowView[];
  commonFailing: CommonFailingView[];
  /** Unreachable, forbidden and error clusters, with the reason. */
  notScanned: ClusterRowView[];
  skipped: SkipView[];
  limits: { maxClusters: number; maxStringLength: number };
}

const isOutcome = (value: unknown): value is ClusterOutcome =>
  typeof value === 'string' && (CLUSTER_OUTCOMES as readonly string[]).includes(value);

const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function rowOf(entry: FleetClusterEntry, cap: (value: unknown) => string): ClusterRowView {
  const outcome = isOutcome(entry.outcome) ? entry.outcome : 'error';
  const summary = entry.summary;
  const compliance = finiteOrNull(summary?.overall?.compliance);
  const coverage = finiteOrNull(summary?.overall?.coverage);
  const failing = SEVERITIES.filter((severity) => severity !== 'info').map((severity) => ({
    severity,
    label: SEVERITY_LABELS[severity],
    count: finiteOrNull(summary?.failingBySeverity?.[severity]) ?? 0,
    severityClass: severityClass(severity),
  }));
  const tone = toneOf(compliance);
  return {
    name: cap(entry.cluster.name),
    accountId: cap(entry.cluster.accountId ?? EMPTY),
    region: cap(entry.cluster.region ?? EMPTY),
    arn: entry.cluster.arn === undefined ? null : cap(entry.cluster.arn),
    outcome,
    outcomeLabel: OUTCOME_LABELS[outcome],
    outcomeClass: `oc-${outcome}`,
    reason: entry.reason === undefined ? null : cap(entry.reason),
    compliance,
    complianceText: percentText(compliance),
    coverageText: percentText(coverage),
    tone,
    toneClass: toneClass(tone),
    barWidth: barWidth(compliance),
    failing,
    failingTotal: SEVERITIES.reduce(
      (sum, severity) => sum + (finiteOrNull(summary?.failingBySeverity?.[severity]) ?? 0),
      0,
    ),
    gaps: finiteOrNull(summary?.gaps),
    gapsText: String(finiteOrNull(summary?.gaps) ?? EMPTY),
    resultKey: entry.resultKey === undefined ? null : cap(entry.resultKey),
  };
}

/** Worst first: lowest compliance, then the most critical, then high, … failing checks. */
function worseFirst(a: ClusterRowView, b: ClusterRowView): number {
  const byCompliance = (a.compliance ?? 101) - (b.compliance ?? 101);
  if (byCompliance !== 0) return byCompliance;
  for (let index = 0; index < a.failing.length; index++) {
    const diff = (b.failing[index]?.count ?? 0) - (a.failing[index]?.count ?? 0);
    if (diff !== 0) return diff;
  }
  return compare(a.accountId, b.accountId) || compare(a.region, b.region) || compare(a.name, b.name);
}

/**
 * The heat map: worst scanned clusters on top (as in "worst clusters"), then the clusters
 * with no data, in table order. `rows[i]` is the row of `entries[i]`.
 */
function heatMapOf(
  entries: readonly FleetClusterEntry[],
  rows: readonly ClusterRowView[],
  maxRows: number,
): HeatMapView {
  // The areas are passed as stored: the heat map checks them (a manifest is not ours to trust).
  const inputs = rows.map((row, index) => ({ row, areas: entries[index]?.summary?.areas }));
  const scanned = inputs
    .filter(({ row }) => row.outcome === 'scanned')
    .sort((a, b) => worseFirst(a.row, b.row));
  const others = inputs.filter(({ row }) => row.outcome !== 'scanned');
  return buildHeatMap(
    [...scanned, ...others].map(({ row, areas }) => ({ ...row, areas })),
    maxRows,
  );
}

/**
 * Builds the fleet view of one manifest. Pure: the same manifest and catalog give the same
 * view. `checks` supplies titles and severities of failing checks; an id missing from it is
 * still listed, by id.
 */
export function buildFleetReportView(
  manifest: FleetManifest,
  checks: readonly FleetCheckInfo[],
  options: FleetReportOptions = {},
): FleetReportView {
  const limits = { ...DEFAULT_FLEET_LIMITS, ...options };
  const cap = capper(limits.maxStringLength, '');
  const catalog = new Map(checks.map((check) => [check.id, check]));

  const entries = [...manifest.clusters].sort(
    (a, b) =>
      compare(a.cluster.accountId ?? '', b.cluster.accountId ?? '') ||
      compare(a.cluster.region ?? '', b.cluster.region ?? '') ||
      compare(a.cluster.name, b.cluster.name),
  );
  const rows = entries.map((entry) => rowOf(entry, cap));
  const scanned = entries.filter((entry) => entry.outcome === 'scanned');
  const scannedRows = rows.filter((row) => row.outcome === 'scanned');

  const counts = countOutcomes(entries);
  const scores = scannedRows.map((row) => row.compliance).filter((value): value is number => value !== null);
  const mean = meanCompliance(entries);
  const fleetTone = toneOf(mean);

  const failingBySeverity = SEVERITIES.map((severity) => ({
    severity,
    label: SEVERITY_LABELS[severity],
    count: scanned.reduce(
      (sum, entry) => sum + (finiteOrNull(entry.summary?.failingBySeverity?.[severity]) ?? 0),
      0,
    ),
    severityClass: severityClass(severity),
  }));

  const failingCounts = new Map<string, number>();
  for (const entry of scanned) {
    for (const checkId of new Set(entry.summary?.failingChecks ?? [])) {
      failingCounts.set(checkId, (failingCounts.get(checkId) ?? 0) + 1);
    }
  }
  const severityRank = (id: string): number => {
    const severity = catalog.get(id)?.severity;
    return severity === undefined ? SEVERITIES.length : SEVERITIES.indexOf(severity);
  };
  const commonFailing = [...failingCounts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || severityRank(a) - severityRank(b) || compare(a, b))
    .slice(0, limits.maxCommonFailing)
    .map(([checkId, clusters]): CommonFailingView => {
      const info = catalog.get(checkId);
      const severity = isSeverity(info?.severity) ? info.severity : null;
      return {
        checkId: cap(checkId),
        title: cap(info?.title ?? checkId),
        severity,
        severityLabel: severity === null ? EMPTY : SEVERITY_LABELS[severity],
        severityClass: severityClass(severity),
        clusters,
        shareText: percentText(Math.round((clusters / Math.max(1, scanned.length)) * 1000) / 10),
      };
    });

  const skipped = [...manifest.skipped]
    .sort((a, b) => compare(a.accountId, b.accountId) || compare(a.region ?? '', b.region ?? ''))
    .map((skip) => ({
      accountId: cap(skip.accountId),
      region: skip.region === undefined ? 'all regions' : cap(skip.region),
      reason: cap(skip.reason),
    }));

  return {
    title: `Watchkeeper fleet report — ${cap(manifest.scanId)}`,
    scan: {
      scanId: cap(manifest.scanId),
      startedAt: formatTime(manifest.startedAt, cap),
      finishedAt: formatTime(manifest.finishedAt, cap),
      duration: formatDuration(manifest.startedAt, manifest.finishedAt),
    },
    totals: {
      clusters: entries.length,
      accounts: new Set(entries.map((entry) => entry.cluster.accountId ?? '')).size,
      regions: new Set(entries.map((entry) => entry.cluster.region ?? '')).size,
      skipped: manifest.skipped.length,
      complianceText: percentText(mean),
      tone: fleetTone,
      toneClass: toneClass(fleetTone),
      barWidth: barWidth(mean),
      scoredClusters: scores.length,
    },
    outcomes: CLUSTER_OUTCOMES.map((outcome) => ({
      outcome,
      label: OUTCOME_LABELS[outcome],
      count: counts[outcome],
      outcomeClass: `oc-${outcome}`,
    })),
    failingBySeverity,
    heatMap: heatMapOf(entries, rows, limits.maxHeatRows),
    trend: buildTrend([...(options.history ?? []), trendPointOf(manifest)], cap, limits.maxTrendPoints),
    clusters: rows.slice(0, limits.maxClusters),
    moreClusters: Math.max(0, rows.length - limits.maxClusters),
    worst: [...scannedRows].sort(worseFirst).slice(0, limits.maxWorst),
    commonFailing,
    notScanned: rows.filter((row) => row.outcome !== 'scanned').slice(0, limits.maxClusters),
    skipped,
    limits: { maxClusters: limits.maxClusters, maxStringLength: limits.maxStringLength },
  };
}
