import { describe, expect, it } from 'vitest';
import type { CheckSummary, FrameworkId, Status } from '../../functions/core/model.ts';
import { computeScores, rollUpStatus, scoreOf, zeroCounts } from '../../functions/core/scoring.ts';

function summary(
  status: Status,
  responsibility: CheckSummary['responsibility'] = 'customer',
  framework: FrameworkId = 'cis-eks-1.8.0',
): CheckSummary {
  return {
    checkId: `c-${status}-${Math.random()}`,
    title: 't',
    severity: 'high',
    responsibility,
    frameworks: [{ framework, requirement: '1' }],
    status,
    counts: zeroCounts(),
  };
}

describe('scoring', () => {
  it('rolls up with fail first and never lets not_evaluated, manual or waived read as pass', () => {
    expect(rollUpStatus(['pass', 'fail', 'not_evaluated'])).toBe('fail');
    expect(rollUpStatus(['pass', 'not_evaluated'])).toBe('not_evaluated');
    expect(rollUpStatus(['pass', 'manual'])).toBe('manual');
    expect(rollUpStatus(['pass', 'waived'])).toBe('waived');
    expect(rollUpStatus(['pass', 'inherited'])).toBe('pass');
    expect(rollUpStatus([])).toBe('not_applicable');
  });

  it('computes compliance = passed / (passed + failed) and coverage = evaluated / applicable', () => {
    const checks = [
      ...Array.from({ length: 6 }, () => summary('pass')),
      ...Array.from({ length: 2 }, () => summary('fail')),
      summary('waived'),
      summary('not_evaluated'),
      summary('manual'),
      summary('inherited'),
      summary('not_applicable'),
    ];
    const score = scoreOf(checks);
    expect(score.compliance).toBe(75); // 6 / 8
    expect(score.coverage).toBe(81.8); // (6 + 2 + 1) / (13 - 1 - 1)
    expect(score.counts).toMatchObject({
      pass: 6,
      fail: 2,
      waived: 1,
      not_evaluated: 1,
      manual: 1,
      inherited: 1,
      not_applicable: 1,
    });
  });

  it('gives null, not 100, when nothing could be scored', () => {
    expect(scoreOf([summary('not_evaluated')])).toMatchObject({ compliance: null, coverage: 0 });
    expect(scoreOf([summary('inherited', 'aws')])).toMatchObject({ compliance: null, coverage: null });
  });

  it('splits scores per responsibility and per framework', () => {
    const scores = computeScores([
      summary('pass', 'customer', 'cis-eks-1.8.0'),
      summary('fail', 'customer', 'pss-baseline'),
      summary('fail', 'shared', 'cis-eks-1.8.0'),
      summary('inherited', 'aws', 'cis-eks-1.8.0'),
    ]);
    expect(scores.byResponsibility.customer.compliance).toBe(50);
    expect(scores.byResponsibility.shared.compliance).toBe(0);
    expect(scores.byResponsibility.aws).toMatchObject({ compliance: null, coverage: null });
    expect(scores.byFramework['cis-eks-1.8.0']?.compliance).toBe(50);
    expect(scores.byFramework['pss-baseline']?.compliance).toBe(0);
    expect(scores.overall.compliance).toBe(33.3);
  });
});
