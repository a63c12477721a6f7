import { type DiffEntry, findingKey, type ScanDiff } from '../../core/diff.ts';
import type { Finding, FrameworkId, ScanResult, Severity, Status } from '../../core/model.ts';
import { rollUpStatus } from '../../core/scoring.ts';
import { frameworkLabel } from '../labels.ts';
import {
  checkEntries,
  type FormatCheckInfo,
  firstHttpsLink,
  resourceLabel,
  sha256Hex,
  TOOL_NAME,
  TOOL_VERSION,
  truncate,
} from './common.ts';

/**
 * The AWS Security Finding Format, for AWS Security Hub's BatchImportFindings
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html).
 * Off by default: written only when asked for (`--format asff`).
 *
 * Which findings are sent, and how:
 *
 * | Watchkeeper          | Compliance.Status | Workflow.Status | RecordState |
 * | -------------------- | ----------------- | --------------- | ----------- |
 * | fail                 | FAILED            | NEW             | ACTIVE      |
 * | waived               | FAILED            | SUPPRESSED      | ACTIVE      |
 * | not_evaluated        | NOT_AVAILABLE     | NEW             | ACTIVE      |
 * | manual               | WARNING           | NEW             | ACTIVE      |
 * | pass                 | PASSED            | RESOLVED        | ACTIVE      |
 * | inherited, n/a       | (not sent: nothing for the account to act on)          |
 *
 * With the diff against the previous scan, a failure whose finding is no longer reported is
 * sent once more under its old Id: resolved ones as PASSED and ARCHIVED (so Security Hub
 * closes them), no-longer-evaluated ones as NOT_AVAILABLE (never as passed).
 *
 * Ids are stable: a hash of the diff key under the cluster ARN, so the next scan updates the
 * same Security Hub finding. Every string respects the API's length limits.
 */

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings takes at most 100 findings per call. */
export const ASFF_BATCH_LIMIT = 100;
/** Request payloads stay well below the API's size limit. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export const ASFF_LIMITS = {
  id: 512,
  title: 256,
  description: 1024,
  recommendationText: 512,
  url: 1024,
  noteText: 512,
  productFieldValue: 2048,
  detailValue: 1024,
  relatedRequirements: 32,
  relatedRequirement: 256,
  types: 50,
} as const;

export type ComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';
export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Details?: { Other: Record<string, string> };
}

export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  FirstObservedAt: string;
  LastObservedAt: string;
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: SeverityLabel; Original: string };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Compliance: { Status: ComplianceStatus; RelatedRequirements?: string[] };
  Workflow: { Status: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  Note?: { Text: string; UpdatedBy: string; UpdatedAt: string };
}

export interface AsffOptions {
  /** Defaults to the cluster's account id. */
  accountId?: string;
  /** Defaults to the cluster's region. */
  region?: string;
  /** The diff against the previous scan: closes findings that are no longer reported. */
  diff?: ScanDiff;
}

/** The result lacks what an ASFF finding needs (an AWS account id and region). */
export class AsffInputError extends Error {
  override name = 'AsffInputError';
}

const SEVERITY_LABEL: Record<Severity, SeverityLabel> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const SENT: Partial<
  Record<Status, { compliance: ComplianceStatus; workflow: AsffFinding['Workflow']['Status'] }>
> = {
  fail: { compliance: 'FAILED', workflow: 'NEW' },
  waived: { compliance: 'FAILED', workflow: 'SUPPRESSED' },
  not_evaluated: { compliance: 'NOT_AVAILABLE', workflow: 'NEW' },
  manual: { compliance: 'WARNING', workflow: 'NEW' },
  pass: { compliance: 'PASSED', workflow: 'RESOLVED' },
};

