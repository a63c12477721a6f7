import type { DiffCategory, DiffEntry, ScanDiff } from '../core/diff.ts';
import type {
  Check,
  CheckSummary,
  Finding,
  FrameworkRef,
  Responsibility,
  ScanResult,
  Score,
  Severity,
  Status,
  Waiver,
} from '../core/model.ts';
import { RESPONSIBILITIES, SEVERITIES, STATUSES } from '../core/model.ts';
import { SCORING_RULES } from '../core/scoring.ts';
import { diffCountsText } from './changes.ts';
import { frameworkLabel, SEVERITY_LABELS, STATUS_LABELS } from './labels.ts';
import {
  capper,
  EMPTY,
  finiteOrNull,
  formatDuration,
  formatTime,
  percentText,
  type Tone,
  toneOf,
} from './text.ts';

export { SEVERITY_LABELS, STATUS_LABELS } from './labels.ts';
export { EMPTY, type Tone } from './text.ts';

/**
 * The single-cluster report as plain data: everything the templates print, already
 * ordered, counted, formatted and capped, so the templates stay logic-free. Absent values
 * are `null` (never `undefined`), so the view survives JSON and strict templates.
 *
 * Strings that came from a cluster (names, messages, paths, evidence, reasons) are
 * untrusted: they are length-capped and have control and bidirectional-override
 * characters made visible here, and the templates HTML-escape them.
 */

/** The catalog metadata the report prints for a check; a `Check` satisfies it. */
export type ReportCheckInfo = Pick<Check, 'id' | 'title' | 'rationale' | 'remediation' | 'docs'>;

export interface ReportViewOptions {
  /**
   * Resources listed per check and status in the HTML; the rest are counted and left to
   * result.json (and findings.csv). Default 100: a 100,000-finding scan stays a page a
   * browser opens in seconds.
   */
  maxResourcesPerCheck?: number;
  /**
   * Resource rows the whole page may list (failing, manual and waived, all checks together).
   * When more lists than this allows would each show maxResourcesPerCheck rows, every list
   * shows fewer (at least 20). Default 5,000: enough to act on, small enough to open fast.
   */
  maxRowsInPage?: number;
  /** Longest untrusted string printed, in characters; longer ones are cut. Default 1,000. */
  maxStringLength?: number;
  /** Failing checks listed in the summary at the top. Default 10. */
  maxTopFailing?: number;
  /** Entries listed per kind of change (new failures, resolved, …). Default 100. */
  maxChangesPerList?: number;
  /** Namespaces offered by the namespace filter. Default 1,000. */
  maxNamespaceOptions?: number;
  /**
   * Checks start expanded when the report lists at most this many resources in all;
   * bigger reports start collapsed (one line per check). Default 250.
   */
  expandUpTo?: number;
}

export interface ReportContext {
  /** The diff against the previous scan of the cluster; absent when none was made. */
  diff?: ScanDiff;
  /**
   * Files beside the report that hold every finding, named where the HTML lists only some.
   * Default `['result.json']`.
   */
  completeIn?: readonly string[];
}

export const DEFAULT_REPORT_LIMITS = {
  maxResourcesPerCheck: 100,
  maxRowsInPage: 5000,
  maxStringLength: 1000,
  maxTopFailing: 10,
  maxChangesPerList: 100,
  maxNamespaceOptions: 1000,
  expandUpTo: 250,
} as const satisfies Required<ReportViewOptions>;

/** The fewest rows a list shows, whatever the page budget. */
const MIN_ROWS_PER_LIST = 20;

/** Evidence entries printed per resource. */
const MAX_EVIDENCE_ENTRIES = 20;

export interface CountView {
  status: Status;
  label: string;
  count: number;
}

export interface ScoreView {
  id: string;
  label: string;
  /** 0..100, or null when nothing was passed or failed. */
  compliance: number | null;
  coverage: number | null;
  /** Whether any check passed or failed, i.e. compliance is a number. */
  scored: boolean;
  /** `87.5%`, or `—` for null. */
  complianceText: string;
  coverageText: string;
  tone: Tone;
  /** Checks counted in this score. */
  total: number;
  passed: number;
  failed: number;
  /** Pass and fail always, then every other status with a non-zero count. */
  counts: CountView[];
}

export interface FrameworkRefView {
  framework: string;
  /** e.g. `CIS 4.1.1`. */
  label: string;
}

export interface LinkView {
  url: string;
  label: string;
}

