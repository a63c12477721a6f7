import { groupBy } from './group-by.ts';
import type {
  AppliedWaiver,
  CheckSummary,
  Finding,
  FrameworkRef,
  ResourceRef,
  Responsibility,
  ScanResult,
  Severity,
  Status,
} from './model.ts';
import { SEVERITIES } from './model.ts';
import { rollUpStatus } from './scoring.ts';

/**
 * What changed between two scans of one cluster. Findings are matched on
 * (check, resource kind, namespace, name, field path): a new failure inside a check that was
 * already failing is still a new failure (kubescape#3268), and a failure that can no longer
 * be checked is "no longer evaluated", never "resolved" (kubescape PR#3275).
 *
 * Pure: no clock, no I/O; the same two results give the same diff.
 */

export const DIFF_CATEGORIES = [
  'newFailures',
  'resolved',
  'stillFailing',
  'noLongerEvaluated',
  'newlyWaived',
  'waiverExpired',
] as const;
export type DiffCategory = (typeof DIFF_CATEGORIES)[number];

/** How a resolved failure went away. */
export type Resolution =
  /** The resource is still there and now passes (with or without the same field path). */
  | 'passes'
  /** The check ran and found nothing to check on the resource. */
  | 'not_applicable'
  /** The check ran and no longer reports the resource or that field: it was removed or changed. */
  | 'gone';

/**
 * Why a waived failure fails again: the waiver expired, or it no longer covers the finding
 * (removed from the policy, or its scope changed).
 */
export type WaiverEnd = 'expired' | 'no_longer_applies';

export interface DiffEntry {
  /** `findingKey` of the finding: stable across scans. */
  key: string;
  checkId: string;
  /** The check's title in the current scan, else in the previous one. */
  title: string;
  severity: Severity;
  responsibility: Responsibility;
  frameworks: FrameworkRef[];
  resource: ResourceRef;
  path?: string;
  /** The current finding's message, or the previous one when there is no current finding. */
  message: string;
  /** Status in the previous scan; null when the key was not reported then. */
  previousStatus: Status | null;
  /** Status in the current scan; null when the key is not reported now. */
  status: Status | null;
  /** resolved: how. */
  resolution?: Resolution;
  /** noLongerEvaluated: why the check or the resource could not be evaluated now. */
  reason?: string;
  /** newlyWaived: the waiver now applied; waiverExpired: the waiver that applied before. */
  waiver?: AppliedWaiver;
  /** waiverExpired: whether the waiver expired or stopped applying. */
  waiverEnd?: WaiverEnd;
}

export interface ScanDiff {
  /** The scan compared with; null when there was none (the first scan of the cluster). */
  previous: { scanId: string; finishedAt: string } | null;
  counts: Record<DiffCategory, number>;
  /** Failing now, and not failing (or not reported, or waived) before. */
  newFailures: DiffEntry[];
  /** Failing or waived before; now passing, not applicable, or no longer reported by a check that ran. */
  resolved: DiffEntry[];
  /** Failing before and now. */
  stillFailing: DiffEntry[];
  /** Failing or waived before; now not evaluated, manual, or the check did not run. Never "resolved". */
  noLongerEvaluated: DiffEntry[];
  /** Waived now, and not waived before. */
  newlyWaived: DiffEntry[];
  /** Waived before and failing now. */
  waiverExpired: DiffEntry[];
}

/** The identity of a finding across scans: check, resource and field path. */
export function findingKey(finding: Pick<Finding, 'checkId' | 'resource' | 'path'>): string {
  const { resource } = finding;
  return JSON.stringify([
    finding.checkId,
    resource.kind,
    resource.namespace ?? '',
    resource.name,
    finding.path ?? '',
  ]);
}

function resourceKey(finding: Pick<Finding, 'checkId' | 'resource'>): string {
  const { resource } = finding;
  return JSON.stringify([finding.checkId, resource.kind, resource.namespace ?? '', resource.name]);
}

/** Statuses that say the check looked at the cluster and reached a verdict. */
const EVALUATED: ReadonlySet<Status> = new Set(['pass', 'fail', 'waived', 'not_applicable']);
/** A known problem: what a diff follows. */
const PROBLEM: ReadonlySet<Status> = new Set(['fail', 'waived']);

interface Keyed {
  /** The finding that speaks for the key: the first one with the key's rolled-up status. */
  finding: Finding;
  status: Status;
}

/**
 * One entry per key. A check may report the same key more than once (two messages about one
 * field); the key then takes the status that outranks the others, as a check's roll-up does.
 */
function byKey(findings: readonly Finding[]): Map<string, Keyed> {
  const keyed = new Map<string, Keyed>();
  for (const finding of findings) {
    const key = findingKey(finding);
    const seen = keyed.get(key);
    if (!seen) keyed.set(key, { finding, status: finding.status });
    else if (
      seen.status !== finding.status &&
      rollUpStatus([seen.status, finding.status]) === finding.status
    ) {
      keyed.set(key, { finding, status: finding.status });
    }
  }
  return keyed;
}

/** The current findings of each (check, resource), whatever their path. */
function byResource(findings: readonly Finding[]): Map<string, Finding[]> {
  return groupBy(findings, resourceKey);
}

