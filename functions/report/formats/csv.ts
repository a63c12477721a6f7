import type { Finding, ScanResult } from '../../core/model.ts';
import type { FormatCheckInfo } from './common.ts';
import { frameworkRefsText } from './common.ts';

/**
 * `findings.csv`: RFC 4180 (CRLF line ends, a header row, fields with a comma, quote or line
 * break quoted, quotes doubled), one row per finding.
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some treat a leading
 * tab or carriage return the same way) as a formula, and cluster text (names, messages) is
 * untrusted, so such a cell is prefixed with `'` — OWASP "CSV injection".
 */

export const CSV_COLUMNS = [
  'checkId',
  'status',
  'severity',
  'responsibility',
  'kind',
  'namespace',
  'name',
  'path',
  'message',
  'frameworks',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, neutralised and quoted as RFC 4180 requires. */
export function csvField(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(finding: Finding): string {
  const { resource } = finding;
  return [
    finding.checkId,
    finding.status,
    finding.severity,
    finding.responsibility,
    resource.kind,
    resource.namespace ?? '',
    resource.name,
    finding.path ?? '',
    finding.message,
    frameworkRefsText(finding),
  ]
    .map(csvField)
    .join(',');
}

/** `findings.csv`. The catalog is not needed; the parameter keeps the formats' common shape. */
export function toCsv(result: ScanResult, _checks: readonly FormatCheckInfo[] = []): string {
  const lines = [CSV_COLUMNS.join(','), ...result.findings.map(row)];
  return `${lines.join('\r\n')}\r\n`;
}
