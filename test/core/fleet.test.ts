import { describe, expect, it } from 'vitest';
import {
  areaSummariesOf,
  assessCollection,
  countOutcomes,
  describeGaps,
  type FleetClusterEntry,
  meanCompliance,
  summaryOf,
  trendPointOf,
} from '../../functions/core/fleet.ts';
import type { CheckSummary, Gap, GapReason, ScanResult } from '../../functions/core/model.ts';
import { computeScores, zeroCounts } from '../../functions/core/scoring.ts';

const API_KINDS = ['pods', 'namespaces', 'roles', 'clusterroles'] as const;

function gapsFor(kinds: readonly string[], reason: GapReason, message = `${reason} here`): Gap[] {
  return kinds.map((kind) => ({ kind: kind as Gap['kind'], reason, message }));
}

describe('assessCollection', () => {
  it('calls a clean read scanned, without a reason', () => {
    expect(assessCollection([], API_KINDS)).toEqual({ outcome: 'scanned' });
  });

  it('calls a partial read scanned, naming the failed kinds by reason, with the RBAC fix for refusals', () => {
    const gaps = [
      ...gapsFor(['roles', 'clusterroles'], 'forbidden'),
      ...gapsFor(['pods'], 'timeout'),
      ...gapsFor(['eks:nodegroups'], 'forbidden'),
    ];

    const assessment = assessCollection(gaps, API_KINDS);

    expect(assessment).toEqual({
      outcome: 'scanned',
      reason:
        'partly read: 3 kinds forbidden: roles, clusterroles, eks:nodegroups; 1 kind timeout: pods ' +
        '(give the ClusterRole watchkeeper-reader get/list on them: kubectl apply -f deploy/cluster-rbac.yaml)',
    });
  });

  it('does not count kinds left out by configuration (not_collected) as failures', () => {
    expect(assessCollection(gapsFor(['kubelet:configz'], 'not_collected'), API_KINDS)).toEqual({
      outcome: 'scanned',
    });
  });

  it('calls every Kubernetes kind refused forbidden, saying how to bind the scanner group', () => {
    const assessment = assessCollection(gapsFor(API_KINDS, 'forbidden', 'HTTP 403 Forbidden'), API_KINDS);

    expect(assessment.outcome).toBe('forbidden');
    expect(assessment.reason).toContain(
      'every Kubernetes kind was refused (4 kinds forbidden: pods, namespaces',
    );
    expect(assessment.reason).toContain('watchkeeper-readers');
    expect(assessment.reason).toContain('deploy/cluster-rbac.yaml');
    expect(assessment.reason).toContain('First refusal: HTTP 403 Forbidden');
  });

  it('tells an unknown identity (401) to create the access entry', () => {
    const gaps = [
      ...gapsFor(['pods', 'namespaces'], 'unauthorized'),
      ...gapsFor(['roles', 'clusterroles'], 'forbidden'),
    ];

    const assessment = assessCollection(gaps, API_KINDS);

    expect(assessment.outcome).toBe('forbidden');
    expect(assessment.reason).toContain(
      'does not recognise the scanner identity: give the scanner role an EKS access entry',
    );
  });

  it('calls every kind out of reach unreachable, with the first failure', () => {
    const gaps = [
      ...gapsFor(['pods'], 'unreachable', 'connect ECONNREFUSED'),
      ...gapsFor(API_KINDS.slice(1), 'timeout'),
    ];

    expect(assessCollection(gaps, API_KINDS)).toEqual({
      outcome: 'unreachable',
      reason: 'the Kubernetes API could not be reached: connect ECONNREFUSED',
    });
  });

  it('calls any other complete failure an error, with the mix', () => {
    const gaps = [
      ...gapsFor(['pods', 'namespaces'], 'throttled'),
      ...gapsFor(['roles', 'clusterroles'], 'forbidden'),
    ];

    const assessment = assessCollection(gaps, API_KINDS);

    expect(assessment.outcome).toBe('error');
    expect(assessment.reason).toMatch(
      /^no Kubernetes kind could be read \(2 kinds throttled: .*; 2 kinds forbidden: /,
    );
  });

  it('is not fooled by AWS-side gaps: a cluster whose API was read is scanned', () => {
    const gaps = gapsFor(['eks:cluster', 'eks:clusterVersions'], 'forbidden');
    expect(assessCollection(gaps, API_KINDS).outcome).toBe('scanned');
  });

  it('counts each kind once and lists at most six names per reason', () => {
    const kinds = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(describeGaps([...gapsFor(kinds, 'forbidden'), ...gapsFor(['a'], 'forbidden')])).toBe(
      '8 kinds forbidden: a, b, c, d, e, f and 2 more',
    );
  });
});

function check(
  checkId: string,
  severity: CheckSummary['severity'],
  status: CheckSummary['status'],
): CheckSummary {
  return {
    checkId,
    title: checkId,
    severity,
    responsibility: 'customer',
    frameworks: [],
    status,
    counts: { ...zeroCounts(), [status]: 1 },
  };
}

describe('summaryOf', () => {
  it('keeps the overall score, failing checks by severity, the gap count and the failing ids', () => {
    const checks = [
      check('z-check', 'critical', 'fail'),
      check('a-check', 'high', 'fail'),
      check('b-check', 'high', 'pass'),
      check('c-check', 'low', 'not_evaluated'),
    ];
    const result = {
      checks,
      scores: computeScores(checks),
      gaps: gapsFor(['pods'], 'forbidden'),
    } as unknown as ScanResult;

    expect(summaryOf(result)).toEqual({
      overall: result.scores.overall,
      failingBySeverity: { critical: 1, high: 1, medium: 0, low: 0, info: 0 },
      gaps: 1,
      failingChecks: ['a-check', 'z-check'],
    });
  });

  it('counts failing, passed and not evaluated checks per area when given the areas', () => {
    const checks = [
      check('eks-a', 'medium', 'fail'),
      check('eks-b', 'critical', 'fail'),
      check('eks-c', 'high', 'fail'),
      check('eks-d', 'low', 'pass'),
      check('rbac-a', 'high', 'not_evaluated'),
      check('rbac-b', 'high', 'manual'),
      check('pods-a', 'high', 'waived'),
      check('retired-check', 'critical', 'fail'),
    ];
    const result = { checks, scores: computeScores(checks), gaps: [] } as unknown as ScanResult;
    const areaOf = (id: string) =>
      id.startsWith('eks-')
        ? 'eks'
        : id.startsWith('rbac-')
          ? 'rbac'
          : id.startsWith('pods-')
            ? 'pods'
            : undefined;

    expect(summaryOf(result, areaOf).areas).toEqual({
      eks: { failing: 3, worstSeverity: 'critical', passed: 1, notEvaluated: 0 },
      // Manual and waived are neither passed nor failed.
      rbac: { failing: 0, passed: 0, notEvaluated: 1 },
      pods: { failing: 0, passed: 0, notEvaluated: 0 },
    });
    expect(areaSummariesOf([], areaOf)).toEqual({});
  });
});

describe('meanCompliance and trendPointOf', () => {
  const entry = (outcome: FleetClusterEntry['outcome'], compliance: number | null): FleetClusterEntry => ({
    cluster: { name: `c-${outcome}-${compliance}` },
    clusterKey: `local/local/c-${outcome}-${compliance}`,
    outcome,
    summary: {
      overall: { compliance, coverage: 100, counts: zeroCounts() },
      failingBySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
      gaps: 0,
    },
  });

  it('averages the scanned clusters with a score, to 0.1, and counts only their failures', () => {
    const clusters = [
      entry('scanned', 50),
      entry('scanned', 33.33),
      entry('scanned', null),
      entry('error', 0),
    ];
    expect(meanCompliance(clusters)).toBe(41.7);
    expect(meanCompliance([entry('unreachable', 10)])).toBeNull();
    expect(
      trendPointOf({
        schemaVersion: 1,
        scanId: '20261123T020000Z-abc123',
        startedAt: '2026-11-23T02:00:00.000Z',
        finishedAt: '2026-11-23T02:05:00.000Z',
        clusters,
        skipped: [],
      }),
    ).toEqual({
      scanId: '20261123T020000Z-abc123',
      finishedAt: '2026-11-23T02:05:00.000Z',
      clusters: 4,
      scanned: 3,
      compliance: 41.7,
      failingBySeverity: { critical: 3, high: 6, medium: 0, low: 0, info: 0 },
    });
  });
});

describe('countOutcomes', () => {
  it('counts every outcome, zero included', () => {
    expect(countOutcomes([{ outcome: 'scanned' }, { outcome: 'scanned' }, { outcome: 'error' }])).toEqual({
      scanned: 2,
      unreachable: 0,
      forbidden: 0,
      error: 1,
    });
  });
});
