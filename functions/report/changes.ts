import type { ScanDiff } from '../core/diff.ts';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The one-line account of a diff, for the CLI summary and the report:
 * `+3 new failures, −2 resolved, 1 no longer evaluated` (plus waiver changes when there are
 * any). "No longer evaluated" is always printed: it is never folded into "resolved".
 */
export function diffCountsText(diff: ScanDiff): string {
  const { counts } = diff;
  const parts = [
    `+${plural(counts.newFailures, 'new failure', 'new failures')}`,
    `\u2212${counts.resolved} resolved`,
    `${counts.noLongerEvaluated} no longer evaluated`,
  ];
  if (counts.waiverExpired > 0) parts.push(plural(counts.waiverExpired, 'waiver expired', 'waivers expired'));
  if (counts.newlyWaived > 0) parts.push(`${counts.newlyWaived} newly waived`);
  return parts.join(', ');
}

/** `Since the previous scan (20260301T020000Z-a1b2c3): +3 new failures, −2 resolved, 1 no longer evaluated` */
export function diffLine(diff: ScanDiff): string {
  if (!diff.previous) return 'First scan of this cluster: nothing to compare with yet.';
  return `Since the previous scan (${diff.previous.scanId}): ${diffCountsText(diff)}`;
}
