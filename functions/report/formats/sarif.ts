import { findingKey } from '../../core/diff.ts';
import type { Finding, ScanResult, Severity } from '../../core/model.ts';
import { frameworkLabel, RESPONSIBILITY_LABELS } from '../labels.ts';
import {
  type CheckEntry,
  checkEntries,
  type FormatCheckInfo,
  firstHttpsLink,
  sha256Hex,
  TOOL_NAME,
  TOOL_VERSION,
} from './common.ts';

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): one run,
 * the checks as rules, the failing findings as results located logically (a Kubernetes or
 * AWS resource, not a file), waived findings as results with an accepted suppression.
 * `security-severity` follows GitHub code scanning's scale (≥ 9 critical, 7–8.9 high,
 * 4–6.9 medium, < 4 low).
 */

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The partial fingerprint: a hash of the diff key, so an alert follows its finding across scans. */
export const SARIF_FINGERPRINT = 'watchkeeperFindingKey/v1';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export const SARIF_LEVELS: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export interface SarifOptions {
  /** `tool.driver.informationUri`; left out when not given (the package names no homepage yet). */
  informationUri?: string;
  /** Write waived findings as suppressed results. Default true. */
  includeWaived?: boolean;
}

interface Message {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: {
    'security-severity': string;
    tags: string[];
    severity: Severity;
    responsibility: string;
  };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind: 'fail';
  level: SarifLevel;
  message: Message;
  locations: Array<{
    logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: 'resource' }>;
    properties: Record<string, string>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'external'; status: 'accepted'; justification: string }>;
  properties: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: [
    {
      tool: {
        driver: {
          name: string;
          version: string;
          semanticVersion: string;
          informationUri?: string;
          rules: SarifRule[];
        };
      };
      automationDetails: { id: string };
      invocations: Array<{
        executionSuccessful: boolean;
        startTimeUtc: string;
        endTimeUtc: string;
        toolExecutionNotifications: Array<{
          level: SarifLevel;
          message: Message;
          descriptor: { id: string };
        }>;
      }>;
      results: SarifResult[];
      properties: Record<string, unknown>;
    },
  ];
}

