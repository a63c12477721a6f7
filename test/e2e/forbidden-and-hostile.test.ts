import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { DEMO_DIR } from '../../functions/cli/demo.ts';
import { EXIT, main } from '../../functions/cli/main.ts';
import { kindsToRead } from '../../functions/cli/scan.ts';
import { ClientNodeKubeReader } from '../../functions/collect/client-node-reader.ts';
import { collectSnapshot } from '../../functions/collect/collector.ts';
import { isAwsApiFile, readEksFiles } from '../../functions/collect/offline.ts';
import { evaluate } from '../../functions/core/engine.ts';
import { ALL_K8S_KINDS } from '../../functions/core/kinds.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { startTestEmulator, TEST_CLUSTER, testToken } from '../helpers/emulator.ts';
import { captureStreams } from '../helpers/streams.ts';

describe('a kind the scanner may not read (403)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({
      manifestsDir: DEMO_DIR,
      skipManifest: isAwsApiFile,
      allowedKinds: ALL_K8S_KINDS.filter((kind) => kind !== 'clusterrolebindings'),
    });
  });
  afterAll(() => emulator.stop());

  async function scan(target: RunningEmulator) {
    const reader = ClientNodeKubeReader.fromEndpoint({
      server: target.url,
      caData: target.caData,
      token: () => testToken(),
    });
    const snapshot = await collectSnapshot({
      reader,
      cluster: { name: TEST_CLUSTER },
      kinds: kindsToRead(),
      eks: await readEksFiles(DEMO_DIR),
      now: () => new Date(),
    });
    await reader.close();
    const result = evaluate({
      snapshot,
      checks: CHECKS,
      policy: { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} },
      scanId: 'forbidden',
      startedAt: snapshot.collectedAt,
      now: () => snapshot.collectedAt,
    });
    return { snapshot, result };
  }

  it('turns exactly the checks that read it into not_evaluated, none of them pass', async () => {
    const full = await startTestEmulator({ manifestsDir: DEMO_DIR, skipManifest: isAwsApiFile });
    const allowed = await scan(full).finally(() => full.stop());
    const { snapshot, result } = await scan(emulator);

    expect(snapshot.gaps.filter((g) => g.kind === 'clusterrolebindings')).toEqual([
      { kind: 'clusterrolebindings', reason: 'forbidden', message: expect.stringContaining('forbidden') },
    ]);
    expect(snapshot.gaps.length).toBe(allowed.snapshot.gaps.length + 1);
    expect(snapshot.k8s.clusterrolebindings).toEqual([]);
    expect(snapshot.k8s.pods.length).toBeGreaterThan(0);

    const readers = CHECKS.filter((c) => c.reads.includes('clusterrolebindings')).map((c) => c.id);
    expect(readers.length).toBeGreaterThan(2);
    const notEvaluated = (r: typeof result) =>
      new Set(r.checks.filter((c) => c.status === 'not_evaluated').map((c) => c.checkId));
    const before = notEvaluated(allowed.result);
    const after = notEvaluated(result);
    // What the 403 changed is exactly the checks that read the kind, and nothing else.
    expect([...after].filter((id) => !before.has(id)).sort()).toEqual(
      readers.filter((id) => !before.has(id)).sort(),
    );
    expect([...before].filter((id) => !after.has(id))).toEqual([]);
    for (const finding of result.findings.filter((f) => readers.includes(f.checkId))) {
      expect(finding.status).toBe('not_evaluated');
      expect(finding.message).toContain('could not read clusterrolebindings (forbidden)');
    }
    expect(result.scores.overall.coverage ?? 0).toBeLessThan(allowed.result.scores.overall.coverage ?? 0);
  });
});

describe('--context (kubeconfig)', () => {
  let dir: string;
  let emulator: RunningEmulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wk-context-'));
    emulator = await startTestEmulator({
      manifestsDir: DEMO_DIR,
      skipManifest: isAwsApiFile,
    });
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function kubeconfig(server: string, caData: string): Promise<string> {
    const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    const token = await testToken();
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': caData } }],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'prod', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'prod',
      }),
    );
    return file;
  }

  async function withKubeconfig<T>(file: string, run: () => Promise<T>): Promise<T> {
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      return await run();
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  }

  it('scans through a context; EKS-API checks are not evaluated with the reason', async () => {
    const file = await kubeconfig(emulator.url, emulator.caData);
    const streams = captureStreams();
    const out = join(dir, 'ok');
    const code = await withKubeconfig(file, () =>
      main(['scan', '--context', 'prod', '--out', out, '--format', 'json'], streams),
    );
    expect(code, streams.stderr.text).toBe(EXIT.ok);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    const eksChecks = CHECKS.filter((c) => c.reads.some((k) => k.startsWith('eks:'))).map((c) => c.id);
    for (const check of result.checks.filter((c: { checkId: string }) => eksChecks.includes(c.checkId))) {
      expect(check.status).toBe('not_evaluated');
      expect(check.reason).toContain('reads only the Kubernetes API');
    }
  });

  it('names the available contexts when the one asked for does not exist (exit 2)', async () => {
    const file = await kubeconfig(emulator.url, emulator.caData);
    const streams = captureStreams();
    const code = await withKubeconfig(file, () =>
      main(['scan', '--context', 'staging', '--out', join(dir, 'x')], streams),
    );
    expect(code).toBe(EXIT.usage);
    expect(streams.stderr.text).toContain('prod');
  });

  it('exits 3 when the cluster cannot be read at all', async () => {
    const gone = await startTestEmulator();
    const { url, caData } = gone;
    await gone.stop();
    const file = await kubeconfig(url, caData);
    const streams = captureStreams();
    const code = await withKubeconfig(file, () =>
      main(['scan', '--context', 'prod', '--out', join(dir, 'gone'), '--quiet'], streams),
    );
    expect(code).toBe(EXIT.unreadable);
    expect(streams.stderr.text).toMatch(/could not read the cluster .* at all \(unreachable/);
  });
});

describe('hostile names from the cluster', () => {
  it('render escaped in the HTML report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wk-hostile-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const manifests = join(dir, 'manifests');
    await mkdir(manifests);
    const name = '<img src=x onerror=alert(1)>';
    await writeFile(
      join(manifests, 'hostile.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        `  name: '${name}'`,
        '  namespace: default',
        '  labels: { app: "\\"><svg onload=alert(2)>" }',
        'spec:',
        '  containers:',
        '    - name: "<script>alert(3)</script>"',
        '      image: busybox',
        '      securityContext: { privileged: true }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const streams = captureStreams();
    expect(await main(['scan', '--manifests', manifests, '--out', out, '--quiet'], streams)).toBe(EXIT.ok);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain(name);
    expect(html).not.toContain('<script>alert(3)</script>');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    // The only scripts are the report's own (filters and search), none carrying cluster text.
    const scripts = html.match(/<script[\s\S]*?<\/script>/gi) ?? [];
    for (const script of scripts) expect(script).not.toContain('alert(');
  });
});
