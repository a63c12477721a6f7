import { describe, expect, it } from 'vitest';
import { evaluate } from '../../functions/core/engine.ts';
import type {
  Check,
  Framework,
  FrameworkRef,
  Outcome,
  Policy,
  ScanResult,
  Snapshot,
} from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { NO_CHECK, rollUpFrameworks } from '../../functions/core/scoring.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';
import { FRAMEWORKS } from '../../functions/frameworks/index.ts';

const COLLECTED_AT = '2026-06-01T00:00:00.000Z';
const BASELINE: FrameworkRef = { framework: 'pss-baseline', requirement: 'capabilities_baseline' };
const RESTRICTED: FrameworkRef = { framework: 'pss-restricted', requirement: 'capabilities_restricted' };

/** A small registry: two PSS requirements each, so "no check" entries are easy to spot. */
const PSS: Framework[] = [
  {
    id: 'pss-baseline',
    title: 'Baseline',
    version: 'test',
    url: 'https://example.com',
    sections: [
      {
        id: 'b',
        title: 'B',
        requirements: [
          { id: 'capabilities_baseline', title: 'Caps (baseline)', evaluation: 'automated', how: 'h' },
          { id: 'privileged', title: 'Privileged', evaluation: 'automated', how: 'h' },
        ],
      },
    ],
  },
  {
    id: 'pss-restricted',
    title: 'Restricted',
    version: 'test',
    url: 'https://example.com',
    sections: [
      {
        id: 'r',
        title: 'R',
        sections: [
          {
            id: 'r1',
            title: 'R1',
            requirements: [
              {
                id: 'capabilities_restricted',
                title: 'Caps (restricted)',
                evaluation: 'automated',
                how: 'h',
              },
              { id: 'runAsNonRoot', title: 'Non-root', evaluation: 'automated', how: 'h' },
            ],
          },
        ],
      },
    ],
  },
];

function snapshot() {
  return newSnapshot({ name: 'prod-eu' }, COLLECTED_AT, 'test');
}

function check(id: string, frameworks: FrameworkRef[], outcomes: (s: Snapshot) => Outcome[]): Check {
  return {
    id,
    title: `Title of ${id}`,
    severity: 'high',
    responsibility: 'customer',
    frameworks,
    reads: [],
    rationale: 'why',
    remediation: { summary: 'fix it' },
    docs: ['https://example.com'],
    evaluate: outcomes,
  };
}

const policy: Policy = { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} };

/** `'registry'`: let the engine default to the framework registry. */
function run(checks: Check[], frameworks: readonly Framework[] | 'registry' = PSS): ScanResult {
  const s = snapshot();
  return evaluate({
    snapshot: s,
    checks,
    policy,
    scanId: 'scan-1',
    startedAt: COLLECTED_AT,
    now: () => COLLECTED_AT,
    ...(frameworks === 'registry' ? {} : { frameworks }),
  });
}

const resource = (name: string) => ({ kind: 'Deployment', namespace: 'shop', name });

/** Capabilities: `api` fails restricted only, `web` passes both. */
const capabilities = check('pod-caps', [BASELINE, RESTRICTED], () => [
  { status: 'fail', resource: resource('api'), message: 'does not drop ALL', requirements: [RESTRICTED] },
  { status: 'pass', resource: resource('web'), message: 'drops ALL' },
]);

function requirement(result: ScanResult, framework: 'pss-baseline' | 'pss-restricted', id: string) {
  return result.frameworks?.[framework]?.requirements.find((r) => r.id === id);
}

