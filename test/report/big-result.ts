import type { Check, CheckSummary, Finding, ScanResult, Status } from '../../functions/core/model.ts';
import { SCHEMA_VERSION } from '../../functions/core/model.ts';
import { computeScores, rollUpStatus, zeroCounts } from '../../functions/core/scoring.ts';

/**
 * A synthetic result of a very big cluster for the report's size and speed tests: `count`
 * findings spread over the catalog's customer checks and `namespaces` namespaces, most of
 * them failing (the worst case for the report, which lists failures). `offset` shifts which
 * workloads exist, so two results with different offsets make a realistic diff: some
 * failures new, some resolved, most still failing.
 */

export interface BigResultOptions {
  count: number;
  checks: readonly Pick<Check, 'id' | 'title' | 'severity' | 'responsibility' | 'frameworks'>[];
  namespaces?: number;
  offset?: number;
  scanId?: string;
  finishedAt?: string;
}

const STATUS_CYCLE: readonly Status[] = [
  'fail',
  'fail',
  'fail',
  'fail',
  'fail',
  'fail',
  'fail',
  'pass',
  'pass',
  'waived',
];

export function bigResult(options: BigResultOptions): ScanResult {
  const namespaces = options.namespaces ?? 500;
  const offset = options.offset ?? 0;
  const checks = options.checks.filter((check) => check.responsibility === 'customer');
  const findings: Finding[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const n = i + offset;
    const check = checks[n % checks.length] as (typeof checks)[number];
    const namespace = `team-${String(n % namespaces).padStart(3, '0')}`;
    const name = `service-${Math.floor(n / checks.length)}`;
    const status = STATUS_CYCLE[Math.floor(n / checks.length) % STATUS_CYCLE.length] as Status;
    const container = n % 3;
    findings.push({
      checkId: check.id,
      status,
      severity: check.severity,
      responsibility: check.responsibility,
      frameworks: check.frameworks.map((ref) => ({ ...ref })),
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name },
      message:
        status === 'pass'
          ? `Deployment ${namespace}/${name} meets the check.`
          : `Deployment ${namespace}/${name}: container "app-${container}" does not meet "${check.title}".`,
      path: `spec.template.spec.containers[${container}].securityContext`,
      evidence: {
        container: `app-${container}`,
        image: `registry.example.com/${namespace}/${name}:1.${n % 40}`,
      },
      ...(status === 'waived'
        ? {
            waiver: {
              id: `w-${namespace}`,
              owner: `${namespace}-owners`,
              reason: 'accepted until the migration',
              expires: '2099-12-31',
            },
          }
        : {}),
    });
  }
  const byCheck = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byCheck.get(finding.checkId);
    if (list) list.push(finding);
    else byCheck.set(finding.checkId, [finding]);
  }
  const summaries: CheckSummary[] = options.checks.map((check) => {
    const mine = byCheck.get(check.id) ?? [];
    const counts = zeroCounts();
    for (const finding of mine) counts[finding.status] += 1;
    const status = mine.length > 0 ? rollUpStatus(mine.map((finding) => finding.status)) : 'not_applicable';
    return {
      checkId: check.id,
      title: check.title,
      severity: check.severity,
      responsibility: check.responsibility,
      frameworks: check.frameworks.map((ref) => ({ ...ref })),
      status,
      counts,
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    scanId: options.scanId ?? '20261123T020000Z-b1b1b1',
    cluster: {
      name: 'big-cluster',
      accountId: '111122223333',
      region: 'eu-west-1',
      arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/big-cluster',
    },
    source: 'synthetic',
    startedAt: '2026-11-23T02:00:00.000Z',
    finishedAt: options.finishedAt ?? '2026-11-23T02:09:00.000Z',
    collectedAt: '2026-11-23T02:05:00.000Z',
    findings,
    checks: summaries,
    scores: computeScores(summaries),
    gaps: [],
    waivers: { applied: [], expired: [], unused: [] },
  };
}