export interface RemediationView {
  summary: string;
  cli: string | null;
  iac: string | null;
  console: string | null;
}

export interface EvidenceView {
  key: string;
  value: string;
}

export interface WaiverRefView {
  id: string;
  owner: string;
  reason: string;
  expires: string;
}

export interface ResourceView {
  /** The namespace filter's token: `ns:<encoded namespace>`, or `cluster` for cluster-scoped. */
  nsToken: string;
  kind: string;
  namespace: string | null;
  name: string;
  /** `namespace/name`, or the name of a cluster-scoped resource. */
  display: string;
  arn: string | null;
  message: string;
  path: string | null;
  evidence: EvidenceView[];
  waiver: WaiverRefView | null;
}

export interface ResourceListView {
  items: ResourceView[];
  total: number;
  /** Listed in result.json but not in the HTML. */
  hidden: number;
  /** Where the hidden ones are: `result.json`, or `result.json and findings.csv`. */
  completeIn: string;
}

export interface CheckView {
  id: string;
  /** An HTML id for in-page links. */
  anchor: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  status: Status;
  statusLabel: string;
  responsibility: Responsibility;
  responsibilityLabel: string;
  frameworks: FrameworkRefView[];
  /** Findings of this check by status, for the "3 of 12 failing" line. */
  findingCount: number;
  failingCount: number;
  rationale: string | null;
  remediation: RemediationView | null;
  docs: LinkView[];
  /** Why the check could not be evaluated (status not_evaluated), or null. */
  reason: string | null;
  /** Failing findings (status fail) or the items to attest (status manual). */
  resources: ResourceListView;
  /** Findings a waiver matched. */
  waived: ResourceListView;
  /** The check is in the result but not in the catalog this report was built with. */
  catalogMissing: boolean;
  /** Whether the check's details start open (small reports) or collapsed (big ones). */
  expanded: boolean;
  /** Filter tokens, space-separated: `fw:<id>` per framework. */
  frameworkTokens: string;
  /** Filter tokens, space-separated: the namespaces of its failing, manual and waived findings. */
  namespaceTokens: string;
}

export interface SectionView {
  id: Responsibility;
  anchor: string;
  title: string;
  description: string;
  score: ScoreView;
  total: number;
  failing: CheckView[];
  notEvaluated: CheckView[];
  manual: CheckView[];
  waived: CheckView[];
  passed: CheckView[];
  inherited: CheckView[];
  notApplicable: CheckView[];
}

export interface TopFailingView {
  anchor: string;
  id: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  responsibilityLabel: string;
  failingCount: number;
}

export interface SeverityCountView {
  severity: Severity;
  label: string;
  count: number;
}

export interface WaiverView {
  id: string;
  checkId: string;
  owner: string;
  reason: string;
  expires: string;
  /** e.g. `namespace=kube-system, kind=Deployment`, or `whole cluster`. */
  scope: string;
}

export interface OptionView {
  value: string;
  label: string;
}

export interface FiltersView {
  severities: OptionView[];
  responsibilities: OptionView[];
  frameworks: OptionView[];
  namespaces: OptionView[];
  /** Namespaces left out of the namespace filter (beyond maxNamespaceOptions). */
  namespacesHidden: number;
}

export interface ChangeItemView {
  /** The check's anchor in this report, or null when the check is not in it. */
  anchor: string | null;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  responsibility: Responsibility;
  responsibilityLabel: string;
  frameworkTokens: string;
  nsToken: string;
  kind: string;
  display: string;
  path: string | null;
  message: string;
  /** e.g. `Passed → Failed`, `Failed → no longer reported`. */
  transition: string;
  /** Why, when there is more to say: the reason it was not evaluated, the waiver. */
  note: string | null;
}

export interface ChangeGroupView {
  id: DiffCategory;
  title: string;
  description: string;
  /** The status whose colours the group takes. */
  status: Status;
  count: number;
  items: ChangeItemView[];
  hidden: number;
}

export interface ChangesView {
  /** Whether a previous scan was compared with. */
  hasPrevious: boolean;
  previousScanId: string | null;
  previousFinishedAt: string | null;
  /** `+3 new failures, −2 resolved, 1 no longer evaluated`. */
  headline: string;
  stillFailing: number;
  /** Whether anything but "still failing" changed. */
  anyChange: boolean;
  /** The non-empty groups, in reading order: new failures first. */
  groups: ChangeGroupView[];
}

