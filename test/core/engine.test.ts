import { describe, expect, it } from 'vitest';
import { evaluate } from '../../functions/core/engine.ts';
import type { Check, CheckParams, Outcome, Policy, Snapshot, Waiver } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';

const COLLECTED_AT = '2026-06-01T00:00:00.000Z';

function snapshot() {
  const s = newSnapshot(
    { name: 'prod-eu', accountId: '111122223333', region: 'eu-west-1' },
    COLLECTED_AT,
    'test',
  );
  s.k8s.deployments.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'payments', labels: { team: 'payments' } },
  });
  s.k8s.deployments.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'checkout', labels: { team: 'web' } },
  });
  return s;
}

function check(
  id: string,
  overrides: Partial<Check> & { evaluate?: (s: Snapshot, p: Readonly<CheckParams>) => Outcome[] },
): Check {
  return {
    id,
    title: `Title of ${id}`,
    severity: 'high',
    responsibility: 'customer',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.1' }],
    reads: ['deployments'],
    rationale: 'why',
    remediation: { summary: 'fix it', cli: 'kubectl fix' },
    docs: ['https://example.com'],
    evaluate: () => [],
    ...overrides,
  };
}

/** Fails every Deployment. */
const failsDeployments = check('pod-things-failing', {
  evaluate: (s) =>
    s.k8s.deployments.map((d) => ({
      status: 'fail' as const,
      resource: { kind: 'Deployment', namespace: d.metadata.namespace, name: d.metadata.name },
      message: `${d.metadata.name} fails`,
    })),
});

const passes = check('pod-things-passing', {
  evaluate: (s) => [{ status: 'pass', resource: { kind: 'Cluster', name: s.cluster.name }, message: 'ok' }],
});

function policy(waivers: Waiver[] = [], severityOverrides: Policy['severityOverrides'] = {}): Policy {
  return { params: DEFAULT_PARAMS, waivers, severityOverrides };
}

function run(checks: Check[], p: Policy = policy(), s = snapshot()) {
  return evaluate({
    snapshot: s,
    checks,
    policy: p,
    scanId: 'scan-1',
    startedAt: COLLECTED_AT,
    now: () => '2026-06-01T00:00:05.000Z',
  });
}

describe('engine', () => {
  it('copies check metadata into every finding and rolls findings up per check', () => {
    const result = run([failsDeployments, passes]);
    expect(result.findings).toHaveLength(3);
    expect(result.findings[0]).toMatchObject({
      checkId: 'pod-things-failing',
      status: 'fail',
      severity: 'high',
      responsibility: 'customer',
      frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.1' }],
      resource: { kind: 'Deployment', namespace: 'payments', name: 'api' },
    });
    expect(result.checks.map((c) => [c.checkId, c.status, c.counts.fail, c.counts.pass])).toEqual([
      ['pod-things-failing', 'fail', 2, 0],
      ['pod-things-passing', 'pass', 0, 1],
    ]);
    expect(result).toMatchObject({
      schemaVersion: 1,
      scanId: 'scan-1',
      finishedAt: '2026-06-01T00:00:05.000Z',
    });
  });

  it('turns a check that throws into not_evaluated with the error, and goes on', () => {
    const throws = check('pod-things-throwing', {
      evaluate: () => {
        throw new RangeError('boom');
      },
    });
    const result = run([throws, passes]);
    expect(result.checks[0]).toMatchObject({
      status: 'not_evaluated',
      reason: expect.stringContaining('RangeError: boom'),
    });
    expect(result.checks[1]?.status).toBe('pass');
  });

  it('turns malformed outcomes into not_evaluated rather than trusting them', () => {
    const bad = check('pod-things-malformed', {
      evaluate: () => [
        { status: 'ok', resource: { kind: 'X', name: 'y' }, message: 'm' } as unknown as Outcome,
      ],
    });
    expect(run([bad]).checks[0]?.status).toBe('not_evaluated');
  });

  it('makes a check whose reads hit a gap not_evaluated with the gap reason, never pass', () => {
    const s = snapshot();
    s.gaps.push({ kind: 'deployments', reason: 'forbidden', message: 'deployments is forbidden' });
    let called = false;
    const wouldPass = check('pod-things-gapped', {
      evaluate: () => {
        called = true;
        return [{ status: 'pass', resource: { kind: 'Cluster', name: 'x' }, message: 'ok' }];
      },
    });
    const unrelated = check('eks-things-unrelated', {
      reads: ['eks:cluster'],
      evaluate: () => [{ status: 'pass', resource: { kind: 'Cluster', name: 'x' }, message: 'ok' }],
    });
    const result = run([wouldPass, unrelated], policy(), s);
    expect(called).toBe(false);
    expect(result.checks[0]).toMatchObject({
      status: 'not_evaluated',
      reason: expect.stringContaining('could not read deployments (forbidden)'),
    });
    expect(result.findings[0]?.status).toBe('not_evaluated');
    expect(result.checks[1]?.status).toBe('pass');
    expect(result.gaps).toEqual(s.gaps);
  });

  it('keeps every message character for character, whitespace at either end included', () => {
    const texts = [
      '  leading',
      'trailing\n',
      ' both ',
      '\u00a0no-break\u00a0',
      'inner  spaces\tand\nlines',
      '',
    ];
    const built = texts.map((text, i) => `${'x'.repeat(i)}${text}`.slice(i));
    const findings = run([
      check('pod-things-messages', {
        evaluate: () =>
          built.map((message) => ({ status: 'pass', resource: { kind: 'Cluster', name: 'c' }, message })),
      }),
    ]).findings;

    expect(findings.map((finding) => finding.message)).toEqual(texts);
  });

  it('applies a severity override', () => {
    expect(run([failsDeployments], policy([], { 'pod-things-failing': 'low' })).findings[0]?.severity).toBe(
      'low',
    );
  });

  it('treats a check with no findings as not applicable', () => {
    expect(run([check('pod-things-empty', {})]).checks[0]?.status).toBe('not_applicable');
  });
});