function entry(
  key: string,
  before: Keyed | undefined,
  now: Keyed | undefined,
  titles: ReadonlyMap<string, string>,
): DiffEntry {
  // Metadata (severity, frameworks) comes from the current scan when the finding is there.
  const source = (now ?? before)?.finding as Finding;
  return {
    key,
    checkId: source.checkId,
    title: titles.get(source.checkId) ?? source.checkId,
    severity: source.severity,
    responsibility: source.responsibility,
    frameworks: source.frameworks.map((ref) => ({ ...ref })),
    resource: { ...source.resource },
    ...(source.path !== undefined ? { path: source.path } : {}),
    message: source.message,
    previousStatus: before?.status ?? null,
    status: now?.status ?? null,
  };
}

function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity);
  return rank === -1 ? SEVERITIES.length : rank;
}

function compareEntries(a: DiffEntry, b: DiffEntry): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/**
 * Compares the current scan with the previous scan of the same cluster (or with nothing).
 *
 * | before \ now       | fail           | waived       | pass, n/a, gone* | not_evaluated, manual, check not run |
 * | ------------------ | -------------- | ------------ | ---------------- | ------------------------------------ |
 * | fail               | stillFailing   | newlyWaived  | resolved         | noLongerEvaluated                    |
 * | waived             | waiverExpired  | —            | resolved         | noLongerEvaluated                    |
 * | anything else/none | newFailures    | newlyWaived  | —                | —                                    |
 *
 * *gone: the check ran (its status is pass, fail, waived or not applicable) and reports no
 * finding with the key. When the check did not run, could not read its data, or is no
 * longer in the catalog, a missing key is "no longer evaluated".
 */
export function diffResults(previous: ScanResult | undefined, current: ScanResult): ScanDiff {
  const lists: Record<DiffCategory, DiffEntry[]> = {
    newFailures: [],
    resolved: [],
    stillFailing: [],
    noLongerEvaluated: [],
    newlyWaived: [],
    waiverExpired: [],
  };
  if (previous) {
    const titles = new Map<string, string>();
    for (const check of previous.checks) titles.set(check.checkId, check.title);
    for (const check of current.checks) titles.set(check.checkId, check.title);
    const currentChecks = new Map<string, CheckSummary>(
      current.checks.map((check) => [check.checkId, check]),
    );
    const expiredWaivers = new Set(current.waivers.expired.map((waiver) => waiver.id));
    const before = byKey(previous.findings);
    const now = byKey(current.findings);
    // Needed only for keys that disappeared; built on first use.
    let nowByResource: Map<string, Finding[]> | undefined;

    for (const [key, then] of before) {
      if (!PROBLEM.has(then.status)) continue;
      const found = now.get(key);
      const base = () => entry(key, then, found, titles);
      if (found) {
        if (found.status === 'fail') {
          if (then.status === 'fail') lists.stillFailing.push(base());
          else {
            const waiver = then.finding.waiver;
            lists.waiverExpired.push({
              ...base(),
              ...(waiver ? { waiver: { ...waiver } } : {}),
              waiverEnd: waiver && expiredWaivers.has(waiver.id) ? 'expired' : 'no_longer_applies',
            });
          }
        } else if (found.status === 'waived') {
          if (then.status === 'fail') lists.newlyWaived.push(withWaiver(base(), found.finding));
        } else if (found.status === 'pass' || found.status === 'not_applicable') {
          lists.resolved.push({
            ...base(),
            resolution: found.status === 'pass' ? 'passes' : 'not_applicable',
          });
        } else {
          lists.noLongerEvaluated.push({ ...base(), reason: found.finding.message });
        }
        continue;
      }

      // The key is not reported now: resolved only if the check ran and reached a verdict.
      const check = currentChecks.get(then.finding.checkId);
      if (!check || !EVALUATED.has(check.status)) {
        lists.noLongerEvaluated.push({
          ...base(),
          reason: check
            ? (check.reason ?? `the check is ${check.status.replace('_', ' ')} in this scan`)
            : 'the check is not in this scan',
        });
        continue;
      }
      // Other findings on the same resource say whether it passes now or could not be checked.
      nowByResource ??= byResource(current.findings);
      const others = (nowByResource.get(resourceKey(then.finding)) ?? []).filter(
        (finding) => finding.status !== 'fail' && finding.status !== 'waived',
      );
      const other = others.length > 0 ? rollUpStatus(others.map((finding) => finding.status)) : null;
      if (other === 'not_evaluated' || other === 'manual' || other === 'inherited') {
        lists.noLongerEvaluated.push({
          ...base(),
          reason:
            others.find((finding) => finding.status === other)?.message ??
            `the resource is ${other.replace('_', ' ')} in this scan`,
        });
      } else {
        lists.resolved.push({
          ...base(),
          resolution: other === 'pass' ? 'passes' : other === 'not_applicable' ? 'not_applicable' : 'gone',
        });
      }
    }

    for (const [key, found] of now) {
      if (found.status !== 'fail' && found.status !== 'waived') continue;
      const then = before.get(key);
      if (then && PROBLEM.has(then.status)) continue; // handled above
      const base = entry(key, then, found, titles);
      if (found.status === 'fail') lists.newFailures.push(base);
      else lists.newlyWaived.push(withWaiver(base, found.finding));
    }
  }

  for (const category of DIFF_CATEGORIES) lists[category].sort(compareEntries);
  const counts = {} as Record<DiffCategory, number>;
  for (const category of DIFF_CATEGORIES) counts[category] = lists[category].length;
  return {
    previous: previous ? { scanId: previous.scanId, finishedAt: previous.finishedAt } : null,
    counts,
    ...lists,
  };
}

function withWaiver(base: DiffEntry, finding: Finding): DiffEntry {
  return finding.waiver ? { ...base, waiver: { ...finding.waiver } } : base;
}
