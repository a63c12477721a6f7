import { describe, expect, it } from 'vitest';
import { diffResults } from '../../../functions/core/diff.ts';
import type { Finding, ScanResult } from '../../../functions/core/model.ts';
import {
  ASFF_BATCH_LIMIT,
  ASFF_LIMITS,
  type AsffFinding,
  AsffInputError,
  buildAsffFindings,
  toAsff,
  toAsffBatches,
} from '../../../functions/report/formats/asff.ts';
import { hostileCatalog, hostileResult, sampleCatalog, sampleResult } from '../sample-result.ts';

const CLUSTER_ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1';
const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources',
] as const;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The BatchImportFindings constraints each finding must meet. */
function problems(finding: AsffFinding): string[] {
  const out: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) out.push(`${finding.Id}: ${what}`);
  };
  for (const field of REQUIRED) need(finding[field] !== undefined, `${field} present`);
  const nonBlank = (value: string) => /\S/.test(value);
  need(finding.SchemaVersion === '2018-10-08', 'SchemaVersion');
  need(finding.Id.length <= ASFF_LIMITS.id && nonBlank(finding.Id), 'Id length');
  need(finding.GeneratorId.length <= 512 && nonBlank(finding.GeneratorId), 'GeneratorId');
  need(/^\d{12}$/.test(finding.AwsAccountId), 'AwsAccountId');
  need(finding.Title.length <= 256 && nonBlank(finding.Title), 'Title length');
  need(finding.Description.length <= 1024 && nonBlank(finding.Description), 'Description length');
  need(finding.Remediation.Recommendation.Text.length <= 512, 'Recommendation.Text length');
  need(TIME.test(finding.CreatedAt) && TIME.test(finding.UpdatedAt), 'timestamps');
  need(
    ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(finding.Severity.Label),
    'Severity.Label',
  );
  need(finding.Types.length >= 1 && finding.Types.length <= 50, 'Types count');
  for (const type of finding.Types) need(type.split('/').length >= 2 && type.length <= 128, `type ${type}`);
  need(finding.Resources.length >= 1 && finding.Resources.length <= 32, 'Resources count');
  for (const resource of finding.Resources) {
    need(
      nonBlank(resource.Type) && nonBlank(resource.Id) && resource.Id.length <= 512,
      'Resource Type and Id',
    );
  }
  need(
    ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'].includes(finding.Compliance.Status),
    'Compliance.Status',
  );
  need(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'].includes(finding.Workflow.Status), 'Workflow.Status');
  need(['ACTIVE', 'ARCHIVED'].includes(finding.RecordState), 'RecordState');
  need(Object.keys(finding.ProductFields).length <= 50, 'ProductFields count');
  for (const [key, value] of Object.entries(finding.ProductFields)) {
    need(key.length <= 128 && value.length <= 2048, `ProductFields ${key}`);
  }
  if (finding.Note) need(finding.Note.Text.length <= 512, 'Note.Text length');
  return out;
}

function statusOf(findings: AsffFinding[], status: string): AsffFinding[] {
  return findings.filter((f) => f.ProductFields['watchkeeper/Status'] === status);
}