const SCC = 'Software and Configuration Checks';
const FRAMEWORK_TYPES: Record<FrameworkId, string> = {
  'cis-eks-1.8.0': `${SCC}/Industry and Regulatory Standards/CIS Amazon EKS Benchmark`,
  'pss-baseline': `${SCC}/Industry and Regulatory Standards/Kubernetes Pod Security Standards`,
  'pss-restricted': `${SCC}/Industry and Regulatory Standards/Kubernetes Pod Security Standards`,
  'nsa-cisa-1.2': `${SCC}/Industry and Regulatory Standards/NSA-CISA Kubernetes Hardening Guidance`,
  'eks-best-practices': `${SCC}/AWS Security Best Practices/Amazon EKS Best Practices`,
};
const DEFAULT_TYPE = `${SCC}/AWS Security Best Practices/Amazon EKS`;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const PARTITION = /^arn:(aws[a-z-]*):/;

function partitionOf(clusterArn: string | undefined, region: string): string {
  const fromArn = clusterArn ? PARTITION.exec(clusterArn)?.[1] : undefined;
  if (fromArn) return fromArn;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function timestamp(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new AsffInputError(`the result's ${field} is not a time: ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
}

/** Non-empty (ASFF strings must contain a non-space character) and within `max`. */
function text(value: string, max: number, fallback: string): string {
  const clean = value.trim() ? value : fallback;
  return truncate(clean, max);
}

/** A resource path component: kept readable, but never able to add a `/` level. */
function segment(value: string): string {
  return value.replace(/[/\s]/g, (char) => encodeURIComponent(char));
}

interface Context {
  accountId: string;
  region: string;
  partition: string;
  clusterArn: string;
  productArn: string;
  created: string;
  observed: string;
  scanId: string;
  titles: Map<string, string>;
  infos: Map<string, FormatCheckInfo | undefined>;
}

function capId(id: string): string {
  return id.length <= ASFF_LIMITS.id ? id : `${id.slice(0, ASFF_LIMITS.id - 65)}#${sha256Hex(id)}`;
}

function resources(finding: Pick<Finding, 'resource' | 'path'>, ctx: Context): AsffResource[] {
  const { resource } = finding;
  const base = { Partition: ctx.partition, Region: ctx.region };
  if (resource.kind === 'Cluster' && !resource.namespace) {
    return [{ Type: 'AwsEksCluster', Id: capId(resource.arn ?? ctx.clusterArn), ...base }];
  }
  const other: Record<string, string> = { kind: resource.kind, name: resource.name };
  if (resource.namespace) other.namespace = resource.namespace;
  if (resource.apiVersion) other.apiVersion = resource.apiVersion;
  if (finding.path) other.path = finding.path;
  for (const key of Object.keys(other)) other[key] = truncate(other[key] as string, ASFF_LIMITS.detailValue);
  const id = resource.arn
    ? resource.arn
    : `${ctx.clusterArn}/${segment(resource.namespace ?? '_cluster')}/${segment(resource.kind)}/${segment(resource.name)}`;
  return [{ Type: 'Other', Id: capId(id), ...base, Details: { Other: other } }];
}

function types(finding: Pick<Finding, 'frameworks'>): string[] {
  const list = [
    ...new Set(
      finding.frameworks
        .map((ref) => FRAMEWORK_TYPES[ref.framework as FrameworkId])
        .filter((t) => t !== undefined),
    ),
  ];
  return list.length > 0 ? list.slice(0, ASFF_LIMITS.types) : [DEFAULT_TYPE];
}

function description(finding: Pick<Finding, 'message' | 'resource' | 'path' | 'evidence'>): string {
  const parts = [finding.message.trim(), `Resource: ${resourceLabel(finding)}.`];
  if (finding.path) parts.push(`Field: ${finding.path}.`);
  const evidence = Object.entries(finding.evidence ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  if (evidence) parts.push(`Evidence: ${evidence}.`);
  return text(parts.filter(Boolean).join(' '), ASFF_LIMITS.description, `${resourceLabel(finding)}`);
}

function build(
  finding: Pick<
    Finding,
    | 'checkId'
    | 'severity'
    | 'frameworks'
    | 'resource'
    | 'path'
    | 'message'
    | 'evidence'
    | 'waiver'
    | 'responsibility'
  > & {
    status: Status;
  },
  state: {
    compliance: ComplianceStatus;
    workflow: AsffFinding['Workflow']['Status'];
    record: 'ACTIVE' | 'ARCHIVED';
  },
  ctx: Context,
  note?: string,
): AsffFinding {
  const key = findingKey(finding);
  const info = ctx.infos.get(finding.checkId);
  const url = firstHttpsLink(info);
  const requirements = finding.frameworks
    .map((ref) =>
      truncate(`${frameworkLabel(ref.framework).name} ${ref.requirement}`, ASFF_LIMITS.relatedRequirement),
    )
    .slice(0, ASFF_LIMITS.relatedRequirements);
  const productFields: Record<string, string> = {
    ProviderName: TOOL_NAME,
    ProviderVersion: TOOL_VERSION,
    'watchkeeper/ScanId': ctx.scanId,
    'watchkeeper/CheckId': finding.checkId,
    'watchkeeper/Status': finding.status,
    'watchkeeper/Responsibility': finding.responsibility,
    'watchkeeper/FindingKey': key,
  };
  if (finding.path) productFields['watchkeeper/Path'] = finding.path;
  for (const name of Object.keys(productFields)) {
    productFields[name] = truncate(productFields[name] as string, ASFF_LIMITS.productFieldValue);
  }
  const waiver = finding.waiver;
  const noteText =
    note ??
    (finding.status === 'waived' && waiver
      ? `Waived by ${waiver.id} (owner ${waiver.owner}, until ${waiver.expires}): ${waiver.reason}`
      : undefined);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: capId(`${ctx.clusterArn}/watchkeeper/${finding.checkId}/${sha256Hex(key).slice(0, 40)}`),
    ProductArn: ctx.productArn,
    ProductName: TOOL_NAME,
    CompanyName: TOOL_NAME,
    GeneratorId: truncate(finding.checkId, ASFF_LIMITS.id),
    AwsAccountId: ctx.accountId,
    Region: ctx.region,
    Types: types(finding),
    FirstObservedAt: ctx.observed,
    LastObservedAt: ctx.observed,
    CreatedAt: ctx.created,
    UpdatedAt: ctx.created,
    Severity: { Label: SEVERITY_LABEL[finding.severity] ?? 'MEDIUM', Original: finding.severity },
    Title: text(ctx.titles.get(finding.checkId) ?? finding.checkId, ASFF_LIMITS.title, finding.checkId),
    Description: description(finding),
    Remediation: {
      Recommendation: {
        Text: text(
          info?.remediation.summary ?? '',
          ASFF_LIMITS.recommendationText,
          `See check ${finding.checkId}.`,
        ),
        ...(url && url.length <= ASFF_LIMITS.url ? { Url: url } : {}),
      },
    },
    ProductFields: productFields,
    Resources: resources(finding, ctx),
    Compliance: {
      Status: state.compliance,
      ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}),
    },
    Workflow: { Status: state.workflow },
    RecordState: state.record,
    ...(noteText
      ? {
          Note: {
            Text: truncate(noteText, ASFF_LIMITS.noteText),
            UpdatedBy: TOOL_NAME,
            UpdatedAt: ctx.created,
          },
        }
      : {}),
  };
}

