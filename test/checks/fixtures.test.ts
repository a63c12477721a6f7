import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { evaluate } from '../../functions/core/engine.ts';
import type { ReadKind } from '../../functions/core/kinds.ts';
import type { Check, ClusterSnapshot, Finding, Policy } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { buildSnapshot, type ExpectedFinding, FIXTURES_DIR, loadFixtures } from '../helpers/fixtures.ts';

const policy: Policy = { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} };
const fixtures = loadFixtures();

function run(snapshot: ReturnType<typeof buildSnapshot>, checkId: string) {
  const check = CHECKS.find((c) => c.id === checkId);
  if (!check) throw new Error(`no registered check ${checkId}`);
  return evaluate({
    snapshot,
    checks: [check],
    policy,
    scanId: 'fixture',
    startedAt: snapshot.collectedAt,
    now: () => snapshot.collectedAt,
  });
}

function matches(finding: Finding, expected: ExpectedFinding): boolean {
  if (finding.status !== expected.status) return false;
  if (expected.path !== undefined && finding.path !== expected.path) return false;
  const r = expected.resource ?? {};
  return (
    (r.kind === undefined || r.kind === finding.resource.kind) &&
    (r.name === undefined || r.name === finding.resource.name) &&
    (r.namespace === undefined || r.namespace === finding.resource.namespace)
  );
}

describe('check fixtures', () => {
  it.each(fixtures.map((f) => [`${f.checkId}/${f.file}`, f] as const))('%s', (_name, fixture) => {
    const result = run(fixture.snapshot, fixture.checkId);
    const summary = result.checks[0];
    const detail = result.findings.map(
      (f) => `${f.status} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}: ${f.message}`,
    );
    expect(summary?.status, detail.join('\n')).toBe(fixture.expectedStatus);
    for (const expected of fixture.expectedFindings) {
      expect(
        result.findings.some((f) => matches(f, expected)),
        `expected ${JSON.stringify(expected)} among\n${detail.join('\n')}`,
      ).toBe(true);
    }
  });
});

describe('fixture coverage', () => {
  it.each(CHECKS.map((c) => [c.id, c] as const))(
    '%s has a fixture for every status it can give',
    (id, check) => {
      const expected = new Set(fixtures.filter((f) => f.checkId === id).map((f) => f.expectedStatus));
      // AWS-operated controls are reported as inherited whatever the cluster looks like.
      const declared = check.outcomes ?? (check.responsibility === 'aws' ? ['inherited'] : ['pass', 'fail']);
      for (const status of declared) expect(expected.has(status), `a fixture expecting ${status}`).toBe(true);
    },
  );

  it('lets only AWS-operated controls and declared manual or host-level items never fail', () => {
    const cannotFail = CHECKS.filter((c) => !(c.outcomes ?? ['fail']).includes('fail'));
    for (const check of cannotFail) {
      const outcomes = check.outcomes ?? ['inherited'];
      expect(
        outcomes.every((s) => ['manual', 'inherited', 'not_evaluated', 'pass'].includes(s)),
        `${check.id} declares ${outcomes.join(', ')}`,
      ).toBe(true);
      expect(
        outcomes.some((s) => s !== 'pass'),
        `${check.id} could only pass`,
      ).toBe(true);
    }
  });

  it('every fixture folder belongs to a registered check', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    expect(readdirSync(FIXTURES_DIR).filter((dir) => !ids.has(dir))).toEqual([]);
  });

  it('the baseline cluster fails no check and every check can read it', () => {
    const snapshot = buildSnapshot();
    const result = evaluate({
      snapshot,
      checks: CHECKS,
      policy,
      scanId: 'baseline',
      startedAt: snapshot.collectedAt,
      now: () => snapshot.collectedAt,
    });
    const bad = result.checks.filter((c) => c.status === 'fail' || c.status === 'not_evaluated');
    expect(bad.map((c) => `${c.checkId}: ${c.status}`)).toEqual([]);
  });
});

/**
 * A check must read nothing it does not declare in `reads`: the engine answers not_evaluated
 * only for gaps in declared kinds, so an undeclared read of a kind that could not be listed
 * would judge an empty list. With every undeclared list emptied, each fixture gives the very
 * same result.
 */
describe('declared reads', () => {
  function onlyDeclared(snapshot: ClusterSnapshot, reads: readonly ReadKind[]): ClusterSnapshot {
    const k8s = Object.fromEntries(
      Object.entries(snapshot.k8s).map(([kind, list]) => [
        kind,
        reads.includes(kind as ReadKind) ? list : [],
      ]),
    ) as unknown as ClusterSnapshot['k8s'];
    const reduced: ClusterSnapshot = { ...snapshot, k8s };
    if (!reads.includes('kubelet:configz')) delete reduced.kubelet;
    return reduced;
  }

  it.each(CHECKS.map((c) => [c.id, c] as const))('%s reads only the kinds it declares', (id, check) => {
    const cases = fixtures.filter((f) => f.checkId === id);
    expect(cases.length).toBeGreaterThan(0);
    for (const fixture of cases) {
      const whole = run(fixture.snapshot, check.id);
      const declared = run(onlyDeclared(fixture.snapshot, check.reads), check.id);
      expect(declared, fixture.file).toEqual(whole);
    }
  });

  it('tells a check that reads an undeclared kind apart', () => {
    const sneaky: Check = {
      ...(CHECKS[0] as Check),
      reads: ['nodes'],
      evaluate: (snapshot) =>
        snapshot.k8s.namespaces.map((namespace) => ({
          status: 'pass',
          resource: { kind: 'Namespace', name: namespace.metadata.name },
          message: 'seen',
        })),
    };
    const snapshot = buildSnapshot();
    expect(snapshot.k8s.namespaces.length).toBeGreaterThan(0);
    expect(sneaky.evaluate(onlyDeclared(snapshot, sneaky.reads), policy.params)).not.toEqual(
      sneaky.evaluate(snapshot, policy.params),
    );
  });
});
