import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { DEMO_DIR } from '../../functions/cli/demo.ts';
import {
  DEMO_EMAIL,
  DEMO_FLEET_DIRS,
  EMAIL_PREVIEW_EML,
  EMAIL_PREVIEW_HTML,
  FLEET_REPORT_FILE,
} from '../../functions/cli/demo-fleet.ts';
import { EXIT, main } from '../../functions/cli/main.ts';
import { snapshotFromManifests } from '../../functions/collect/offline.ts';
import { CHECK_AREAS } from '../../functions/core/fleet.ts';
import type { ScanResult } from '../../functions/core/model.ts';
import { FLEET_REPORT_CSP } from '../../functions/report/fleet-render.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { parseEml } from '../helpers/mime.ts';
import { captureStreams } from '../helpers/streams.ts';

/** Planted in the demo cluster (see examples/demo-cluster/README.md); must appear in no output. */
const CANARIES = ['wk-canary-7f3a9c1e-do-not-leak', 'wk-canary-secret-0d1e2f3a4b5c', 'AKIAWKCANARY00000001'];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('watchkeeper scan --demo (emulator over HTTPS, client-node, minted EKS token)', () => {
  let out: string;
  let code: number;
  const streams = captureStreams();
  const made: string[] = [];
  const outDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wk-demo-'));
    made.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    out = await outDir();
    code = await main(
      ['scan', '--demo', '--out', out, '--format', 'json,html,sarif,junit,csv,asff'],
      streams,
    );
  });

  it('completes and prints progress on stderr and the summary on stdout', () => {
    expect(code, streams.stderr.text).toBe(EXIT.ok);
    expect(streams.stderr.text).toContain('Reading https://127.0.0.1:');
    expect(streams.stderr.text).toMatch(/pods: 5 objects in 1 page/);
    expect(streams.stdout.text).toContain('Watchkeeper scan of demo-payments-prod');
    expect(streams.stdout.text).toMatch(/CRITICAL\s+pod-containers-not-privileged/);
    expect(streams.stdout.text).toContain(`Wrote ${join(out, 'report.html')}`);
    expect(streams.stdout.text).toContain('First scan of this cluster: nothing to compare with yet.');
  });

  it('scans a second demo cluster through the emulator and writes the fleet report and the email preview', async () => {
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ScanResult;
    expect(DEMO_FLEET_DIRS.length).toBeGreaterThan(0);
    expect(streams.stderr.text).toContain(
      'Starting the Kubernetes API emulator with the demo cluster demo-web-staging',
    );
    expect(streams.stdout.text).toMatch(
      new RegExp(
        `Fleet scan ${result.scanId} of 2 demo clusters: demo-payments-prod 22\\.2%, demo-web-staging \\d+(\\.\\d)?%; trend over 1 fleet scan\\n`,
      ),
    );
    for (const name of [FLEET_REPORT_FILE, EMAIL_PREVIEW_EML, EMAIL_PREVIEW_HTML]) {
      expect(streams.stdout.text).toContain(`Wrote ${join(out, name)}`);
    }
    expect(streams.stdout.text).toContain(
      `Stored the fleet manifest under ${join(out, 'store', 'scans', result.scanId, 'manifest.json')}`,
    );

    // The manifest, written by the report handler from the entries of both clusters.
    const manifest = await new FileResultsStore({ root: join(out, 'store') }).getManifest(result.scanId);
    expect(
      manifest?.clusters.map((entry) => [entry.cluster.name, entry.cluster.accountId, entry.outcome]),
    ).toEqual([
      ['demo-payments-prod', '111122223333', 'scanned'],
      ['demo-web-staging', '444455556666', 'scanned'],
    ]);
    for (const entry of manifest?.clusters ?? []) {
      expect(Object.keys(entry.summary?.areas ?? {}).sort()).toEqual([...CHECK_AREAS].sort());
    }
    const staging = manifest?.clusters[1]?.summary;
    expect(staging?.failingChecks).toEqual(
      expect.arrayContaining(['pod-containers-not-privileged', 'network-policy-enforcement-enabled']),
    );
    expect(staging?.failingChecks).not.toContain('eks-secrets-encrypted-with-customer-key');

    const fleet = await readFile(join(out, FLEET_REPORT_FILE), 'utf8');
    expect(fleet).toContain(`content="${FLEET_REPORT_CSP.replaceAll("'", '&#x27;')}"`);
    expect(fleet).toContain('id="heatmap"');
    expect(fleet.match(/<svg /g)).toHaveLength(2);
    expect(fleet).toContain('One scan so far: the trend starts with the next fleet scan.');
    expect(fleet).toContain('demo-web-staging');

    const eml = await readFile(join(out, EMAIL_PREVIEW_EML), 'utf8');
    const parsed = parseEml(eml);
    expect(parsed.headers).toMatchObject({ from: DEMO_EMAIL.from, to: DEMO_EMAIL.to.join(', ') });
    expect(parsed.headers.subject).toMatch(/^Watchkeeper: 2 clusters/);
    const [text, html] = parsed.parts;
    expect(text?.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(text?.body).toContain('Watchkeeper fleet scan');
    expect(text?.body).toContain('demo-web-staging');
    expect(text?.body).toContain(
      `Full fleet report: https://watchkeeper.example.com/scans/${result.scanId}/report`,
    );
    expect(html?.body).toBe((await readFile(join(out, EMAIL_PREVIEW_HTML), 'utf8')).replace(/\r\n/g, '\n'));
  });

  it('ships a second demo cluster of valid manifests, beside its EKS API files', async () => {
    for (const dir of DEMO_FLEET_DIRS) {
      const { snapshot, problems, skipped } = await snapshotFromManifests(dir, { now: () => new Date() });
      expect(problems, dir).toEqual([]);
      expect(skipped, dir).toEqual([]);
      expect(snapshot.cluster).toMatchObject({ accountId: '444455556666', region: 'us-east-1' });
      // Every EKS API file is there: no EKS kind is left uncollected.
      expect(
        snapshot.gaps.filter((gap) => gap.kind.startsWith('eks:') || gap.kind.startsWith('ec2:')),
      ).toEqual([]);
    }
  });

  it('writes every format asked for, each one well-formed, and keeps them beside the stored result', async () => {
    for (const name of [
      'result.json',
      'diff.json',
      'report.html',
      'result.sarif',
      'junit.xml',
      'findings.csv',
      'asff.json',
    ]) {
      expect(streams.stdout.text).toContain(`Wrote ${join(out, name)}`);
    }
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ScanResult;
    const sarif = JSON.parse(await readFile(join(out, 'result.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(result.checks.length);
    expect(sarif.runs[0].results).toHaveLength(
      result.findings.filter((f) => f.status === 'fail' || f.status === 'waived').length,
    );
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(junit.match(/<testcase /g)).toHaveLength(result.findings.length);
    const csv = await readFile(join(out, 'findings.csv'), 'utf8');
    expect(
      csv.startsWith(
        'checkId,status,severity,responsibility,kind,namespace,name,path,message,frameworks\r\n',
      ),
    ).toBe(true);
    const asff = JSON.parse(await readFile(join(out, 'asff.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(asff.length).toBeGreaterThan(0);
    expect(asff[0]).toMatchObject({
      SchemaVersion: '2018-10-08',
      AwsAccountId: '111122223333',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    });
    const stored = (await filesUnder(join(out, 'store'))).map((f) => f.split('/').pop());
    for (const name of [
      'report.html',
      'result.sarif',
      'junit.xml',
      'findings.csv',
      'asff.json',
      'diff.json',
    ]) {
      expect(stored).toContain(name);
    }
  });

  it('compares the next scan with this one: the summary line, the report section and diff.json', async () => {
    const first = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ScanResult;
    const again = captureStreams();
    expect(await main(['scan', '--demo', '--out', out, '--quiet'], again)).toBe(EXIT.ok);
    expect(again.stdout.text).toContain(
      `Since the previous scan (${first.scanId}): +0 new failures, \u22120 resolved, 0 no longer evaluated`,
    );
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('What changed since the previous scan');
    expect(html).toContain(`Compared with scan <code>${first.scanId}</code>`);
    const diff = JSON.parse(await readFile(join(out, 'diff.json'), 'utf8'));
    expect(diff.previous.scanId).toBe(first.scanId);
    expect(diff.counts.stillFailing).toBe(first.findings.filter((f) => f.status === 'fail').length);
    // One more fleet scan in the store: one more point in the trend, and the digest compares.
    expect(again.stdout.text).toContain('trend over 2 fleet scans');
    const fleet = await readFile(join(out, FLEET_REPORT_FILE), 'utf8');
    expect(fleet).toMatch(/The last 2 fleet scans, /);
    expect(fleet).toContain(`<code>${first.scanId}</code>`);
    const email = await readFile(join(out, EMAIL_PREVIEW_HTML), 'utf8');
    expect(email).toContain(`compared with scan ${first.scanId}`);
  });

  it('writes result.json with the fixed finding interface and every check', async () => {
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ScanResult;
    expect(result.schemaVersion).toBe(1);
    expect(result.source).toBe('kubernetes-api');
    expect(result.cluster).toMatchObject({
      name: 'demo-payments-prod',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(result.checks.map((c) => c.checkId)).toEqual(CHECKS.map((c) => c.id));
    // Kubelet config is opt-in (it needs `get nodes/proxy`): its absence is a recorded gap.
    expect(result.gaps).toEqual([
      { kind: 'kubelet:configz', reason: 'not_collected', message: expect.any(String) },
    ]);
    for (const finding of result.findings) {
      expect(Object.keys(finding)).toEqual(
        expect.arrayContaining([
          'checkId',
          'status',
          'severity',
          'responsibility',
          'resource',
          'message',
          'frameworks',
        ]),
      );
      expect(finding.resource.kind.length).toBeGreaterThan(0);
      expect(finding.resource.name.length).toBeGreaterThan(0);
    }
    // The demo's deliberate problems are found, through the objects that carry them.
    const failing = (id: string) => result.findings.filter((f) => f.checkId === id && f.status === 'fail');
    expect(failing('pod-containers-not-privileged').map((f) => f.resource.name)).toContain('nightly-export');
    expect(failing('rbac-cluster-admin-bindings-limited').map((f) => f.resource.name)).toContain(
      'ci-deployer-cluster-admin',
    );
    expect(failing('pod-secrets-not-in-env').map((f) => f.resource.name)).toContain('legacy-reporting');
    expect(failing('eks-endpoint-public-access-restricted')).toHaveLength(1);
  });

  it('stores the result under the shared key layout with a latest pointer', async () => {
    const files = (await filesUnder(join(out, 'store'))).map((f) => f.slice(out.length + 1));
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^store\/scans\/\d{8}T\d{6}Z-[0-9a-f]{6}\/clusters\/111122223333\/eu-west-1\/demo-payments-prod\/result\.json$/,
        ),
        expect.stringMatching(/report\.html$/),
        'store/clusters/111122223333/eu-west-1/demo-payments-prod/latest.json',
      ]),
    );
  });

  it('leaks no planted secret into any output: files, stdout or stderr', async () => {
    const planted = (await Promise.all((await filesUnder(DEMO_DIR)).map((f) => readFile(f, 'utf8')))).join(
      '\n',
    );
    for (const canary of CANARIES) expect(planted, `the demo plants ${canary}`).toContain(canary);

    const outputs = [streams.stdout.text, streams.stderr.text];
    const files = await filesUnder(out);
    for (const file of files) outputs.push(await readFile(file, 'utf8'));
    // Every kind of output is among them: the store, both reports, the formats, the email.
    for (const name of ['result.json', 'report.html', FLEET_REPORT_FILE, 'result.sarif', 'findings.csv']) {
      expect(files).toContain(join(out, name));
    }
    // Quoted-printable may split a word across lines: the decoded parts are searched too.
    const eml = parseEml(await readFile(join(out, EMAIL_PREVIEW_EML), 'utf8'));
    expect(eml.parts).toHaveLength(2);
    outputs.push(eml.headerLines.join('\n'), ...eml.parts.map((part) => part.body));
    expect(outputs.length).toBeGreaterThan(4);
    for (const canary of CANARIES) {
      for (const text of outputs) expect(text.includes(canary), `${canary} leaked`).toBe(false);
    }
  });

  it('writes no fleet with --cluster-name: a renamed cluster no longer matches its ARN, and says so', async () => {
    const renamed = captureStreams();
    const other = await outDir();
    expect(
      await main(['scan', '--demo', '--out', other, '--cluster-name', 'renamed', '--quiet'], renamed),
    ).toBe(EXIT.ok);
    expect(renamed.stderr.text).toBe(
      'warning: no fleet report or email preview: the scanned cluster cannot join a fleet ' +
        '(arn does not name cluster renamed in 111122223333/eu-west-1)\n',
    );
    expect(renamed.stdout.text).not.toContain(FLEET_REPORT_FILE);
    expect(await readdir(other)).toEqual(expect.arrayContaining(['report.html', 'result.json']));
    expect(await readdir(other)).not.toContain(FLEET_REPORT_FILE);
  });

  it('exits 1 when a check fails at or above --fail-on, 0 below it', async () => {
    const quiet = captureStreams();
    const other = await outDir();
    expect(
      await main(
        ['scan', '--demo', '--out', other, '--format', 'json', '--fail-on', 'critical', '--quiet'],
        quiet,
      ),
    ).toBe(EXIT.findings);
    expect(quiet.stderr.text).toBe('');
    const waiveAll = join(other, 'policy.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      waiveAll,
      [
        'waivers:',
        '  - checkId: pod-containers-not-privileged',
        '    reason: demo only, to show a waiver lowering the gate',
        '    owner: platform-team',
        '    expires: 2099-01-01',
      ].join('\n'),
    );
    expect(
      await main(
        [
          'scan',
          '--demo',
          '--out',
          other,
          '--format',
          'json',
          '--fail-on',
          'critical',
          '--quiet',
          '--config',
          waiveAll,
        ],
        captureStreams(),
      ),
    ).toBe(EXIT.ok);
  });
});