function context(result: ScanResult, checks: readonly FormatCheckInfo[], options: AsffOptions): Context {
  const accountId = options.accountId ?? result.cluster.accountId;
  const region = options.region ?? result.cluster.region;
  if (!accountId || !ACCOUNT_ID.test(accountId) || !region || !REGION.test(region)) {
    throw new AsffInputError(
      `ASFF needs the cluster's AWS account id and region (got account ${JSON.stringify(accountId ?? null)}, ` +
        `region ${JSON.stringify(region ?? null)}): scan through the EKS API (--context or --demo), or put ` +
        'eks-cluster.json (aws eks describe-cluster output, with the cluster ARN) beside the manifests',
    );
  }
  const partition = partitionOf(result.cluster.arn, region);
  const clusterArn =
    result.cluster.arn ?? `arn:${partition}:eks:${region}:${accountId}:cluster/${result.cluster.name}`;
  const entries = checkEntries(result, checks);
  return {
    accountId,
    region,
    partition,
    clusterArn,
    productArn: `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
    created: timestamp(result.finishedAt, 'finishedAt'),
    observed: timestamp(result.collectedAt, 'collectedAt'),
    scanId: result.scanId,
    titles: new Map(
      entries.map((entry) => [entry.summary.checkId, entry.info?.title ?? entry.summary.title]),
    ),
    infos: new Map(entries.map((entry) => [entry.summary.checkId, entry.info])),
  };
}

function closing(entry: DiffEntry, resolved: boolean, ctx: Context): AsffFinding {
  const finding = { ...entry, status: entry.previousStatus ?? 'fail', evidence: undefined };
  return resolved
    ? build(
        finding,
        { compliance: 'PASSED', workflow: 'RESOLVED', record: 'ARCHIVED' },
        ctx,
        'No longer reported: resolved.',
      )
    : build(
        finding,
        { compliance: 'NOT_AVAILABLE', workflow: 'NEW', record: 'ACTIVE' },
        ctx,
        `No longer evaluated: ${entry.reason ?? 'no reason was recorded'}`,
      );
}

/** Every ASFF finding of the result (see the table above), in the result's order. */
export function buildAsffFindings(
  result: ScanResult,
  checks: readonly FormatCheckInfo[],
  options: AsffOptions = {},
): AsffFinding[] {
  const ctx = context(result, checks, options);
  // One record per key (so per Id): a key reported twice takes its rolled-up status, as the
  // diff counts it.
  const byKey = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const key = findingKey(finding);
    const list = byKey.get(key);
    if (list) list.push(finding);
    else byKey.set(key, [finding]);
  }
  const findings: AsffFinding[] = [];
  const seen = new Set<string>();
  for (const list of byKey.values()) {
    const status = rollUpStatus(list.map((finding) => finding.status));
    const state = SENT[status];
    const finding = list.find((candidate) => candidate.status === status);
    if (!state || !finding) continue;
    const built = build(finding, { ...state, record: 'ACTIVE' }, ctx);
    seen.add(built.Id);
    findings.push(built);
  }
  if (options.diff) {
    for (const entry of options.diff.resolved) {
      if (entry.status !== null) continue;
      const built = closing(entry, true, ctx);
      if (!seen.has(built.Id)) findings.push(built);
      seen.add(built.Id);
    }
    for (const entry of options.diff.noLongerEvaluated) {
      if (entry.status !== null) continue;
      const built = closing(entry, false, ctx);
      if (!seen.has(built.Id)) findings.push(built);
      seen.add(built.Id);
    }
  }
  return findings;
}

/** The findings in BatchImportFindings calls: at most 100 per call, and well under the size limit. */
export function toAsffBatches(
  result: ScanResult,
  checks: readonly FormatCheckInfo[],
  options: AsffOptions = {},
): AsffFinding[][] {
  const batches: AsffFinding[][] = [];
  let batch: AsffFinding[] = [];
  let bytes = 0;
  for (const finding of buildAsffFindings(result, checks, options)) {
    const size = Buffer.byteLength(JSON.stringify(finding), 'utf8');
    if (batch.length === ASFF_BATCH_LIMIT || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(finding);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** `asff.json`: a JSON array of every finding (send it with `toAsffBatches`, 100 at a time). */
export function toAsff(
  result: ScanResult,
  checks: readonly FormatCheckInfo[],
  options: AsffOptions = {},
): string {
  return `${JSON.stringify(buildAsffFindings(result, checks, options), null, 2)}\n`;
}
