import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { policyFromConfig } from '../../functions/config/config.ts';
import { type FleetClusterEntry, summaryOf } from '../../functions/core/fleet.ts';
import type { ScanResult } from '../../functions/core/model.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';
import { InvalidEventError } from '../../functions/handlers/lib/runtime.ts';
import {
  buildDeps,
  createHandler,
  NOT_FINISHED_REASON,
  type ReportDeps,
  reportUrlOf,
} from '../../functions/handlers/report.ts';
import { SesSender } from '../../functions/notify/ses-sender.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { areaOfCheck } from '../../functions/scan/check-areas.ts';
import {
  type FleetCluster,
  putClusterList,
  putEntry,
  putSkipped,
} from '../../functions/scan/fleet-artifacts.ts';
import { evaluateSnapshot } from '../../functions/scan/pipeline.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { artifactKey, clusterKeyOf } from '../../functions/store/keys.ts';
import { type SesLocal, startSesLocal } from '../helpers/ses-local.ts';
import { recordingLogger, recordingMetrics } from './fakes.ts';

const SCAN_ID = '20261123T020000Z-abc123';
const STARTED = '2026-11-23T02:00:00.000Z';
const NOW = new Date('2026-11-23T02:09:00.000Z');

function ref(name: string, accountId = '111111111111', region = 'eu-west-1'): FleetCluster {
  return { accountId, region, name, arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}` };
}

const POLICY = policyFromConfig(
  {},
  CHECKS.map((check) => check.id),
);

function resultOf(cluster: FleetCluster, scanId = SCAN_ID): ScanResult {
  return evaluateSnapshot({
    snapshot: newSnapshot(cluster, STARTED, 'kubernetes-api'),
    policy: POLICY,
    scanId,
    startedAt: new Date(STARTED),
    now: () => NOW,
  });
}

let root: string;
let store: FileResultsStore;

async function scanned(cluster: FleetCluster, reason?: string, scanId = SCAN_ID): Promise<FleetClusterEntry> {
  const result = resultOf(cluster, scanId);
  const stored = await store.putResult(result);
  const entry: FleetClusterEntry = {
    cluster,
    clusterKey: stored.clusterKey,
    outcome: 'scanned',
    ...(reason === undefined ? {} : { reason }),
    resultKey: stored.key,
    summary: summaryOf(result),
  };
  await putEntry(store, scanId, entry);
  return entry;
}

function deps(overrides: Partial<ReportDeps> = {}): ReportDeps & {
  logger: ReturnType<typeof recordingLogger>;
  metrics: ReturnType<typeof recordingMetrics>;
} {
  return {
    config: {},
    store,
    renderer: () => createFleetReportRenderer(),
    checks: CHECKS,
    now: () => NOW,
    logger: recordingLogger(),
    metrics: recordingMetrics(),
    ...overrides,
  } as ReportDeps & {
    logger: ReturnType<typeof recordingLogger>;
    metrics: ReturnType<typeof recordingMetrics>;
  };
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wk-report-'));
  store = new FileResultsStore({ root });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('report', () => {
  it('writes the manifest and the fleet report from every entry, and counts the outcomes', async () => {
    const clusters = [ref('alpha'), ref('beta'), ref('gamma', '222222222222', 'us-east-1')];
    await putClusterList(store, SCAN_ID, clusters);
    const alpha = await scanned(clusters[0] as FleetCluster);
    const unreachable: FleetClusterEntry = {
      cluster: clusters[1] as FleetCluster,
      clusterKey: clusterKeyOf(clusters[1] as FleetCluster),
      outcome: 'unreachable',
      reason: 'the Kubernetes API could not be reached: <script>alert(1)</script>',
    };
    await putEntry(store, SCAN_ID, unreachable);
    const d = deps();

    const output = await createHandler(d)({
      scanId: SCAN_ID,
      startedAt: STARTED,
      skipped: [{ accountId: '333333333333', reason: 'could not assume the role' }],
      bucket: 'results-bucket',
      clusterCount: 3,
    });

    expect(output).toEqual({
      scanId: SCAN_ID,
      manifestKey: `scans/${SCAN_ID}/manifest.json`,
      reportKey: `scans/${SCAN_ID}/report.html`,
      counts: { clusters: 3, scanned: 1, unreachable: 1, forbidden: 0, error: 1, skipped: 1 },
    });
    const manifest = await store.getManifest(SCAN_ID);
    expect(manifest).toEqual({
      schemaVersion: 1,
      scanId: SCAN_ID,
      startedAt: STARTED,
      finishedAt: NOW.toISOString(),
      clusters: [
        alpha,
        unreachable,
        {
          cluster: clusters[2],
          clusterKey: '222222222222/us-east-1/gamma',
          outcome: 'error',
          reason: NOT_FINISHED_REASON,
        },
      ],
      skipped: [{ accountId: '333333333333', reason: 'could not assume the role' }],
    });
    const html = new TextDecoder().decode((await store.getArtifact(output.reportKey))?.body);
    expect(html).toContain('gamma');
    expect(html).toContain('scan did not finish');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(d.metrics.total('ClustersNotFinished')).toBe(1);
    expect(d.logger.lines.at(-1)).toMatchObject({
      message: 'fleet report written',
      keys: { scanId: SCAN_ID },
    });
  });

  it('prefers the whole skip list discover stored over the one cut to fit the state', async () => {
    await putClusterList(store, SCAN_ID, []);
    const all = [
      { accountId: '333333333333', reason: 'first' },
      { accountId: '444444444444', region: 'ap-south-2', reason: 'second' },
    ];
    await putSkipped(store, SCAN_ID, all);

    const output = await createHandler(deps())({
      scanId: SCAN_ID,
      startedAt: STARTED,
      skipped: [all[0] as never],
    });

    expect(output.counts).toEqual({
      clusters: 0,
      scanned: 0,
      unreachable: 0,
      forbidden: 0,
      error: 0,
      skipped: 2,
    });
    expect((await store.getManifest(SCAN_ID))?.skipped).toEqual(all);
  });

  it('rebuilds an entry from the stored result when only the entry is missing', async () => {
    const cluster = ref('alpha');
    await putClusterList(store, SCAN_ID, [cluster]);
    const result = resultOf(cluster);
    result.gaps = [{ kind: 'roles', reason: 'forbidden', message: 'HTTP 403' }];
    const stored = await store.putResult(result);

    await createHandler(deps())({ scanId: SCAN_ID, startedAt: STARTED });

    const [entry] = (await store.getManifest(SCAN_ID))?.clusters ?? [];
    expect(entry).toEqual({
      cluster,
      clusterKey: stored.clusterKey,
      outcome: 'scanned',
      reason: expect.stringMatching(
        /^partly read: 1 kind forbidden: roles .*; rebuilt from the stored result \(entry.json was missing\)$/,
      ),
      resultKey: stored.key,
      // Rebuilt entries carry the per-area counts too, as scan-cluster writes them.
      summary: summaryOf(result, areaOfCheck),
    });
  });

  it('treats an entry.json that is not the cluster’s own as missing, saying why', async () => {
    const cluster = ref('alpha');
    await putClusterList(store, SCAN_ID, [cluster]);
    await store.putArtifact(
      SCAN_ID,
      clusterKeyOf(cluster),
      'entry.json',
      JSON.stringify({ cluster: ref('other'), clusterKey: clusterKeyOf(ref('other')), outcome: 'scanned' }),
      'application/json',
    );

    await createHandler(deps())({ scanId: SCAN_ID, startedAt: STARTED });

    const [entry] = (await store.getManifest(SCAN_ID))?.clusters ?? [];
    expect(entry?.outcome).toBe('error');
    expect(entry?.reason).toContain('holds the entry of another cluster');
  });

  it('refuses a scan discover never listed, and a malformed event', async () => {
    const handler = createHandler(deps());
    await expect(handler({ scanId: SCAN_ID })).rejects.toThrow(/has no clusters.json/);
    await expect(handler({ scanId: '../../x' })).rejects.toThrow(InvalidEventError);
    await expect(handler({ scanId: SCAN_ID, startedAt: 'yesterday' })).rejects.toThrow(InvalidEventError);
  });

  it('stores nothing outside scans/{scanId}/ beyond what scan-cluster wrote', async () => {
    const cluster = ref('alpha');
    await putClusterList(store, SCAN_ID, [cluster]);
    await scanned(cluster);

    await createHandler(deps())({ scanId: SCAN_ID, startedAt: STARTED });

    const html = await readFile(store.pathOf(`scans/${SCAN_ID}/report.html`), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(await store.getArtifact(artifactKey(SCAN_ID, clusterKeyOf(cluster), 'entry.json'))).toBeDefined();
  });

  it('keeps the per-area counts scan-cluster wrote, for the heat map', async () => {
    const cluster = ref('alpha');
    await putClusterList(store, SCAN_ID, [cluster]);
    const result = resultOf(cluster);
    const stored = await store.putResult(result);
    const summary = summaryOf(result, areaOfCheck);
    await putEntry(store, SCAN_ID, {
      cluster,
      clusterKey: stored.clusterKey,
      outcome: 'scanned',
      resultKey: stored.key,
      summary,
    });

    await createHandler(deps())({ scanId: SCAN_ID, startedAt: STARTED });

    const [entry] = (await store.getManifest(SCAN_ID))?.clusters ?? [];
    expect(Object.keys(entry?.summary?.areas ?? {})).toHaveLength(8);
    expect(entry?.summary?.areas).toEqual(summary.areas);
    const html = await readFile(store.pathOf(`scans/${SCAN_ID}/report.html`), 'utf8');
    expect(html).toContain('<table class="heat">');
    expect(html).not.toContain('no per-area counts in this scan');
  });

  it('draws the trend from the earlier fleet scans in the store, and only from those', async () => {
    const cluster = ref('alpha');
    const earlier = ['20261121T020000Z-abc123', '20261122T020000Z-abc123'];
    await putClusterList(store, earlier[0] as string, [cluster]);
    await scanned(cluster, undefined, earlier[0]);
    await createHandler(deps())({ scanId: earlier[0] as string, startedAt: '2026-11-21T02:00:00.000Z' });
    // A scan that stored a result but no manifest (a CLI scan of one cluster) is no fleet scan.
    await store.putResult(resultOf(cluster, earlier[1]));

    await putClusterList(store, SCAN_ID, [cluster]);
    await scanned(cluster);
    await createHandler(deps())({ scanId: SCAN_ID, startedAt: STARTED });

    const html = await readFile(store.pathOf(`scans/${SCAN_ID}/report.html`), 'utf8');
    expect(html).toMatch(/The last 2 fleet scans, /);
    expect(html).toContain(`<code>${earlier[0]}</code>`);
    expect(html).not.toContain(earlier[1]);
    const first = await readFile(store.pathOf(`scans/${earlier[0]}/report.html`), 'utf8');
    expect(first).toContain('One scan so far: the trend starts with the next fleet scan.');
    // Each fleet scan leaves its trend point beside its manifest, for later trends to read.
    const point = JSON.parse(await readFile(store.pathOf(`scans/${SCAN_ID}/trend-point.json`), 'utf8'));
    expect(point).toMatchObject({ scanId: SCAN_ID, clusters: 1, scanned: 1 });
  });

  it('validates its environment on first use: EMAIL_FROM and EMAIL_TO go together', async () => {
    const handler = createHandler(
      buildDeps({ RESULTS_BUCKET: 'results-bucket', EMAIL_FROM: 'wk@example.com' }),
    );
    await expect(handler({ scanId: SCAN_ID })).rejects.toThrow(/EMAIL_FROM and EMAIL_TO go together/);
  });
});

describe('report: the email digest', () => {
  const PREVIOUS_SCAN_ID = '20261122T020000Z-abc123';
  const HOSTILE = 'refused <img src=x onerror=alert(1)>\r\nBcc: evil@example.com';
  const EMAIL = { from: 'watchkeeper@example.com', to: ['security@example.com', 'sre@example.com'] };
  let ses: SesLocal;

  beforeAll(async () => {
    ses = await startSesLocal();
  });
  afterAll(async () => {
    await ses?.close();
  });
  beforeEach(async () => {
    await ses.clear();
  });

  /** Last night's scan of alpha, then tonight's: alpha scanned, beta unreachable with a hostile reason. */
  async function twoScans(): Promise<void> {
    const [alpha, beta] = [ref('alpha'), ref('beta')];
    await putClusterList(store, PREVIOUS_SCAN_ID, [alpha]);
    await scanned(alpha, undefined, PREVIOUS_SCAN_ID);
    await createHandler(deps())({ scanId: PREVIOUS_SCAN_ID, startedAt: '2026-11-22T02:00:00.000Z' });

    await putClusterList(store, SCAN_ID, [alpha, beta]);
    await scanned(alpha);
    await putEntry(store, SCAN_ID, {
      cluster: beta,
      clusterKey: clusterKeyOf(beta),
      outcome: 'unreachable',
      reason: HOSTILE,
    });
  }

  it('sends the digest through SES after writing the manifest and the report', async () => {
    await twoScans();
    const client = ses.client();
    try {
      const d = deps({
        config: {
          email: EMAIL,
          reportBaseUrl: 'https://wk.example.com/prod',
        },
        emailSender: () => new SesSender({ ...EMAIL, client }),
      });

      const output = await createHandler(d)({ scanId: SCAN_ID, startedAt: STARTED });

      expect(output.email).toEqual({
        status: 'sent',
        recipients: 2,
        messageId: expect.any(String),
        previousScanId: PREVIOUS_SCAN_ID,
      });
      expect(await store.getManifest(SCAN_ID)).toBeDefined();
      expect(await store.getArtifact(output.reportKey)).toBeDefined();

      const emails = await ses.emails();
      expect(emails).toHaveLength(1);
      const [email] = emails;
      expect(email?.from).toBe(EMAIL.from);
      expect(email?.destination).toEqual({ to: EMAIL.to, cc: [], bcc: [] });
      expect(email?.subject).toMatch(
        /^Watchkeeper: 2 clusters, \d+ critical\/high failing, \+\d+ new since the previous scan, 1 unreachable$/,
      );
      const html = email?.body.html ?? '';
      expect(html).toContain(`href="https://wk.example.com/prod/scans/${SCAN_ID}/report"`);
      expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(html).not.toContain('<img');
      expect(html).toContain(`compared with scan ${PREVIOUS_SCAN_ID}`);
      expect(email?.body.text).toContain('\\u{000d}\\u{000a}Bcc: evil@example.com');
      expect(email?.body.text).not.toMatch(/^Bcc:/m);
      expect(JSON.stringify(email)).not.toMatch(/"bcc":\[[^\]]/);
      expect(d.logger.lines.at(-1)).toMatchObject({ message: 'digest sent' });
    } finally {
      client.destroy();
    }
  });

  it('reports a failed send in its output and the log, and never fails the fleet scan', async () => {
    await twoScans();
    const d = deps({
      config: { email: EMAIL },
      emailSender: () => ({
        send: () => Promise.reject(new Error('MessageRejected: Email address is not verified')),
      }),
    });

    const output = await createHandler(d)({ scanId: SCAN_ID, startedAt: STARTED });

    expect(output.email).toEqual({
      status: 'failed',
      error: 'Error: MessageRejected: Email address is not verified',
    });
    expect(output.counts.clusters).toBe(2);
    expect(await store.getManifest(SCAN_ID)).toBeDefined();
    expect(await store.getArtifact(output.reportKey)).toBeDefined();
    expect(
      d.logger.lines.some((line) => line.level === 'error' && line.message.startsWith('digest not sent')),
    ).toBe(true);
  });

  it('links to the API report route under REPORT_BASE_URL', () => {
    expect(reportUrlOf(undefined, SCAN_ID)).toBeUndefined();
    expect(reportUrlOf('https://wk.example.com', SCAN_ID)).toBe(
      `https://wk.example.com/scans/${SCAN_ID}/report`,
    );
    expect(reportUrlOf('https://wk.example.com/prod/', SCAN_ID)).toBe(
      `https://wk.example.com/prod/scans/${SCAN_ID}/report`,
    );
  });

  it('sends nothing and reports no email when none is configured', async () => {
    await twoScans();
    let sent = 0;
    const output = await createHandler(
      deps({
        emailSender: () => ({
          send: async () => {
            sent += 1;
            return {};
          },
        }),
      }),
    )({ scanId: SCAN_ID, startedAt: STARTED });
    expect(output.email).toBeUndefined();
    expect(sent).toBe(0);
  });
});
