import { describe, expect, it } from 'vitest';
import { type DiffEntry, diffResults, findingKey, type ScanDiff } from '../../functions/core/diff.ts';
import type {
  CheckSummary,
  Finding,
  ResourceRef,
  ScanResult,
  Severity,
  Status,
  Waiver,
} from '../../functions/core/model.ts';
import { SCHEMA_VERSION } from '../../functions/core/model.ts';
import { computeScores, rollUpStatus, zeroCounts } from '../../functions/core/scoring.ts';

type Row = {
  check?: string;
  status: Status;
  resource?: Partial<ResourceRef>;
  path?: string;
  severity?: Severity;
  waiver?: Finding['waiver'];
  message?: string;
};

const WEB: ResourceRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
const PRIV = 'spec.template.spec.containers[0].securityContext.privileged';

function finding(row: Row): Finding {
  return {
    checkId: row.check ?? 'pod-containers-not-privileged',
    status: row.status,
    resource: { ...WEB, ...row.resource } as ResourceRef,
    message: row.message ?? `${row.status} message`,
    ...(row.path !== undefined ? { path: row.path } : {}),
    severity: row.severity ?? 'critical',
    responsibility: 'customer',
    frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.1' }],
    ...(row.waiver ? { waiver: row.waiver } : {}),
  };
}

/** A result whose check roll-ups come from the findings, plus any check that reported nothing. */
function result(
  scanId: string,
  rows: readonly Row[],
  extra: { checks?: Partial<CheckSummary>[]; expired?: Waiver[] } = {},
): ScanResult {
  const findings = rows.map(finding);
  const ids = [...new Set(findings.map((f) => f.checkId))];
  const checks: CheckSummary[] = ids.map((checkId) => {
    const mine = findings.filter((f) => f.checkId === checkId);
    const counts = zeroCounts();
    for (const f of mine) counts[f.status] += 1;
    const status = rollUpStatus(mine.map((f) => f.status));
    return {
      checkId,
      title: `Title of ${checkId}`,
      severity: mine[0]?.severity ?? 'critical',
      responsibility: 'customer',
      frameworks: [],
      status,
      counts,
      ...(status === 'not_evaluated' ? { reason: mine.find((f) => f.status === status)?.message } : {}),
    };
  });
  for (const check of extra.checks ?? []) {
    const index = checks.findIndex((c) => c.checkId === check.checkId);
    const merged = { ...(checks[index] ?? checks[0]), ...check } as CheckSummary;
    if (index === -1) checks.push(merged);
    else checks[index] = merged;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    scanId,
    cluster: { name: 'prod' },
    source: 'test',
    startedAt: '2026-03-01T02:00:00Z',
    finishedAt: `2026-03-0${scanId === 'before' ? 1 : 2}T02:01:00Z`,
    collectedAt: '2026-03-01T02:00:30Z',
    findings,
    checks,
    scores: computeScores(checks),
    gaps: [],
    waivers: { applied: [], expired: extra.expired ?? [], unused: [] },
  };
}

const WAIVER = { id: 'w-web', owner: 'shop-team', reason: 'vendor image', expires: '2026-02-28' };

function only(diff: ScanDiff): Record<string, Array<Partial<DiffEntry>>> {
  const out: Record<string, Array<Partial<DiffEntry>>> = {};
  for (const [category, count] of Object.entries(diff.counts)) {
    if (count === 0) continue;
    out[category] = (diff[category as keyof typeof diff.counts] as DiffEntry[]).map((e) => ({
      checkId: e.checkId,
      name: e.resource.name,
      previousStatus: e.previousStatus,
      status: e.status,
      ...(e.resolution ? { resolution: e.resolution } : {}),
      ...(e.waiverEnd ? { waiverEnd: e.waiverEnd } : {}),
    })) as Array<Partial<DiffEntry>>;
  }
  return out;
}