export interface GapView {
  kind: string;
  reason: string;
  message: string;
}

export interface ReportView {
  title: string;
  cluster: {
    name: string;
    accountId: string;
    region: string;
    arn: string | null;
  };
  scan: {
    scanId: string;
    source: string;
    startedAt: string;
    finishedAt: string;
    collectedAt: string;
    duration: string;
    schemaVersion: number;
  };
  summary: {
    totalChecks: number;
    failingChecks: number;
    failingFindings: number;
    notEvaluatedChecks: number;
    manualChecks: number;
    waivedFindings: number;
    gaps: number;
    failingBySeverity: SeverityCountView[];
    topFailing: TopFailingView[];
    /** Failing checks beyond the ones listed in topFailing. */
    moreFailing: number;
  };
  scores: {
    overall: ScoreView;
    byResponsibility: ScoreView[];
    byFramework: ScoreView[];
  };
  scoringRules: string[];
  sections: SectionView[];
  waivers: {
    applied: WaiverView[];
    expired: WaiverView[];
    unused: WaiverView[];
  };
  gaps: GapView[];
  /** Null when the report was built without a diff (no store to compare with). */
  changes: ChangesView | null;
  filters: FiltersView;
  limits: {
    maxResourcesPerCheck: number;
    maxStringLength: number;
  };
  /** Where every finding is, for the footer. */
  completeIn: string;
}

const RESPONSIBILITY_SECTIONS: Record<Responsibility, { title: string; short: string; description: string }> =
  {
    aws: {
      title: 'AWS-managed (inherited)',
      short: 'AWS-managed',
      description:
        'Operated by AWS: the control plane, etcd, and Fargate and Auto Mode nodes. Reported for the ' +
        'record and never scored against you.',
    },
    shared: {
      title: 'Shared',
      short: 'Shared',
      description:
        'AWS supplies the mechanism and you must enable or maintain it: control-plane logging, secrets ' +
        'encryption, Kubernetes versions, managed node AMIs.',
    },
    customer: {
      title: 'Customer',
      short: 'Customer',
      description:
        'Everything in the cluster and access to it: workloads, RBAC, network policies, images, exposure.',
    },
  };

const SECTION_ORDER: readonly Responsibility[] = ['aws', 'shared', 'customer'];

function scoreView(id: string, label: string, score: Score | undefined): ScoreView {
  const counts = score?.counts;
  const countOf = (status: Status) => (typeof counts?.[status] === 'number' ? counts[status] : 0);
  const compliance = finiteOrNull(score?.compliance);
  const coverage = finiteOrNull(score?.coverage);
  return {
    id,
    label,
    compliance,
    coverage,
    scored: compliance !== null,
    complianceText: percentText(compliance),
    coverageText: percentText(coverage),
    tone: toneOf(compliance),
    total: STATUSES.reduce((sum, status) => sum + countOf(status), 0),
    passed: countOf('pass'),
    failed: countOf('fail'),
    counts: STATUSES.filter((status) => status === 'pass' || status === 'fail' || countOf(status) > 0).map(
      (status) => ({ status, label: STATUS_LABELS[status], count: countOf(status) }),
    ),
  };
}

function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity);
  return rank === -1 ? SEVERITIES.length : rank;
}

