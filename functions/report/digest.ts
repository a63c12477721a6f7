import {
  type ClusterOutcome,
  countOutcomes,
  type FleetClusterEntry,
  type FleetManifest,
} from '../core/fleet.ts';
import type { Check, Severity } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { SEVERITY_LABELS } from './labels.ts';
import { formatTime, percentText } from './text.ts';

/**
 * The email digest of one fleet scan as plain data: a subject with the counts, the top new
 * failures since the previous fleet scan (by severity), the worst clusters, the clusters that
 * could not be scanned and why, and a link to the full report.
 *
 * Bounded whatever the size of the fleet: every list holds at most `maxItems` entries and
 * says how many more there are, and every untrusted string is capped. Pure: no clock, no I/O.
 *
 * Untrusted text (cluster names, account ids, regions, reasons — anything that came from a
 * manifest, i.e. from AWS or a cluster) is capped and has every control and
 * bidirectional-override character made visible here; the HTML template escapes it. The
 * subject is built from numbers and our own words only: no manifest string reaches it.
 *
 * "New" compares the check ids failing per cluster in the two manifests' summaries
 * (`summary.failingChecks`), so the digest reads no result. A check failing now on a
 * cluster that was not scanned (or not there) last time counts as new — it was not
 * reported then, as in `diffResults`. A cluster whose previous summary lacks
 * `failingChecks` (an older manifest) is not compared.
 */

/** The catalog metadata the digest prints for a check; a `Check` satisfies it. */
export type DigestCheckInfo = Pick<Check, 'id' | 'title' | 'severity'>;

export interface DigestOptions {
  /** The manifest of the fleet scan before this one; without it nothing is "new". */
  previousManifest?: FleetManifest;
  /** The full fleet report; printed only when it is an https URL. */
  reportUrl?: string;
  /** Entries in each list; the rest are counted ("and N more"). */
  maxItems: number;
  /** Titles and severities of the checks; an unknown check id is printed as itself. */
  checks?: readonly DigestCheckInfo[];
  /** Longest untrusted string printed (reasons); names are capped at a third of it. Default 300. */
  maxStringLength?: number;
}

/** Cluster names listed per failing check; the rest are counted. */
const NAMES_PER_FAILURE = 3;
const DEFAULT_MAX_STRING = 300;

/** Inline colours (the HTML may use no stylesheet), from closed vocabularies only. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#b91c1c',
  medium: '#b45309',
  low: '#1d4ed8',
  info: '#4b5563',
};
const UNKNOWN_COLOR = '#4b5563';

export const DIGEST_OUTCOME_LABELS: Record<Exclude<ClusterOutcome, 'scanned'>, string> = {
  unreachable: 'Unreachable',
  forbidden: 'Forbidden',
  error: 'Failed',
};

export interface DigestFailureItem {
  checkId: string;
  title: string;
  severityLabel: string;
  severityColor: string;
  /** Clusters in which the check (newly) fails. */
  clusters: number;
  clustersText: string;
  /** A few of those clusters' names, joined; `and N more` counts the rest. */
  clusterNames: string;
}

export interface DigestClusterItem {
  rank: number;
  name: string;
  accountId: string;
  region: string;
  critical: number;
  high: number;
  failing: number;
  complianceText: string;
}

export interface DigestUnscannedItem {
  name: string;
  accountId: string;
  region: string;
  outcomeLabel: string;
  reason: string;
}

export interface DigestList<T> {
  items: T[];
  /** Entries left out. */
  more: number;
  /** `and 12 more`, or null when nothing was left out. */
  moreText: string | null;
}

export interface DigestView {
  /** Numbers and our own words only. */
  subject: string;
  /** One sentence of the same counts, for the top of the message. */
  headline: string;
  scanId: string;
  finishedAtText: string;
  /** The previous scan's id, or null when there was none to compare with. */
  previousScanId: string | null;
  reportUrl: string | null;
  totals: {
    clusters: number;
    scanned: number;
    unreachable: number;
    forbidden: number;
    error: number;
    /** Accounts and regions discovery could not enumerate. */
    skipped: number;
    /** Failing critical and high checks summed over the clusters. */
    criticalHigh: number;
    /** (cluster, check) pairs failing now and not before; null without a previous scan. */
    newFailures: number | null;
  };
  /** New failures when compared, else the checks failing in the most clusters. */
  failures: DigestList<DigestFailureItem> & { heading: string; emptyText: string };
  worstClusters: DigestList<DigestClusterItem>;
  unscanned: DigestList<DigestUnscannedItem>;
}