/** `pod-containers-not-privileged` → `PodContainersNotPrivileged` (SARIF's rule name is an identifier). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

/** A fence longer than any backtick run in the text, so a snippet cannot close it. */
function fenced(code: string, language: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

function help(entry: CheckEntry): Message {
  const remediation = entry.info?.remediation;
  const docs = (entry.info?.docs ?? []).filter((url) => url.startsWith('https://'));
  if (!remediation) {
    const text = `See the check ${entry.summary.checkId} in the Watchkeeper catalog.`;
    return { text, markdown: text };
  }
  const text = [
    remediation.summary,
    remediation.cli ? `CLI:\n${remediation.cli}` : '',
    remediation.iac ? `IaC:\n${remediation.iac}` : '',
    remediation.console ? `Console: ${remediation.console}` : '',
    docs.length > 0 ? `References:\n${docs.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const markdown = [
    `**Remediation.** ${remediation.summary}`,
    remediation.cli ? `**CLI**\n\n${fenced(remediation.cli, 'sh')}` : '',
    remediation.iac ? `**IaC**\n\n${fenced(remediation.iac, 'yaml')}` : '',
    remediation.console ? `**Console.** ${remediation.console}` : '',
    docs.length > 0 ? `**References**\n\n${docs.map((url) => `- <${url}>`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { text, markdown };
}

function rule(entry: CheckEntry): SarifRule {
  const { summary, info } = entry;
  const helpUri = firstHttpsLink(info);
  const frameworkTags = summary.frameworks.flatMap((ref) => [
    ref.framework,
    `${frameworkLabel(ref.framework).short} ${ref.requirement}`,
  ]);
  return {
    id: summary.checkId,
    name: ruleName(summary.checkId),
    shortDescription: { text: info?.title ?? summary.title },
    fullDescription: { text: info?.rationale || summary.title },
    help: help(entry),
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: SARIF_LEVELS[summary.severity] ?? 'warning' },
    properties: {
      'security-severity': SECURITY_SEVERITY[summary.severity] ?? '5.5',
      tags: [
        ...new Set([
          'security',
          'kubernetes',
          'eks',
          `responsibility:${summary.responsibility}`,
          ...frameworkTags,
        ]),
      ],
      severity: summary.severity,
      responsibility: RESPONSIBILITY_LABELS[summary.responsibility] ?? summary.responsibility,
    },
  };
}

function logicalName(finding: Finding): string {
  const { kind, namespace, name } = finding.resource;
  return `${kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

function result(finding: Finding, ruleIndex: number): SarifResult {
  const { resource } = finding;
  const location: Record<string, string> = { kind: resource.kind, name: resource.name };
  if (resource.namespace) location.namespace = resource.namespace;
  if (resource.apiVersion) location.apiVersion = resource.apiVersion;
  if (resource.arn) location.arn = resource.arn;
  if (finding.path) location.path = finding.path;
  const waiver = finding.waiver;
  return {
    ruleId: finding.checkId,
    ruleIndex,
    kind: 'fail',
    level: SARIF_LEVELS[finding.severity] ?? 'warning',
    message: { text: finding.message || `${finding.checkId} failed on ${logicalName(finding)}` },
    locations: [
      {
        logicalLocations: [
          { name: resource.name, fullyQualifiedName: logicalName(finding), kind: 'resource' },
        ],
        properties: location,
      },
    ],
    partialFingerprints: { [SARIF_FINGERPRINT]: sha256Hex(findingKey(finding)) },
    ...(finding.status === 'waived'
      ? {
          suppressions: [
            {
              kind: 'external' as const,
              status: 'accepted' as const,
              justification: waiver
                ? `Waiver ${waiver.id} (owner ${waiver.owner}, until ${waiver.expires}): ${waiver.reason}`
                : 'Waived by policy.',
            },
          ],
        }
      : {}),
    properties: {
      status: finding.status,
      severity: finding.severity,
      responsibility: finding.responsibility,
      ...(finding.path ? { path: finding.path } : {}),
      ...(finding.evidence ? { evidence: finding.evidence } : {}),
      frameworks: finding.frameworks.map((ref) => `${ref.framework} ${ref.requirement}`),
    },
  };
}

export function buildSarifLog(
  scan: ScanResult,
  checks: readonly FormatCheckInfo[],
  options: SarifOptions = {},
): SarifLog {
  const entries = checkEntries(scan, checks);
  const ruleIndex = new Map(entries.map((entry, index) => [entry.summary.checkId, index]));
  const includeWaived = options.includeWaived ?? true;
  const results = scan.findings
    .filter((finding) => finding.status === 'fail' || (includeWaived && finding.status === 'waived'))
    .filter((finding) => ruleIndex.has(finding.checkId))
    .map((finding) => result(finding, ruleIndex.get(finding.checkId) as number));
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: entries.map(rule),
          },
        },
        // One category per cluster, so uploads of several clusters do not replace each other.
        automationDetails: { id: `watchkeeper/${scan.cluster.name}/${scan.scanId}` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: scan.startedAt,
            endTimeUtc: scan.finishedAt,
            // Could not check is never silently dropped: each such check is a warning here.
            toolExecutionNotifications: entries
              .filter((entry) => entry.summary.status === 'not_evaluated')
              .map((entry) => ({
                level: 'warning' as const,
                message: { text: `Not evaluated: ${entry.summary.reason ?? 'no reason was recorded'}` },
                descriptor: { id: entry.summary.checkId },
              })),
          },
        ],
        results,
        properties: {
          cluster: { ...scan.cluster },
          scanId: scan.scanId,
          source: scan.source,
          collectedAt: scan.collectedAt,
        },
      },
    ],
  };
}

/** `result.sarif`. */
export function toSarif(
  scan: ScanResult,
  checks: readonly FormatCheckInfo[],
  options: SarifOptions = {},
): string {
  return `${JSON.stringify(buildSarifLog(scan, checks, options), null, 2)}\n`;
}