describe('findingKey', () => {
  it('keys on check, kind, namespace, name and path, unambiguously', () => {
    const a = finding({ status: 'fail', path: PRIV });
    expect(findingKey(a)).toBe(findingKey(finding({ status: 'pass', path: PRIV, message: 'other' })));
    expect(findingKey(a)).not.toBe(findingKey({ ...a, path: undefined }));
    expect(findingKey(a)).not.toBe(findingKey({ ...a, resource: { ...WEB, namespace: 'other' } }));
    expect(findingKey(a)).not.toBe(findingKey({ ...a, resource: { ...WEB, kind: 'StatefulSet' } }));
    // A separator inside a name cannot make two different findings collide.
    expect(findingKey({ ...a, resource: { kind: 'Pod', namespace: 'a|b', name: 'c' } })).not.toBe(
      findingKey({ ...a, resource: { kind: 'Pod', namespace: 'a', name: 'b|c' } }),
    );
  });
});

describe('diffResults', () => {
  it('has nothing to compare on the first scan', () => {
    const diff = diffResults(undefined, result('now', [{ status: 'fail', path: PRIV }]));
    expect(diff.previous).toBeNull();
    expect(Object.values(diff.counts).every((count) => count === 0)).toBe(true);
  });

  it('names the previous scan', () => {
    const diff = diffResults(result('before', []), result('now', []));
    expect(diff.previous).toEqual({ scanId: 'before', finishedAt: '2026-03-01T02:01:00Z' });
  });

  it('fail → fail: still failing', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'fail', path: PRIV, message: 'now' }]),
    );
    expect(only(diff)).toEqual({
      stillFailing: [
        { checkId: 'pod-containers-not-privileged', name: 'web', previousStatus: 'fail', status: 'fail' },
      ],
    });
    expect(diff.stillFailing[0]?.message).toBe('now');
  });

  it.each<[string, Status | null, Row[]]>([
    ['pass', 'pass', [{ status: 'pass', path: PRIV }]],
    ['not applicable', 'not_applicable', [{ status: 'not_applicable', path: PRIV }]],
  ])('fail → %s: resolved', (_, status, rows) => {
    const diff = diffResults(result('before', [{ status: 'fail', path: PRIV }]), result('now', rows));
    expect(diff.counts.resolved).toBe(1);
    expect(diff.resolved[0]).toMatchObject({ previousStatus: 'fail', status });
  });

  it('fail → the resource now passes without the failing field: resolved (passes)', () => {
    // Checks report a pass per resource without a path, so the failing key disappears.
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'pass' }]),
    );
    expect(only(diff)).toEqual({
      resolved: [
        {
          checkId: 'pod-containers-not-privileged',
          name: 'web',
          previousStatus: 'fail',
          status: null,
          resolution: 'passes',
        },
      ],
    });
  });

  it('fail → resource gone while the check was evaluated: resolved (gone)', () => {
    const diff = diffResults(
      result('before', [
        { status: 'fail', path: PRIV },
        { status: 'pass', resource: { name: 'api' } },
      ]),
      result('now', [{ status: 'pass', resource: { name: 'api' } }]),
    );
    expect(diff.counts.resolved).toBe(1);
    expect(diff.resolved[0]).toMatchObject({ resolution: 'gone', status: null, resource: WEB, path: PRIV });
  });

  it('fail at one path → fail at another on the same resource: the old key resolved, the new one new', () => {
    const other = 'spec.template.spec.containers[1].securityContext.privileged';
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'fail', path: other }]),
    );
    expect(diff.counts).toMatchObject({ resolved: 1, newFailures: 1, stillFailing: 0 });
    expect(diff.resolved[0]?.resolution).toBe('gone');
    expect(diff.newFailures[0]?.path).toBe(other);
  });

  it('fail → not_evaluated (the check could not read its data): no longer evaluated, never resolved', () => {
    const reason = 'could not read deployments (forbidden): deployments is forbidden';
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [
        { status: 'not_evaluated', resource: { kind: 'Cluster', name: 'prod' }, message: reason },
      ]),
    );
    expect(only(diff)).toEqual({
      noLongerEvaluated: [
        { checkId: 'pod-containers-not-privileged', name: 'web', previousStatus: 'fail', status: null },
      ],
    });
    expect(diff.noLongerEvaluated[0]?.reason).toBe(reason);
    expect(diff.counts.resolved).toBe(0);
  });

  it('fail → not_evaluated on the same key: no longer evaluated', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [
        { status: 'not_evaluated', path: PRIV, message: 'image registry unreachable' },
        { status: 'fail', resource: { name: 'other' } },
      ]),
    );
    expect(diff.noLongerEvaluated).toEqual([
      expect.objectContaining({
        previousStatus: 'fail',
        status: 'not_evaluated',
        reason: 'image registry unreachable',
      }),
    ]);
    expect(diff.counts.resolved).toBe(0);
  });

  it('fail → the resource is reported not evaluated without the path: no longer evaluated', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [
        { status: 'not_evaluated', message: 'owner not collected' },
        { status: 'pass', resource: { name: 'other' } },
      ]),
    );
    expect(diff.noLongerEvaluated[0]).toMatchObject({ reason: 'owner not collected', status: null });
    expect(diff.counts.resolved).toBe(0);
  });

  it('fail → manual: no longer evaluated', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'manual', path: PRIV }]),
    );
    expect(diff.counts).toMatchObject({ noLongerEvaluated: 1, resolved: 0 });
  });

  it('fail → the check is gone from the scan: no longer evaluated', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ check: 'other-check', status: 'pass' }]),
    );
    expect(diff.noLongerEvaluated[0]).toMatchObject({ reason: 'the check is not in this scan' });
    expect(diff.counts.resolved).toBe(0);
  });

  it('fail → the check ran but is manual as a whole and reports nothing on the key: no longer evaluated', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'manual', resource: { kind: 'Cluster', name: 'prod' } }]),
    );
    expect(diff.counts).toMatchObject({ noLongerEvaluated: 1, resolved: 0 });
    expect(diff.noLongerEvaluated[0]?.reason).toBe('the check is manual in this scan');
  });

  it.each<[string, Status | null]>([
    ['pass', 'pass'],
    ['not_evaluated', 'not_evaluated'],
    ['not_applicable', 'not_applicable'],
    ['manual', 'manual'],
    ['absent', null],
  ])('%s → fail: new failure', (_, before) => {
    const diff = diffResults(
      result(
        'before',
        before ? [{ status: before, path: PRIV }] : [{ status: 'pass', resource: { name: 'x' } }],
      ),
      result('now', [{ status: 'fail', path: PRIV }]),
    );
    expect(only(diff)).toEqual({
      newFailures: [
        { checkId: 'pod-containers-not-privileged', name: 'web', previousStatus: before, status: 'fail' },
      ],
    });
  });

  it('a new failure inside a check that was already failing is still new', () => {
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [
        { status: 'fail', path: PRIV },
        { status: 'fail', path: PRIV, resource: { name: 'api' } },
      ]),
    );
    expect(diff.counts).toMatchObject({ newFailures: 1, stillFailing: 1 });
    expect(diff.newFailures[0]?.resource.name).toBe('api');
  });

  it('fail → waived: newly waived, with the waiver now applied', () => {
    const waiver = { ...WAIVER, expires: '2099-01-01' };
    const diff = diffResults(
      result('before', [{ status: 'fail', path: PRIV }]),
      result('now', [{ status: 'waived', path: PRIV, waiver }]),
    );
    expect(only(diff)).toEqual({
      newlyWaived: [
        { checkId: 'pod-containers-not-privileged', name: 'web', previousStatus: 'fail', status: 'waived' },
      ],
    });
    expect(diff.newlyWaived[0]?.waiver).toEqual(waiver);
  });

  it('absent → waived: newly waived', () => {
    const diff = diffResults(
      result('before', []),
      result('now', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
    );
    expect(diff.newlyWaived[0]).toMatchObject({ previousStatus: null, status: 'waived' });
  });

  it('waived → waived: not a change', () => {
    const diff = diffResults(
      result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
      result('now', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
    );
    expect(only(diff)).toEqual({});
  });

  it('waived → fail with the waiver expired: waiver expired', () => {
    const diff = diffResults(
      result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
      result('now', [{ status: 'fail', path: PRIV }], {
        expired: [{ ...WAIVER, checkId: 'pod-containers-not-privileged', scope: {} }],
      }),
    );
    expect(only(diff)).toEqual({
      waiverExpired: [
        {
          checkId: 'pod-containers-not-privileged',
          name: 'web',
          previousStatus: 'waived',
          status: 'fail',
          waiverEnd: 'expired',
        },
      ],
    });
    expect(diff.waiverExpired[0]?.waiver).toEqual(WAIVER);
    expect(diff.counts.newFailures).toBe(0);
  });

  it('waived → fail with the waiver removed from the policy: the waiver no longer applies', () => {
    const diff = diffResults(
      result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
      result('now', [{ status: 'fail', path: PRIV }]),
    );
    expect(diff.waiverExpired[0]?.waiverEnd).toBe('no_longer_applies');
  });

  it('waived → pass: resolved; waived → not evaluated: no longer evaluated', () => {
    const fixed = diffResults(
      result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
      result('now', [{ status: 'pass' }]),
    );
    expect(fixed.resolved[0]).toMatchObject({ previousStatus: 'waived', resolution: 'passes' });

    const unknown = diffResults(
      result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]),
      result('now', [{ status: 'not_evaluated', resource: { kind: 'Cluster', name: 'prod' } }]),
    );
    expect(unknown.counts).toMatchObject({ noLongerEvaluated: 1, resolved: 0 });
  });

  it.each<Status>(['pass', 'not_applicable', 'not_evaluated', 'manual', 'inherited'])(
    'a %s finding that stays or goes is not a change',
    (status) => {
      const diff = diffResults(result('before', [{ status, path: PRIV }]), result('now', []));
      expect(only(diff)).toEqual({});
    },
  );

  it('treats a key reported twice by the rolled-up status (fail outranks pass)', () => {
    const diff = diffResults(
      result('before', [
        { status: 'pass', path: PRIV },
        { status: 'fail', path: PRIV },
      ]),
      result('now', [{ status: 'pass', path: PRIV }]),
    );
    expect(diff.counts).toMatchObject({ resolved: 1, newFailures: 0 });
  });

  it('takes severity and title from the current scan, and sorts by severity then check', () => {
    const diff = diffResults(
      result('before', []),
      result('now', [
        { check: 'b-low', status: 'fail', severity: 'low' },
        { check: 'a-low', status: 'fail', severity: 'low' },
        { check: 'z-critical', status: 'fail', severity: 'critical' },
      ]),
    );
    expect(diff.newFailures.map((e) => [e.checkId, e.severity, e.title])).toEqual([
      ['z-critical', 'critical', 'Title of z-critical'],
      ['a-low', 'low', 'Title of a-low'],
      ['b-low', 'low', 'Title of b-low'],
    ]);
  });

  it('counts match the lists, and every failing key of both scans lands in exactly one place', () => {
    const before = result('before', [
      { status: 'fail', path: PRIV },
      { status: 'fail', resource: { name: 'gone' }, path: PRIV },
      { status: 'fail', resource: { name: 'blind' }, path: PRIV, check: 'blind-check' },
      { status: 'waived', resource: { name: 'w' }, path: PRIV, waiver: WAIVER },
    ]);
    const now = result(
      'now',
      [
        { status: 'fail', path: PRIV },
        { status: 'fail', resource: { name: 'new' }, path: PRIV },
        { status: 'not_evaluated', resource: { kind: 'Cluster', name: 'prod' }, check: 'blind-check' },
        { status: 'fail', resource: { name: 'w' }, path: PRIV },
      ],
      { expired: [{ ...WAIVER, checkId: 'pod-containers-not-privileged', scope: {} }] },
    );
    const diff = diffResults(before, now);
    expect(diff.counts).toEqual({
      newFailures: 1,
      resolved: 1,
      stillFailing: 1,
      noLongerEvaluated: 1,
      newlyWaived: 0,
      waiverExpired: 1,
    });
    const keys = [
      ...diff.newFailures,
      ...diff.resolved,
      ...diff.stillFailing,
      ...diff.noLongerEvaluated,
      ...diff.waiverExpired,
    ].map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is pure: the inputs are not changed', () => {
    const before = result('before', [{ status: 'waived', path: PRIV, waiver: WAIVER }]);
    const now = result('now', [{ status: 'fail', path: PRIV }]);
    const copies = JSON.stringify([before, now]);
    const diff = diffResults(before, now);
    const first = diff.waiverExpired[0];
    if (first) first.resource.name = 'mutated';
    expect(JSON.stringify([before, now])).toBe(copies);
  });
});
