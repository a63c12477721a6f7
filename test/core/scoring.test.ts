import { describe, expect, it } from 'vitest';
import type { CheckSummary, FrameworkId, Status } from '../../functions/core/model.ts';
import {
  computeScores,
  requirementsOf,
  rollUpStatus,
  SCORING_RULES,
  scoreOf,
  zeroCounts,
} from '../../functions/core/scoring.ts';

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

  it('scores frameworks by requirement when the per-requirement roll-up is given', () => {
    const checks = [
      summary('pass', 'customer', 'cis-eks-1.8.0'),
      summary('fail', 'customer', 'cis-eks-1.8.0'),
    ];
    const requirement = (id: string, status: Status) => ({ id, title: id, status, checks: ['c'] });
    const scores = computeScores(checks, {
      'cis-eks-1.8.0': {
        title: 'CIS',
        requirements: [
          requirement('4.2.1', 'pass'),
          requirement('4.2.2', 'pass'),
          requirement('4.2.3', 'pass'),
          requirement('4.2.4', 'fail'),
          requirement('4.4.2', 'manual'),
          { id: '4.5.1', title: '4.5.1', status: 'not_evaluated', checks: [], reason: 'no check' },
          requirement('1', 'inherited'),
        ],
      },
      'pss-baseline': { title: 'PSS', requirements: [requirement('privileged', 'not_applicable')] },
    });
    // 3 passed of 4 scored; 4 evaluated of 6 applicable (inherited and not_applicable left out).
    expect(scores.byFramework['cis-eks-1.8.0']).toMatchObject({ compliance: 75, coverage: 66.7 });
    expect(scores.byFramework['pss-baseline']).toMatchObject({ compliance: null, coverage: null });
    // Overall and per responsibility still count checks.
    expect(scores.overall.compliance).toBe(50);
    expect(SCORING_RULES.some((rule) => rule.includes('requirements'))).toBe(true);
  });

  it('walks a framework’s section tree depth first for its requirements', () => {
    const requirement = (id: string) => ({ id, title: id, evaluation: 'automated' as const, how: 'h' });
    expect(
      requirementsOf({
        id: 'cis-eks-1.8.0',
        title: 't',
        version: 'v',
        url: 'https://example.com',
        sections: [
          { id: '1', title: 'a', requirements: [requirement('1')] },
          {
            id: '2',
            title: 'b',
            sections: [
              { id: '2.1', title: 'c', requirements: [requirement('2.1.1'), requirement('2.1.2')] },
              { id: '2.2', title: 'd', requirements: [requirement('2.2.1')] },
            ],
          },
        ],
      }).map((r) => r.id),
    ).toEqual(['1', '2.1.1', '2.1.2', '2.2.1']);
  });
});