describe('waivers', () => {
  const base = {
    checkId: 'pod-things-failing',
    reason: 'accepted until migration',
    owner: 'payments-team',
    expires: '2026-12-31',
  };

  it('turns matching fails into waived and carries the waiver; the check is waived, not passed', () => {
    const result = run(
      [failsDeployments],
      policy([
        { ...base, id: 'w1', scope: { namespace: 'pay*' } },
        { ...base, id: 'w2', scope: { name: 'w?b' } },
      ]),
    );
    expect(result.findings.map((f) => [f.resource.name, f.status, f.waiver?.id])).toEqual([
      ['api', 'waived', 'w1'],
      ['web', 'waived', 'w2'],
    ]);
    expect(result.checks[0]?.status).toBe('waived');
    expect(result.scores.overall.compliance).toBeNull();
    expect(result.waivers.applied.map((w) => w.id)).toEqual(['w1', 'w2']);
  });

  it('matches by cluster glob, kind and labels', () => {
    const result = run(
      [failsDeployments],
      policy([
        { ...base, id: 'labels', scope: { cluster: 'prod-*', kind: 'Deployment', labels: { team: 'web' } } },
        { ...base, id: 'other-cluster', scope: { cluster: 'staging-*' } },
        { ...base, id: 'other-kind', scope: { kind: 'StatefulSet' } },
      ]),
    );
    expect(result.findings.map((f) => [f.resource.name, f.status])).toEqual([
      ['api', 'fail'],
      ['web', 'waived'],
    ]);
    expect(result.checks[0]?.status).toBe('fail');
    expect(result.waivers.unused.map((w) => w.id)).toEqual(['other-cluster', 'other-kind']);
  });

  it('reports expired waivers and does not apply them (expiry judged at collection time)', () => {
    const result = run(
      [failsDeployments],
      policy([{ ...base, id: 'old', expires: '2026-05-31', scope: {} }]),
    );
    expect(result.findings.every((f) => f.status === 'fail')).toBe(true);
    expect(result.waivers.expired.map((w) => w.id)).toEqual(['old']);
    expect(result.waivers.applied).toEqual([]);
  });

  it('keeps a date-only expiry valid through that whole day', () => {
    const result = run(
      [failsDeployments],
      policy([{ ...base, id: 'today', expires: '2026-06-01', scope: {} }]),
    );
    expect(result.waivers.applied.map((w) => w.id)).toEqual(['today']);
  });

  it('does not waive other checks', () => {
    const result = run([failsDeployments], policy([{ ...base, checkId: 'pod-other', id: 'x', scope: {} }]));
    expect(result.findings.every((f) => f.status === 'fail')).toBe(true);
  });
});

describe('result additions', () => {
  it('carries a per-requirement status for every registry framework and an empty exemption list', () => {
    const result = run([failsDeployments, passes]);
    expect(Object.keys(result.frameworks ?? {})).toEqual([
      'cis-eks-1.8.0',
      'pss-baseline',
      'pss-restricted',
      'nsa-cisa-1.2',
      'eks-best-practices',
    ]);
    const requirement = result.frameworks?.['cis-eks-1.8.0']?.requirements.find((r) => r.id === '4.2.1');
    expect(requirement).toMatchObject({
      status: 'fail',
      checks: ['pod-things-failing', 'pod-things-passing'],
    });
    expect(result.waivers.exempted).toEqual([]);
  });
});
