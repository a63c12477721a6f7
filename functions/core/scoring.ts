import type { CheckSummary, FrameworkId, Responsibility, Score, Scores, Status } from './model.ts';
import { RESPONSIBILITIES, STATUSES } from './model.ts';

export function zeroCounts(): Record<Status, number> {
  const counts = {} as Record<Status, number>;
  for (const status of STATUSES) counts[status] = 0;
  return counts;
}

/**
 * Which status a check takes from its findings. A check fails if any finding fails;
 * anything that could not be checked outranks a pass, so "could not check" never reads as
 * "pass"; a waived failure is not a pass either.
 */
const PRECEDENCE: readonly Status[] = [
  'fail',
  'not_evaluated',
  'manual',
  'waived',
  'pass',
  'inherited',
  'not_applicable',
];

export function rollUpStatus(statuses: Iterable<Status>): Status {
  const seen = new Set(statuses);
  return PRECEDENCE.find((status) => seen.has(status)) ?? 'not_applicable';
}

function percent(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator / denominator) * 1000) / 10;
}

/**
 * compliance = checks passed / (passed + failed);
 * coverage = checks evaluated (passed, failed or waived) / checks applicable (all but
 * not_applicable and inherited). not_evaluated, manual, inherited and waived never count
 * as passed.
 */
export function scoreOf(checks: readonly CheckSummary[]): Score {
  const counts = zeroCounts();
  for (const check of checks) counts[check.status] += 1;
  const evaluated = counts.pass + counts.fail + counts.waived;
  const applicable = checks.length - counts.not_applicable - counts.inherited;
  return {
    compliance: percent(counts.pass, counts.pass + counts.fail),
    coverage: percent(evaluated, applicable),
    counts,
  };
}

export const SCORING_RULES: readonly string[] = [
  'Compliance = checks passed ÷ (checks passed + checks failed).',
  'Coverage = checks evaluated (passed, failed or waived) ÷ checks applicable (every check except not applicable and inherited).',
  'A check fails if any of its findings fails; a check that could not be evaluated is never counted as passed.',
  'Not evaluated, manual, inherited and waived checks never count as passed and are shown with their own counts.',
];

export function computeScores(checks: readonly CheckSummary[]): Scores {
  const byResponsibility = {} as Record<Responsibility, Score>;
  for (const responsibility of RESPONSIBILITIES) {
    byResponsibility[responsibility] = scoreOf(checks.filter((c) => c.responsibility === responsibility));
  }
  const frameworkIds = new Set<FrameworkId>();
  for (const check of checks) for (const ref of check.frameworks) frameworkIds.add(ref.framework);
  const byFramework: Partial<Record<FrameworkId, Score>> = {};
  for (const id of [...frameworkIds].sort()) {
    byFramework[id] = scoreOf(checks.filter((c) => c.frameworks.some((ref) => ref.framework === id)));
  }
  return { overall: scoreOf(checks), byResponsibility, byFramework };
}