describe('ASFF', () => {
  const result = sampleResult();
  const findings = buildAsffFindings(result, sampleCatalog());

  it('meets the BatchImportFindings constraints', () => {
    expect(findings.flatMap(problems)).toEqual([]);
    expect(JSON.parse(toAsff(result, sampleCatalog()))).toEqual(findings);
  });

  it('names the account, region, product and check', () => {
    const logging = findings.find((f) => f.GeneratorId === 'eks-logging-control-plane-enabled');
    expect(logging).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
      AwsAccountId: '123456789012',
      Region: 'eu-west-1',
      Types: [
        'Software and Configuration Checks/Industry and Regulatory Standards/CIS Amazon EKS Benchmark',
        'Software and Configuration Checks/Industry and Regulatory Standards/NSA-CISA Kubernetes Hardening Guidance',
      ],
      CreatedAt: '2026-03-01T02:01:12.400Z',
      UpdatedAt: '2026-03-01T02:01:12.400Z',
      FirstObservedAt: '2026-03-01T02:00:41.000Z',
      Severity: { Label: 'HIGH', Original: 'high' },
      Title: 'All control-plane log types are enabled',
      Remediation: {
        Recommendation: {
          Text: 'Enable every control-plane log type.',
          Url: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
        },
      },
      Resources: [{ Type: 'AwsEksCluster', Id: CLUSTER_ARN, Partition: 'aws', Region: 'eu-west-1' }],
      Compliance: {
        Status: 'FAILED',
        RelatedRequirements: [
          'CIS Amazon EKS Benchmark v1.8.0 2.1.1',
          'NSA/CISA Kubernetes Hardening Guide v1.2 logging',
        ],
      },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
    expect(logging?.Description).toBe(
      'Log types audit, authenticator are not enabled. Resource: Cluster prod-eu-1. Field: logging.clusterLogging. ' +
        'Evidence: enabled=api,controllerManager,scheduler, missing=audit,authenticator.',
    );
  });

  it('names an in-cluster resource under the cluster ARN', () => {
    const role = findings.find(
      (f) => f.GeneratorId === 'rbac-no-wildcard-rules' && f.Compliance.Status === 'FAILED',
    );
    expect(role?.Resources).toEqual([
      {
        Type: 'Other',
        Id: `${CLUSTER_ARN}/_cluster/ClusterRole/ops-everything`,
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: { Other: { kind: 'ClusterRole', name: 'ops-everything', path: 'rules[0]' } },
      },
    ]);
    const pod = findings.find((f) => f.Resources[0]?.Id.endsWith('/shop/Service/debug'));
    expect(pod?.Resources[0]?.Id).toBe(`${CLUSTER_ARN}/shop/Service/debug`);
  });

  it('maps every status: failed, suppressed waivers, not available, warning, passed; nothing for inherited', () => {
    const shape = (f: AsffFinding) => [f.Compliance.Status, f.Workflow.Status, f.RecordState];
    expect(new Set(statusOf(findings, 'fail').map((f) => shape(f).join()))).toEqual(
      new Set(['FAILED,NEW,ACTIVE']),
    );
    expect(new Set(statusOf(findings, 'waived').map((f) => shape(f).join()))).toEqual(
      new Set(['FAILED,SUPPRESSED,ACTIVE']),
    );
    expect(
      statusOf(findings, 'waived').find((f) => f.GeneratorId === 'rbac-no-wildcard-rules')?.Note,
    ).toEqual({
      Text: 'Waived by w-ci-deployer (owner platform-team, until 2099-06-30): CI migration, INC-4411',
      UpdatedBy: 'Watchkeeper',
      UpdatedAt: '2026-03-01T02:01:12.400Z',
    });
    expect(new Set(statusOf(findings, 'not_evaluated').map((f) => shape(f).join()))).toEqual(
      new Set(['NOT_AVAILABLE,NEW,ACTIVE']),
    );
    expect(statusOf(findings, 'manual').map(shape)).toEqual([['WARNING', 'NEW', 'ACTIVE']]);
    expect(new Set(statusOf(findings, 'pass').map((f) => shape(f).join()))).toEqual(
      new Set(['PASSED,RESOLVED,ACTIVE']),
    );
    expect(statusOf(findings, 'inherited')).toEqual([]);
    const sent = result.findings.filter((f) => !['inherited', 'not_applicable'].includes(f.status));
    expect(findings).toHaveLength(sent.length);
  });

  it('keeps Ids stable across scans and unique within one', () => {
    const ids = findings.map((f) => f.Id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.startsWith(`${CLUSTER_ARN}/watchkeeper/`)).toBe(true);
    const next = sampleResult();
    next.scanId = '20260302T020000Z-ffff';
    next.finishedAt = '2026-03-02T02:00:00.000Z';
    next.findings.reverse();
    expect(new Set(buildAsffFindings(next, sampleCatalog()).map((f) => f.Id))).toEqual(new Set(ids));
  });

  it('batches at most 100 findings per BatchImportFindings call, in order, losing none', () => {
    const big = sampleResult();
    const template = big.findings.find((f) => f.status === 'fail') as Finding;
    for (let i = 0; i < 731; i += 1) {
      big.findings.push({ ...template, resource: { kind: 'Pod', namespace: 'bulk', name: `pod-${i}` } });
    }
    const batches = toAsffBatches(big, sampleCatalog());
    const flat = buildAsffFindings(big, sampleCatalog());
    expect(batches.map((batch) => batch.length).every((n) => n >= 1 && n <= ASFF_BATCH_LIMIT)).toBe(true);
    expect(batches.flat()).toEqual(flat);
    expect(batches).toHaveLength(Math.ceil(flat.length / ASFF_BATCH_LIMIT));
    expect(toAsffBatches({ ...big, findings: [] }, sampleCatalog())).toEqual([]);
  });

  it('cuts long text to the API limits', () => {
    const long = sampleResult();
    const finding = long.findings.find((f) => f.status === 'fail') as Finding;
    finding.message = 'm'.repeat(5000);
    finding.resource = { kind: 'Pod', namespace: 'n'.repeat(400), name: 'p'.repeat(400) };
    const catalog = sampleCatalog().map((c) =>
      c.id === finding.checkId
        ? { ...c, title: 't'.repeat(400), remediation: { summary: 'r'.repeat(900) } }
        : c,
    );
    const built = buildAsffFindings(long, catalog).find((f) => f.GeneratorId === finding.checkId);
    if (!built) throw new Error('finding not built');
    expect(problems(built)).toEqual([]);
    expect(built.Title).toHaveLength(256);
    expect(built.Description).toHaveLength(1024);
    expect(built.Remediation.Recommendation.Text).toHaveLength(512);
    expect(built.Resources[0]?.Id.length).toBeLessThanOrEqual(512);
  });

  it('keeps hostile resource names inside one path segment of the resource Id', () => {
    const hostile = buildAsffFindings(hostileResult(), hostileCatalog()).filter(
      (f) => f.GeneratorId === 'hostile-names-check',
    );
    expect(hostile.flatMap(problems)).toEqual([]);
    for (const f of hostile) {
      const id = f.Resources[0]?.Id ?? '';
      expect(id.slice(CLUSTER_ARN.length + 1).split('/')).toHaveLength(3);
    }
  });

  it('closes the findings the diff says are gone: resolved as PASSED and archived, unevaluated as NOT_AVAILABLE', () => {
    const previous = sampleResult();
    previous.scanId = 'before';
    const gone: Finding = {
      ...(previous.findings.find((f) => f.checkId === 'rbac-no-wildcard-rules') as Finding),
      status: 'fail',
      resource: { kind: 'ClusterRole', name: 'old-admin' },
    };
    delete gone.waiver;
    previous.findings.push(gone);
    const kubelet = previous.findings.find((f) => f.checkId === 'kubelet-anonymous-auth-disabled') as Finding;
    Object.assign(kubelet, { status: 'fail', resource: { kind: 'Node', name: 'node-1' } });
    const previousIds = buildAsffFindings(previous, sampleCatalog());

    const current = sampleResult();
    const closed = buildAsffFindings(current, sampleCatalog(), {
      diff: diffResults(previous, current),
    }).slice(findings.length);
    const idOf = (name: string) => previousIds.find((f) => f.Resources[0]?.Id.endsWith(`/${name}`))?.Id;

    expect(closed.map((f) => [f.Id, f.Compliance.Status, f.Workflow.Status, f.RecordState])).toEqual([
      [idOf('old-admin'), 'PASSED', 'RESOLVED', 'ARCHIVED'],
      [idOf('node-1'), 'NOT_AVAILABLE', 'NEW', 'ACTIVE'],
    ]);
    expect(closed[1]?.Note?.Text).toBe(
      'No longer evaluated: could not read nodes (forbidden): nodes is forbidden',
    );
    expect(closed.flatMap(problems)).toEqual([]);
  });

  it('refuses a result without an AWS account and region, saying what to do', () => {
    const local: ScanResult = { ...sampleResult(), cluster: { name: 'from-manifests' } };
    expect(() => buildAsffFindings(local, [])).toThrow(AsffInputError);
    expect(() => buildAsffFindings(local, [])).toThrow(/eks-cluster\.json/);
    const given = buildAsffFindings(local, [], { accountId: '210987654321', region: 'us-east-1' });
    expect(given[0]?.ProductArn).toBe(
      'arn:aws:securityhub:us-east-1:210987654321:product/210987654321/default',
    );
    expect(given.find((f) => f.GeneratorId === 'eks-secrets-encrypted-with-kms')?.Resources[0]).toMatchObject(
      {
        Type: 'AwsEksCluster',
        Id: 'arn:aws:eks:us-east-1:210987654321:cluster/from-manifests',
      },
    );
    expect(given.find((f) => f.GeneratorId === 'eks-secrets-encrypted-with-kms')?.Resources[0]?.Id).toBe(
      'arn:aws:eks:us-east-1:210987654321:cluster/from-manifests',
    );
  });

  it('uses the partition of the cluster ARN (China, GovCloud)', () => {
    const china: ScanResult = {
      ...sampleResult(),
      cluster: {
        name: 'c',
        accountId: '123456789012',
        region: 'cn-north-1',
        arn: 'arn:aws-cn:eks:cn-north-1:123456789012:cluster/c',
      },
    };
    const [first] = buildAsffFindings(china, []);
    expect(first?.ProductArn).toBe(
      'arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default',
    );
    expect(first?.Resources[0]?.Partition).toBe('aws-cn');
  });
});