// C0/C1 controls (newlines and tabs too: no name or reason needs them in an email) and the
// characters that reorder text (Trojan Source).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function capTo(max: number): (value: unknown) => string {
  return (value) => {
    const raw =
      typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
    const text = raw.replace(
      INVISIBLE,
      (char) => `\\u{${char.codePointAt(0)?.toString(16).padStart(4, '0')}}`,
    );
    return text.length <= max ? text : `${text.slice(0, max)}…`;
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function moreText(more: number): string | null {
  return more > 0 ? `and ${more} more` : null;
}

function listOf<T>(items: T[], total: number): DigestList<T> {
  const more = total - items.length;
  return { items, more, moreText: moreText(more) };
}

function isHttpsUrl(text: string | undefined): text is string {
  if (text === undefined || !URL.canParse(text)) return false;
  return new URL(text).protocol === 'https:';
}

const SEVERITY_RANK = new Map<Severity, number>(SEVERITIES.map((severity, index) => [severity, index]));

/** Check ids failing on the cluster in a manifest, or undefined when they are not known. */
function failingOf(entry: FleetClusterEntry): readonly string[] | undefined {
  return entry.outcome === 'scanned' ? entry.summary?.failingChecks : undefined;
}

interface Tally {
  checkId: string;
  clusters: number;
  names: string[];
}

function criticalHighOf(entry: FleetClusterEntry): number {
  const failing = entry.summary?.failingBySeverity;
  return (failing?.critical ?? 0) + (failing?.high ?? 0);
}

function failingTotalOf(entry: FleetClusterEntry): number {
  const failing = entry.summary?.failingBySeverity;
  if (failing === undefined) return 0;
  return SEVERITIES.reduce((sum, severity) => sum + (failing[severity] ?? 0), 0);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildDigest(manifest: FleetManifest, options: DigestOptions): DigestView {
  const maxItems = Math.max(0, Math.floor(options.maxItems));
  const maxString = options.maxStringLength ?? DEFAULT_MAX_STRING;
  const capReason = capTo(maxString);
  const capName = capTo(Math.max(20, Math.floor(maxString / 3)));
  const capId = capTo(64);
  const checks = new Map((options.checks ?? []).map((check) => [check.id, check] as const));
  const previous = options.previousManifest;
  const previousByKey = new Map(
    (previous?.clusters ?? []).map((entry) => [entry.clusterKey, entry] as const),
  );

  // Failing checks tallied across the fleet: newly failing ones when there is a previous scan.
  const tallies = new Map<string, Tally>();
  let newFailures = 0;
  let criticalHigh = 0;
  for (const entry of manifest.clusters) {
    if (entry.outcome !== 'scanned') continue;
    criticalHigh += criticalHighOf(entry);
    const failing = failingOf(entry);
    if (failing === undefined) continue;
    let before: ReadonlySet<string> = new Set();
    if (previous !== undefined) {
      const earlier = previousByKey.get(entry.clusterKey);
      if (earlier?.outcome === 'scanned') {
        const earlierFailing = failingOf(earlier);
        if (earlierFailing === undefined) continue; // not comparable
        before = new Set(earlierFailing);
      }
    }
    for (const checkId of new Set(failing)) {
      if (before.has(checkId)) continue;
      newFailures += 1;
      const tally = tallies.get(checkId) ?? { checkId, clusters: 0, names: [] };
      tally.clusters += 1;
      if (tally.names.length < NAMES_PER_FAILURE) tally.names.push(capName(entry.cluster.name));
      tallies.set(checkId, tally);
    }
  }
  const severityOf = (checkId: string): Severity | undefined => checks.get(checkId)?.severity;
  const rankOf = (checkId: string): number => {
    const severity = severityOf(checkId);
    return severity === undefined ? SEVERITIES.length : (SEVERITY_RANK.get(severity) ?? SEVERITIES.length);
  };
  const orderedTallies = [...tallies.values()].sort(
    (a, b) => rankOf(a.checkId) - rankOf(b.checkId) || b.clusters - a.clusters || byKey(a.checkId, b.checkId),
  );
  const failureItems = orderedTallies.slice(0, maxItems).map((tally): DigestFailureItem => {
    const severity = severityOf(tally.checkId);
    const unnamed = tally.clusters - tally.names.length;
    return {
      checkId: capId(tally.checkId),
      title: capReason(checks.get(tally.checkId)?.title ?? tally.checkId),
      severityLabel: severity === undefined ? 'Unknown' : SEVERITY_LABELS[severity],
      severityColor: severity === undefined ? UNKNOWN_COLOR : SEVERITY_COLORS[severity],
      clusters: tally.clusters,
      clustersText: plural(tally.clusters, 'cluster'),
      clusterNames: tally.names.join(', ') + (unnamed > 0 ? ` and ${unnamed} more` : ''),
    };
  });

  // Worst clusters: most failing critical and high checks, then lowest compliance.
  const worst = manifest.clusters
    .filter((entry) => entry.outcome === 'scanned' && failingTotalOf(entry) > 0)
    .sort((a, b) => {
      const ca = a.summary?.overall.compliance ?? null;
      const cb = b.summary?.overall.compliance ?? null;
      const byCompliance = ca === cb ? 0 : ca === null ? 1 : cb === null ? -1 : ca - cb;
      return (
        criticalHighOf(b) - criticalHighOf(a) ||
        byCompliance ||
        failingTotalOf(b) - failingTotalOf(a) ||
        byKey(a.clusterKey, b.clusterKey)
      );
    });
  const worstItems = worst.slice(0, maxItems).map(
    (entry, index): DigestClusterItem => ({
      rank: index + 1,
      name: capName(entry.cluster.name),
      accountId: capId(entry.cluster.accountId),
      region: capId(entry.cluster.region),
      critical: entry.summary?.failingBySeverity.critical ?? 0,
      high: entry.summary?.failingBySeverity.high ?? 0,
      failing: failingTotalOf(entry),
      complianceText: percentText(entry.summary?.overall.compliance ?? null),
    }),
  );

  // Unreachable, forbidden and failed clusters, in that order, each by key.
  const unscannedOrder: Record<ClusterOutcome, number> = {
    unreachable: 0,
    forbidden: 1,
    error: 2,
    scanned: 3,
  };
  const unscanned = manifest.clusters
    .filter((entry) => entry.outcome !== 'scanned' && Object.hasOwn(DIGEST_OUTCOME_LABELS, entry.outcome))
    .sort(
      (a, b) => unscannedOrder[a.outcome] - unscannedOrder[b.outcome] || byKey(a.clusterKey, b.clusterKey),
    );
  const unscannedItems = unscanned.slice(0, maxItems).map(
    (entry): DigestUnscannedItem => ({
      name: capName(entry.cluster.name),
      accountId: capId(entry.cluster.accountId),
      region: capId(entry.cluster.region),
      outcomeLabel: DIGEST_OUTCOME_LABELS[entry.outcome as Exclude<ClusterOutcome, 'scanned'>],
      reason: entry.reason === undefined ? 'no reason was recorded' : capReason(entry.reason),
    }),
  );

  const outcomes = countOutcomes(manifest.clusters);
  const compared = previous !== undefined;
  const parts = [
    plural(manifest.clusters.length, 'cluster'),
    `${criticalHigh} critical/high failing`,
    ...(compared ? [`+${newFailures} new since the previous scan`] : []),
    ...(outcomes.unreachable > 0 ? [`${outcomes.unreachable} unreachable`] : []),
    ...(outcomes.forbidden > 0 ? [`${outcomes.forbidden} forbidden`] : []),
    ...(outcomes.error > 0 ? [`${outcomes.error} failed`] : []),
  ];

  return {
    subject: `Watchkeeper: ${parts.join(', ')}`,
    headline: `${parts.join(', ')}.`,
    scanId: capId(manifest.scanId),
    finishedAtText: formatTime(manifest.finishedAt, capId),
    previousScanId: previous === undefined ? null : capId(previous.scanId),
    reportUrl: isHttpsUrl(options.reportUrl) ? options.reportUrl : null,
    totals: {
      clusters: manifest.clusters.length,
      scanned: outcomes.scanned,
      unreachable: outcomes.unreachable,
      forbidden: outcomes.forbidden,
      error: outcomes.error,
      skipped: manifest.skipped.length,
      criticalHigh,
      newFailures: compared ? newFailures : null,
    },
    failures: {
      heading: compared ? 'New failures since the previous scan' : 'Top failing checks',
      emptyText: compared
        ? 'No check fails that did not fail in the previous scan.'
        : 'No check fails (there is no previous scan to compare with).',
      ...listOf(failureItems, orderedTallies.length),
    },
    worstClusters: listOf(worstItems, worst.length),
    unscanned: listOf(unscannedItems, unscanned.length),
  };
}