function bySeverityThenId(a: CheckView, b: CheckView): number {
  return severityRank(a.severity) - severityRank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function anchorOf(id: string): string {
  return `check-${id.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}

/** Only https links are printed: a `javascript:` or `data:` URL is never made clickable. */
function docLink(url: string): LinkView | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') return null;
    return { url: parsed.href, label: `${parsed.hostname}${parsed.pathname === '/' ? '' : parsed.pathname}` };
  } catch {
    return null;
  }
}

function scopeText(waiver: Waiver, cap: (value: unknown) => string): string {
  const scope = waiver.scope ?? {};
  const parts: string[] = [];
  for (const field of ['cluster', 'namespace', 'kind', 'name'] as const) {
    if (scope[field] !== undefined) parts.push(`${field}=${scope[field]}`);
  }
  if (scope.labels) {
    for (const [key, value] of Object.entries(scope.labels)) parts.push(`label ${key}=${value}`);
  }
  return cap(parts.length > 0 ? parts.join(', ') : 'every resource');
}

const NS_CLUSTER = 'cluster';

/** The namespace filter's token for a resource: whitespace-free whatever the namespace holds. */
function nsTokenOf(namespace: string | undefined): string {
  return namespace ? `ns:${encodeURIComponent(namespace)}` : NS_CLUSTER;
}

function frameworkTokensOf(frameworks: readonly FrameworkRef[] | undefined): string {
  return [...new Set((frameworks ?? []).map((ref) => `fw:${encodeURIComponent(ref.framework)}`))].join(' ');
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'result.json';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const CHANGE_GROUPS: ReadonlyArray<{
  id: DiffCategory;
  title: string;
  description: string;
  status: Status;
}> = [
  {
    id: 'newFailures',
    title: 'New failures',
    description: 'Failing now, and not failing (or not there) in the previous scan.',
    status: 'fail',
  },
  {
    id: 'waiverExpired',
    title: 'Waivers expired',
    description:
      'Waived in the previous scan and failing again: the waiver expired or no longer covers them.',
    status: 'fail',
  },
  {
    id: 'noLongerEvaluated',
    title: 'No longer evaluated',
    description:
      'Failing in the previous scan and not checked in this one (data could not be read, or the check did ' +
      'not run). Not counted as resolved: nobody knows whether they are fixed.',
    status: 'not_evaluated',
  },
  {
    id: 'resolved',
    title: 'Resolved',
    description:
      'Failing (or waived) in the previous scan; now passing, or no longer reported by a check that ran.',
    status: 'pass',
  },
  {
    id: 'newlyWaived',
    title: 'Newly waived',
    description: 'A waiver now covers these failures. They still do not count as passed.',
    status: 'waived',
  },
];

function statusText(status: Status | null): string {
  return status === null ? 'not reported' : (STATUS_LABELS[status] ?? status);
}

function transitionOf(category: DiffCategory, entry: DiffEntry): string {
  const before = entry.previousStatus === null ? 'Not reported' : statusText(entry.previousStatus);
  switch (category) {
    case 'resolved':
      if (entry.resolution === 'passes') return `${before} → Passed`;
      if (entry.resolution === 'not_applicable') return `${before} → Not applicable`;
      return `${before} → no longer reported`;
    case 'noLongerEvaluated':
      return `${before} → ${entry.status === null ? 'Not evaluated' : statusText(entry.status)}`;
    default:
      return `${before} → ${statusText(entry.status)}`;
  }
}

function noteOf(category: DiffCategory, entry: DiffEntry): string | null {
  const waiver = entry.waiver;
  switch (category) {
    case 'noLongerEvaluated':
      return entry.reason ?? null;
    case 'resolved':
      return entry.resolution === 'gone'
        ? 'The check ran and no longer reports this resource or field: it was fixed, changed or removed.'
        : null;
    case 'newlyWaived':
      return waiver
        ? `Waiver ${waiver.id} (owner ${waiver.owner}, until ${waiver.expires}): ${waiver.reason}`
        : null;
    case 'waiverExpired':
      if (!waiver) return null;
      return entry.waiverEnd === 'expired'
        ? `Waiver ${waiver.id} expired (${waiver.expires}).`
        : `Waiver ${waiver.id} no longer covers this finding (removed from the policy or its scope changed).`;
    default:
      return null;
  }
}

/**
 * Builds the view of one cluster's result. Pure: the same result, catalog and diff give the
 * same view. `checks` supplies rationale, remediation and docs; a check missing from it is
 * still reported, from the result alone.
 */
export function buildReportView(
  result: ScanResult,
  checks: readonly ReportCheckInfo[],
  options: ReportViewOptions = {},
  context: ReportContext = {},
): ReportView {
  const limit = (value: number | undefined, fallback: number, min = 0) => Math.max(min, value ?? fallback);
  const maxPerList = limit(options.maxResourcesPerCheck, DEFAULT_REPORT_LIMITS.maxResourcesPerCheck);
  const maxRows = limit(options.maxRowsInPage, DEFAULT_REPORT_LIMITS.maxRowsInPage);
  const maxString = limit(options.maxStringLength, DEFAULT_REPORT_LIMITS.maxStringLength, 1);
  const maxTop = limit(options.maxTopFailing, DEFAULT_REPORT_LIMITS.maxTopFailing);
  const maxChanges = limit(options.maxChangesPerList, DEFAULT_REPORT_LIMITS.maxChangesPerList);
  const maxNamespaces = limit(options.maxNamespaceOptions, DEFAULT_REPORT_LIMITS.maxNamespaceOptions);
  const expandUpTo = limit(options.expandUpTo, DEFAULT_REPORT_LIMITS.expandUpTo);
  const cap = capper(maxString);
  const completeIn = joinNames((context.completeIn ?? ['result.json']).map((name) => cap(name)));

  const catalog = new Map(checks.map((check) => [check.id, check]));
  const findingsByCheck = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = findingsByCheck.get(finding.checkId);
    if (list) list.push(finding);
    else findingsByCheck.set(finding.checkId, [finding]);
  }
  const namespaces = new Set<string>();
  let clusterScoped = false;

  const resourceView = (finding: Finding): ResourceView => {
    const { resource } = finding;
    const namespace = resource.namespace ? cap(resource.namespace) : null;
    const name = cap(resource.name);
    const evidence = Object.entries(finding.evidence ?? {})
      .slice(0, MAX_EVIDENCE_ENTRIES)
      .map(([key, value]) => ({ key: cap(key), value: cap(value === null ? 'null' : value) }));
    return {
      nsToken: nsTokenOf(resource.namespace),
      kind: cap(resource.kind),
      namespace,
      name,
      display: namespace ? `${namespace}/${name}` : name,
      arn: resource.arn ? cap(resource.arn) : null,
      message: cap(finding.message),
      path: finding.path ? cap(finding.path) : null,
      evidence,
      waiver: finding.waiver
        ? {
            id: cap(finding.waiver.id),
            owner: cap(finding.waiver.owner),
            reason: cap(finding.waiver.reason),
            expires: cap(finding.waiver.expires),
          }
        : null,
    };
  };

  // How many rows each list (a check's failing or manual findings, its waived findings) may
  // show: maxResourcesPerCheck, lowered when the whole page would list more than
  // maxRowsInPage, but never below MIN_ROWS_PER_LIST.
  const listedStatus = (summary: CheckSummary) =>
    summary.status === 'fail' || summary.status === 'manual' ? summary.status : undefined;
  const listSizes: number[] = [];
  for (const summary of result.checks) {
    const findings = findingsByCheck.get(summary.checkId) ?? [];
    const listed = listedStatus(summary);
    let rows = 0;
    let waived = 0;
    for (const finding of findings) {
      if (finding.status === 'waived') waived += 1;
      else if (listed && finding.status === listed) rows += 1;
    }
    if (rows > 0) listSizes.push(rows);
    if (waived > 0) listSizes.push(waived);
  }
  const fair = listSizes.length > 0 ? Math.floor(maxRows / listSizes.length) : maxPerList;
  const maxResources = Math.min(maxPerList, Math.max(MIN_ROWS_PER_LIST, fair));
  const listedRows = listSizes.reduce((sum, size) => sum + Math.min(size, maxResources), 0);

  const resourceList = (findings: readonly Finding[]): ResourceListView => ({
    items: findings.slice(0, maxResources).map(resourceView),
    total: findings.length,
    hidden: Math.max(0, findings.length - maxResources),
    completeIn,
  });

  const expanded = listedRows <= expandUpTo;

  const checkView = (summary: CheckSummary): CheckView => {
    const info = catalog.get(summary.checkId);
    const findings = findingsByCheck.get(summary.checkId) ?? [];
    const listed = listedStatus(summary);
    const failingCount = findings.filter((finding) => finding.status === 'fail').length;
    const remediation = info?.remediation;
    const nsTokens = new Set<string>();
    for (const finding of findings) {
      if (finding.status !== 'fail' && finding.status !== 'manual' && finding.status !== 'waived') continue;
      nsTokens.add(nsTokenOf(finding.resource.namespace));
      if (finding.resource.namespace) namespaces.add(finding.resource.namespace);
      else clusterScoped = true;
    }
    return {
      id: cap(summary.checkId),
      anchor: anchorOf(summary.checkId),
      title: cap(info?.title ?? summary.title),
      severity: summary.severity,
      severityLabel: SEVERITY_LABELS[summary.severity] ?? cap(summary.severity),
      status: summary.status,
      statusLabel: STATUS_LABELS[summary.status] ?? cap(summary.status),
      responsibility: summary.responsibility,
      responsibilityLabel:
        RESPONSIBILITY_SECTIONS[summary.responsibility]?.short ?? cap(summary.responsibility),
      frameworks: (summary.frameworks ?? []).map((ref: FrameworkRef) => ({
        framework: cap(ref.framework),
        label: cap(`${frameworkLabel(ref.framework).short} ${ref.requirement}`),
      })),
      findingCount: findings.length,
      failingCount,
      rationale: info?.rationale ? info.rationale : null,
      remediation: remediation
        ? {
            summary: remediation.summary,
            cli: remediation.cli ?? null,
            iac: remediation.iac ?? null,
            console: remediation.console ?? null,
          }
        : null,
      docs: (info?.docs ?? []).map(docLink).filter((link): link is LinkView => link !== null),
      reason:
        summary.status === 'not_evaluated'
          ? cap(
              summary.reason ??
                findings.find((finding) => finding.status === 'not_evaluated')?.message ??
                'No reason was recorded.',
            )
          : null,
      resources: resourceList(listed ? findings.filter((finding) => finding.status === listed) : []),
      waived: resourceList(findings.filter((finding) => finding.status === 'waived')),
      catalogMissing: info === undefined,
      expanded,
      frameworkTokens: frameworkTokensOf(summary.frameworks),
      namespaceTokens: [...nsTokens].join(' '),
    };
  };

  const views = result.checks.map(checkView);
  const ofStatus = (list: readonly CheckView[], status: Status) =>
    list.filter((view) => view.status === status).sort(bySeverityThenId);

  const sections: SectionView[] = SECTION_ORDER.map((responsibility) => {
    const mine = views.filter((view) => view.responsibility === responsibility);
    const meta = RESPONSIBILITY_SECTIONS[responsibility];
    return {
      id: responsibility,
      anchor: `section-${responsibility}`,
      title: meta.title,
      description: meta.description,
      score: scoreView(responsibility, meta.title, result.scores.byResponsibility[responsibility]),
      total: mine.length,
      failing: ofStatus(mine, 'fail'),
      notEvaluated: ofStatus(mine, 'not_evaluated'),
      manual: ofStatus(mine, 'manual'),
      waived: ofStatus(mine, 'waived'),
      passed: ofStatus(mine, 'pass'),
      inherited: ofStatus(mine, 'inherited'),
      notApplicable: ofStatus(mine, 'not_applicable'),
    };
  });

  const failing = ofStatus(views, 'fail');
  const waiverView = (waiver: Waiver): WaiverView => ({
    id: cap(waiver.id),
    checkId: cap(waiver.checkId),
    owner: cap(waiver.owner),
    reason: cap(waiver.reason),
    expires: cap(waiver.expires),
    scope: scopeText(waiver, cap),
  });

  const anchors = new Set(result.checks.map((summary) => summary.checkId));
  const changeItem = (category: DiffCategory, entry: DiffEntry): ChangeItemView => {
    const namespace = entry.resource.namespace ? cap(entry.resource.namespace) : null;
    if (entry.resource.namespace) namespaces.add(entry.resource.namespace);
    else clusterScoped = true;
    const name = cap(entry.resource.name);
    const note = noteOf(category, entry);
    return {
      anchor: anchors.has(entry.checkId) ? anchorOf(entry.checkId) : null,
      checkId: cap(entry.checkId),
      title: cap(catalog.get(entry.checkId)?.title ?? entry.title),
      severity: entry.severity,
      severityLabel: SEVERITY_LABELS[entry.severity] ?? cap(entry.severity),
      responsibility: entry.responsibility,
      responsibilityLabel: RESPONSIBILITY_SECTIONS[entry.responsibility]?.short ?? cap(entry.responsibility),
      frameworkTokens: frameworkTokensOf(entry.frameworks),
      nsToken: nsTokenOf(entry.resource.namespace),
      kind: cap(entry.resource.kind),
      display: namespace ? `${namespace}/${name}` : name,
      path: entry.path ? cap(entry.path) : null,
      // With no current finding, the message is last night's: say so.
      message: cap(entry.status === null ? `Previous scan: ${entry.message}` : entry.message),
      transition: transitionOf(category, entry),
      note: note === null ? null : cap(note),
    };
  };

  const diff = context.diff;
  const changes: ChangesView | null = diff
    ? {
        hasPrevious: diff.previous !== null,
        previousScanId: diff.previous ? cap(diff.previous.scanId) : null,
        previousFinishedAt: diff.previous ? formatTime(diff.previous.finishedAt, cap) : null,
        headline: diffCountsText(diff),
        stillFailing: diff.counts.stillFailing,
        anyChange: CHANGE_GROUPS.some((group) => diff.counts[group.id] > 0),
        groups: CHANGE_GROUPS.filter((group) => diff[group.id].length > 0).map((group) => ({
          ...group,
          count: diff[group.id].length,
          items: diff[group.id].slice(0, maxChanges).map((entry) => changeItem(group.id, entry)),
          hidden: Math.max(0, diff[group.id].length - maxChanges),
        })),
      }
    : null;

  const frameworkIds = new Set<string>();
  for (const summary of result.checks)
    for (const ref of summary.frameworks ?? []) frameworkIds.add(ref.framework);
  const sortedNamespaces = [...namespaces].sort();
  const filters: FiltersView = {
    severities: SEVERITIES.map((severity) => ({ value: severity, label: SEVERITY_LABELS[severity] })),
    responsibilities: RESPONSIBILITIES.map((responsibility) => ({
      value: responsibility,
      label: RESPONSIBILITY_SECTIONS[responsibility].short,
    })),
    frameworks: [...frameworkIds].sort().map((id) => ({
      value: `fw:${encodeURIComponent(id)}`,
      label: cap(frameworkLabel(id).name),
    })),
    namespaces: [
      ...(clusterScoped ? [{ value: NS_CLUSTER, label: '(cluster-scoped resources)' }] : []),
      ...sortedNamespaces.slice(0, maxNamespaces).map((namespace) => ({
        value: nsTokenOf(namespace),
        label: cap(namespace),
      })),
    ],
    namespacesHidden: Math.max(0, sortedNamespaces.length - maxNamespaces),
  };

  const clusterName = cap(result.cluster.name);
  return {
    title: `Watchkeeper report — ${clusterName}`,
    cluster: {
      name: clusterName,
      accountId: result.cluster.accountId ? cap(result.cluster.accountId) : EMPTY,
      region: result.cluster.region ? cap(result.cluster.region) : EMPTY,
      arn: result.cluster.arn ? cap(result.cluster.arn) : null,
    },
    scan: {
      scanId: cap(result.scanId),
      source: cap(result.source),
      startedAt: formatTime(result.startedAt, cap),
      finishedAt: formatTime(result.finishedAt, cap),
      collectedAt: formatTime(result.collectedAt, cap),
      duration: formatDuration(result.startedAt, result.finishedAt),
      schemaVersion: result.schemaVersion,
    },
    summary: {
      totalChecks: views.length,
      failingChecks: failing.length,
      failingFindings: result.findings.filter((finding) => finding.status === 'fail').length,
      notEvaluatedChecks: views.filter((view) => view.status === 'not_evaluated').length,
      manualChecks: views.filter((view) => view.status === 'manual').length,
      waivedFindings: result.findings.filter((finding) => finding.status === 'waived').length,
      gaps: result.gaps.length,
      failingBySeverity: SEVERITIES.map((severity) => ({
        severity,
        label: SEVERITY_LABELS[severity],
        count: failing.filter((view) => view.severity === severity).length,
      })),
      topFailing: failing.slice(0, maxTop).map((view) => ({
        anchor: view.anchor,
        id: view.id,
        title: view.title,
        severity: view.severity,
        severityLabel: view.severityLabel,
        responsibilityLabel: view.responsibilityLabel,
        failingCount: view.failingCount,
      })),
      moreFailing: Math.max(0, failing.length - maxTop),
    },
    scores: {
      overall: scoreView('overall', 'Overall', result.scores.overall),
      byResponsibility: SECTION_ORDER.map((responsibility) =>
        scoreView(
          responsibility,
          RESPONSIBILITY_SECTIONS[responsibility].title,
          result.scores.byResponsibility[responsibility],
        ),
      ),
      byFramework: Object.entries(result.scores.byFramework)
        .filter((entry): entry is [string, Score] => entry[1] !== undefined)
        .map(([id, score]) => scoreView(cap(id), cap(frameworkLabel(id).name), score)),
    },
    scoringRules: [...SCORING_RULES],
    sections,
    waivers: {
      applied: result.waivers.applied.map(waiverView),
      expired: result.waivers.expired.map(waiverView),
      unused: result.waivers.unused.map(waiverView),
    },
    gaps: result.gaps.map((gap) => ({
      kind: cap(gap.kind),
      reason: cap(gap.reason),
      message: cap(gap.message),
    })),
    changes,
    filters,
    limits: { maxResourcesPerCheck: maxResources, maxStringLength: maxString },
    completeIn,
  };
}