describe('per-requirement status', () => {
  it('copies an outcome’s requirements into the finding, and the check’s frameworks otherwise', () => {
    const result = run([capabilities]);
    expect(result.findings.map((f) => [f.resource.name, f.frameworks])).toEqual([
      ['api', [RESTRICTED]],
      ['web', [BASELINE, RESTRICTED]],
    ]);
    expect(result.findings[0]).not.toHaveProperty('requirements');
  });

  it('gives outcomes naming the same requirements one frozen copy, apart from the check’s own list', () => {
    const requirements = [RESTRICTED];
    const narrowing = check('pod-caps', [BASELINE, RESTRICTED], () => [
      { status: 'fail', resource: resource('api'), message: 'm', requirements },
      { status: 'fail', resource: resource('db'), message: 'm', requirements: [{ ...RESTRICTED }] },
      { status: 'pass', resource: resource('web'), message: 'm', requirements: [BASELINE] },
    ]);
    const [api, db, web] = run([narrowing]).findings;

    expect(api?.frameworks).toBe(db?.frameworks);
    expect(api?.frameworks).not.toBe(requirements);
    expect(Object.isFrozen(api?.frameworks) && Object.isFrozen(api?.frameworks[0])).toBe(true);
    expect(web?.frameworks).toEqual([BASELINE]);
  });

  it('does not count a restricted-only failure against baseline', () => {
    const result = run([capabilities]);
    expect(requirement(result, 'pss-baseline', 'capabilities_baseline')).toEqual({
      id: 'capabilities_baseline',
      title: 'Caps (baseline)',
      status: 'pass',
      checks: ['pod-caps'],
    });
    expect(requirement(result, 'pss-restricted', 'capabilities_restricted')?.status).toBe('fail');
    // The check itself still fails: requirements narrow frameworks, not the verdict.
    expect(result.checks[0]?.status).toBe('fail');
  });

  it('marks a requirement no check maps to not_evaluated with the reason "no check", in document order', () => {
    const result = run([capabilities]);
    expect(result.frameworks?.['pss-baseline']?.requirements.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['capabilities_baseline', 'pass', undefined],
      ['privileged', 'not_evaluated', NO_CHECK],
    ]);
    expect(result.frameworks?.['pss-restricted']?.requirements.map((r) => r.id)).toEqual([
      'capabilities_restricted',
      'runAsNonRoot',
    ]);
    expect(result.frameworks?.['pss-restricted']?.title).toBe('Restricted');
  });

  it('rolls up with the check precedence across every check mapping to a requirement', () => {
    const privileged: FrameworkRef = { framework: 'pss-baseline', requirement: 'privileged' };
    const passes = check('pod-a', [privileged], () => [
      { status: 'pass', resource: resource('a'), message: 'ok' },
    ]);
    const manual = check('pod-b', [privileged], () => [
      { status: 'manual', resource: resource('b'), message: 'm' },
    ]);
    const gapped = check('pod-c', [privileged], () => {
      throw new Error('boom');
    });
    expect(requirement(run([passes]), 'pss-baseline', 'privileged')?.status).toBe('pass');
    expect(requirement(run([passes, manual]), 'pss-baseline', 'privileged')?.status).toBe('manual');
    const withError = requirement(run([passes, manual, gapped]), 'pss-baseline', 'privileged');
    expect(withError).toMatchObject({
      status: 'not_evaluated',
      checks: ['pod-a', 'pod-b', 'pod-c'],
      reason: 'not evaluated by pod-c',
    });
  });

  it('makes a requirement whose checks found nothing to judge not_applicable', () => {
    const empty = check('pod-empty', [BASELINE], () => []);
    expect(requirement(run([empty]), 'pss-baseline', 'capabilities_baseline')).toMatchObject({
      status: 'not_applicable',
      checks: ['pod-empty'],
    });
  });

  it('keeps a waived failure waived at requirement level, never pass', () => {
    const result = evaluate({
      snapshot: snapshot(),
      checks: [capabilities],
      policy: {
        ...policy,
        waivers: [
          {
            id: 'w',
            checkId: 'pod-caps',
            scope: { name: 'api' },
            reason: 'accepted for now',
            owner: 'me',
            expires: '2027-01-01',
          },
        ],
      },
      scanId: 's',
      startedAt: COLLECTED_AT,
      now: () => COLLECTED_AT,
      frameworks: PSS,
    });
    expect(requirement(result, 'pss-restricted', 'capabilities_restricted')?.status).toBe('waived');
  });

  it('scores a framework by its requirements: passed / (passed + failed), unmapped ones not evaluated', () => {
    const result = run([capabilities]);
    // Baseline: capabilities_baseline pass, privileged no check.
    expect(result.scores.byFramework['pss-baseline']).toMatchObject({ compliance: 100, coverage: 50 });
    // Restricted: capabilities_restricted fail, runAsNonRoot no check.
    expect(result.scores.byFramework['pss-restricted']).toMatchObject({ compliance: 0, coverage: 50 });
    expect(result.scores.byFramework['pss-restricted']?.counts).toMatchObject({ fail: 1, not_evaluated: 1 });
  });

  it('keeps requirements and frameworks the registry lacks rather than dropping them', () => {
    const stray = check('pod-stray', [{ framework: 'nsa-cisa-1.2', requirement: 'made-up' }], () => [
      { status: 'fail', resource: resource('x'), message: 'bad' },
    ]);
    const result = run([stray]);
    expect(result.frameworks?.['nsa-cisa-1.2']).toEqual({
      title: 'nsa-cisa-1.2',
      requirements: [{ id: 'made-up', title: 'made-up', status: 'fail', checks: ['pod-stray'] }],
    });
  });

  it('defaults to the framework registry', () => {
    const result = run([capabilities], 'registry');
    expect(Object.keys(result.frameworks ?? {})).toEqual(FRAMEWORKS.map((f) => f.id));
    expect(result.frameworks?.['cis-eks-1.8.0']?.requirements).toHaveLength(51);
    expect(
      result.frameworks?.['cis-eks-1.8.0']?.requirements.every((r) => r.status === 'not_evaluated'),
    ).toBe(true);
  });
});

describe('requirements validation', () => {
  it.each([
    [[{ framework: 'pss-baseline', requirement: 'privileged' }], 'pss-baseline privileged'],
    [
      [{ framework: 'cis-eks-1.8.0', requirement: 'capabilities_restricted' }],
      'cis-eks-1.8.0 capabilities_restricted',
    ],
    [[], 'empty requirements list'],
  ] as const)('makes a check whose outcome names %j not_evaluated with the error', (requirements, needle) => {
    const bad = check('pod-bad', [BASELINE, RESTRICTED], () => [
      {
        status: 'fail',
        resource: resource('api'),
        message: 'm',
        requirements: [...requirements] as FrameworkRef[],
      },
    ]);
    const result = run([bad]);
    expect(result.checks[0]).toMatchObject({
      status: 'not_evaluated',
      reason: expect.stringContaining(needle),
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]?.status).toBe('not_evaluated');
    expect(requirement(result, 'pss-baseline', 'capabilities_baseline')?.status).toBe('not_evaluated');
  });
});

describe('rollUpFrameworks', () => {
  it('is a pure function of frameworks, checks and findings', () => {
    const out = rollUpFrameworks(
      PSS,
      [{ id: 'c', frameworks: [BASELINE] }],
      [{ checkId: 'c', status: 'fail', frameworks: [BASELINE] }],
    );
    expect(out['pss-baseline']?.requirements[0]).toEqual({
      id: 'capabilities_baseline',
      title: 'Caps (baseline)',
      status: 'fail',
      checks: ['c'],
    });
  });
});
