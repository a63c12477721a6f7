import { createHash } from 'node:crypto';
import pkg from '../../../package.json' with { type: 'json' };
import type { Check, CheckSummary, Finding, ScanResult } from '../../core/model.ts';

/**
 * What the machine formats (SARIF, JUnit, CSV, ASFF) share. Each format is a pure function
 * of a result and the catalog: `(result, checks) → string`. The catalog supplies rationale,
 * remediation and documentation links; a check in the result but not in the catalog is
 * still written, from the result alone.
 */

/** The catalog metadata a format prints for a check; a `Check` satisfies it. */
export type FormatCheckInfo = Pick<Check, 'id' | 'title' | 'rationale' | 'remediation' | 'docs'>;

export const TOOL_NAME = 'Watchkeeper';
export const TOOL_VERSION: string = (pkg as { version: string }).version;

/** Every check of a result with its catalog entry (if any), in the result's order. */
export interface CheckEntry {
  summary: CheckSummary;
  info: FormatCheckInfo | undefined;
}

export function checkEntries(result: ScanResult, checks: readonly FormatCheckInfo[]): CheckEntry[] {
  const catalog = new Map(checks.map((check) => [check.id, check]));
  return result.checks.map((summary) => ({ summary, info: catalog.get(summary.checkId) }));
}

/** The first https documentation link of a check, if any. */
export function firstHttpsLink(info: FormatCheckInfo | undefined): string | undefined {
  for (const url of info?.docs ?? []) {
    try {
      if (new URL(url).protocol === 'https:') return new URL(url).href;
    } catch {
      // not a URL: skipped
    }
  }
  return undefined;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Cuts `text` to at most `max` UTF-16 code units, marking the cut, without splitting a
 * surrogate pair.
 */
export function truncate(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - marker.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${marker}`;
}

/** `kind namespace/name`, or `kind name` for a cluster-scoped resource. */
export function resourceLabel(finding: Pick<Finding, 'resource'>): string {
  const { kind, namespace, name } = finding.resource;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** `cis-eks-1.8.0 4.2.1; pss-baseline privileged` */
export function frameworkRefsText(finding: Pick<Finding, 'frameworks'>): string {
  return (finding.frameworks ?? []).map((ref) => `${ref.framework} ${ref.requirement}`).join('; ');
}
