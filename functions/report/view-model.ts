import type {
  Check,
  CheckSummary,
  Finding,
  FrameworkId,
  FrameworkRef,
  Responsibility,
  ScanResult,
  Score,
  Severity,
  Status,
  Waiver,
} from '../core/model.ts';
import { SEVERITIES, STATUSES } from '../core/model.ts';
import { SCORING_RULES } from '../core/scoring.ts';

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
  /** Resources listed per check and status in the HTML; the rest are counted. Default 200. */
  maxResourcesPerCheck?: number;
  /** Longest untrusted string printed, in characters; longer ones are cut. Default 1,000. */
  maxStringLength?: number;
  /** Failing checks listed in the summary at the top. Default 10. */
  maxTopFailing?: number;
}

export const DEFAULT_REPORT_LIMITS = {
  maxResourcesPerCheck: 200,
  maxStringLength: 1000,
  maxTopFailing: 10,
} as const satisfies Required<ReportViewOptions>;

/** Evidence entries printed per resource. */
const MAX_EVIDENCE_ENTRIES = 20;

export const EMPTY = '—';

export type Tone = 'good' | 'fair' | 'poor' | 'none';

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
  limits: {
    maxResourcesPerCheck: number;
    maxStringLength: number;
  };
}

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const STATUS_LABELS: Record<Status, string> = {
  pass: 'Passed',
  fail: 'Failed',
  not_applicable: 'Not applicable',
  not_evaluated: 'Not evaluated',
  manual: 'Manual',
  inherited: 'Inherited',
  waived: 'Waived',
};

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

const FRAMEWORK_LABELS: Record<FrameworkId, { name: string; short: string }> = {
  'cis-eks-1.8.0': { name: 'CIS Amazon EKS Benchmark v1.8.0', short: 'CIS' },
  'pss-baseline': { name: 'Pod Security Standards — Baseline', short: 'PSS Baseline' },
  'pss-restricted': { name: 'Pod Security Standards — Restricted', short: 'PSS Restricted' },
  'nsa-cisa-1.2': { name: 'NSA/CISA Kubernetes Hardening Guide v1.2', short: 'NSA/CISA' },
  'eks-best-practices': { name: 'Amazon EKS Best Practices Guide', short: 'EKS BP' },
};

function frameworkLabel(id: string): { name: string; short: string } {
  return Object.hasOwn(FRAMEWORK_LABELS, id) ? FRAMEWORK_LABELS[id as FrameworkId] : { name: id, short: id };
}

// C0/C1 controls (but tab and newline) and the characters that reorder text (Trojan Source,
// CVE-2021-42574), which could make a resource name read as another.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(text: string): string {
  return text.replace(INVISIBLE, (char) => `\\u{${char.codePointAt(0)?.toString(16).padStart(4, '0')}}`);
}

/** Makes a ScanResult-sourced value safe to print: a string, visible, at most `max` characters. */
function capper(max: number): (value: unknown) => string {
  return (value) => {
    const text = visible(typeof value === 'string' ? value : value === undefined ? '' : String(value));
    if (text.length <= max) return text;
    return `${text.slice(0, max)}… [${text.length - max} more characters]`;
  };
}

function percentText(value: number | null): string {
  return value === null ? EMPTY : `${value.toFixed(1).replace(/\.0$/, '')}%`;
}

function toneOf(compliance: number | null): Tone {
  if (compliance === null) return 'none';
  if (compliance >= 90) return 'good';
  if (compliance >= 70) return 'fair';
  return 'poor';
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

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

function formatTime(iso: string, cap: (value: unknown) => string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return cap(iso);
  return `${new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

function formatDuration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return EMPTY;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
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

/**
 * Builds the view of one cluster's result. Pure: the same result and catalog give the same
 * view. `checks` supplies rationale, remediation and docs; a check missing from it is still
 * reported, from the result alone.
 */
export function buildReportView(
  result: ScanResult,
  checks: readonly ReportCheckInfo[],
  options: ReportViewOptions = {},
): ReportView {
  const maxResources = Math.max(
    0,
    options.maxResourcesPerCheck ?? DEFAULT_REPORT_LIMITS.maxResourcesPerCheck,
  );
  const maxString = Math.max(1, options.maxStringLength ?? DEFAULT_REPORT_LIMITS.maxStringLength);
  const maxTop = Math.max(0, options.maxTopFailing ?? DEFAULT_REPORT_LIMITS.maxTopFailing);
  const cap = capper(maxString);

  const catalog = new Map(checks.map((check) => [check.id, check]));
  const findingsByCheck = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = findingsByCheck.get(finding.checkId);
    if (list) list.push(finding);
    else findingsByCheck.set(finding.checkId, [finding]);
  }

  const resourceView = (finding: Finding): ResourceView => {
    const { resource } = finding;
    const namespace = resource.namespace ? cap(resource.namespace) : null;
    const name = cap(resource.name);
    const evidence = Object.entries(finding.evidence ?? {})
      .slice(0, MAX_EVIDENCE_ENTRIES)
      .map(([key, value]) => ({ key: cap(key), value: cap(value === null ? 'null' : value) }));
    return {
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

  const resourceList = (findings: readonly Finding[]): ResourceListView => ({
    items: findings.slice(0, maxResources).map(resourceView),
    total: findings.length,
    hidden: Math.max(0, findings.length - maxResources),
  });

  const checkView = (summary: CheckSummary): CheckView => {
    const info = catalog.get(summary.checkId);
    const findings = findingsByCheck.get(summary.checkId) ?? [];
    const listed = summary.status === 'fail' || summary.status === 'manual' ? summary.status : undefined;
    const failingCount = findings.filter((finding) => finding.status === 'fail').length;
    const remediation = info?.remediation;
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
    limits: { maxResourcesPerCheck: maxResources, maxStringLength: maxString },
  };
}
