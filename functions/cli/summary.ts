import type { ScanDiff } from '../core/diff.ts';
import type { CheckSummary, ScanResult, Score, Severity } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import { diffLine } from '../report/changes.ts';

const RESPONSIBILITY_LABEL = { aws: 'AWS-managed', shared: 'Shared', customer: 'Customer' } as const;

function pct(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [
    row(header, widths),
    row(
      widths.map((w) => '─'.repeat(w)),
      widths,
    ),
    ...rows.map((r) => row(r, widths)),
  ];
}

function scoreRow(label: string, score: Score): string[] {
  const c = score.counts;
  return [
    label,
    pct(score.compliance),
    pct(score.coverage),
    String(c.pass),
    String(c.fail),
    String(c.not_evaluated),
    String(c.manual),
    String(c.inherited),
    String(c.waived),
  ];
}

/** Cluster text is untrusted: strip control characters so it cannot drive the terminal. */
export function terminalSafe(text: string, max = 120): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * The plain-text summary printed on stdout after a scan; with a diff, a line saying what
 * changed since the previous scan ("no longer evaluated" apart from "resolved").
 */
export function formatSummary(result: ScanResult, diff?: ScanDiff): string {
  const lines: string[] = [];
  const { scores } = result;
  lines.push(
    `Watchkeeper scan of ${terminalSafe(result.cluster.name)} (${result.source}, ${result.checks.length} checks)`,
  );
  if (diff) lines.push(terminalSafe(diffLine(diff), 200));
  lines.push('');
  lines.push(
    ...table(
      [
        'Responsibility',
        'Compliance',
        'Coverage',
        'Pass',
        'Fail',
        'Not evaluated',
        'Manual',
        'Inherited',
        'Waived',
      ],
      [
        ...(['aws', 'shared', 'customer'] as const).map((r) =>
          scoreRow(RESPONSIBILITY_LABEL[r], scores.byResponsibility[r]),
        ),
        scoreRow('Overall', scores.overall),
      ],
    ),
  );
  const failing = result.checks
    .filter((c) => c.status === 'fail')
    .sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.checkId.localeCompare(b.checkId),
    );
  lines.push('');
  if (failing.length === 0) {
    lines.push('No failing checks.');
  } else {
    lines.push(`Failing checks (${failing.length}):`);
    lines.push(
      ...table(
        ['Severity', 'Check', 'Failing', 'Title'],
        failing.map((c: CheckSummary) => [
          c.severity.toUpperCase(),
          c.checkId,
          String(c.counts.fail),
          c.title,
        ]),
      ),
    );
  }
  const notEvaluated = result.checks.filter((c) => c.status === 'not_evaluated');
  if (notEvaluated.length > 0) {
    lines.push('');
    lines.push(`Not evaluated (${notEvaluated.length}) — could not check, never counted as passed:`);
    for (const c of notEvaluated)
      lines.push(`  ${c.checkId}: ${terminalSafe(c.reason ?? 'no reason given', 160)}`);
  }
  return lines.join('\n');
}

/** True when a failing finding is at or above the threshold (`--fail-on`). */
export function failsThreshold(result: ScanResult, threshold: Severity): boolean {
  return result.findings.some(
    (f) => f.status === 'fail' && severityRank(f.severity) <= severityRank(threshold),
  );
}
