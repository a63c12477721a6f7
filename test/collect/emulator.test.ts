import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientNodeReaderOptions } from '../../functions/collect/client-node-reader.ts';
import {
  ClientNodeKubeReader,
  KubeClusterConfigError,
  KubeContextNotFoundError,
} from '../../functions/collect/client-node-reader.ts';
import type { CollectInput, CollectProgressEvent } from '../../functions/collect/collector.ts';
import { collectSnapshot } from '../../functions/collect/collector.ts';
import { unreadArrayMembers } from '../../functions/collect/project.ts';
import type { ReadKind } from '../../functions/core/kinds.ts';
import type { EmulatorOptions, RunningEmulator } from '../../functions/emulator/index.ts';
import { makePods, startTestEmulator, TEST_CLUSTER, testToken } from '../helpers/emulator.ts';

/*
 * The live path end to end: ClientNodeKubeReader → real HTTPS (the emulator's own CA, TLS
 * verification on) → EKS IAM token verified by the emulator → paging, RBAC refusals and
 * injected faults → collectSnapshot's gaps.
 */

const POD_COUNT = 1_234;

const OBJECTS: object[] = [
  ...makePods(POD_COUNT, ['shop', 'ops', 'default']),
  ...['shop', 'ops', 'default'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app', namespace: 'shop' },
    data: { api_token: 'token-canary-value', mode: 'fast' },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"password":"hunter2canary"}' },
    },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              args: ['--password=hunter2canary'],
              env: [
                { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7CANARY1' },
                { name: 'DB_PASSWORD', value: 'db-secret-canary' },
              ],
            },
          ],
        },
      },
    },
  },
];

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 4 };

const emulators: RunningEmulator[] = [];
const readers: ClientNodeKubeReader[] = [];

async function emulatorWith(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const emulator = await startTestEmulator({ objects: OBJECTS, ...options });
  emulators.push(emulator);
  return emulator;
}

function readerFor(
  target: Pick<RunningEmulator, 'url' | 'caData'>,
  options: ClientNodeReaderOptions & { token?: () => Promise<string> } = {},
): ClientNodeKubeReader {
  const reader = ClientNodeKubeReader.fromEndpoint({
    server: target.url,
    caData: target.caData,
    token: options.token ?? (() => testToken()),
    ...options,
  });
  readers.push(reader);
  return reader;
}

/** A reader whose page-decoding worker runs `workerSource` and is given every page, however small. */
function readerWithWorker(
  target: Pick<RunningEmulator, 'url' | 'caData'>,
  workerSource: string,
): ClientNodeKubeReader {
  return readerFor(target, { pageDecoding: { worker: true, minWorkerBytes: 0, workerSource } });
}

async function collect(
  reader: ClientNodeKubeReader,
  kinds: readonly ReadKind[],
  overrides: Partial<CollectInput> = {},
): Promise<{ snapshot: Awaited<ReturnType<typeof collectSnapshot>>; events: CollectProgressEvent[] }> {
  const events: CollectProgressEvent[] = [];
  const snapshot = await collectSnapshot({
    reader,
    cluster: { name: TEST_CLUSTER },
    kinds,
    now: () => new Date('2026-11-23T15:40:00Z'),
    onProgress: (event) => events.push(event),
    retry: FAST_RETRY,
    deadlineMs: 20_000,
    ...overrides,
  });
  return { snapshot, events };
}

/** Requests the emulator saw for one path, whatever the query. */
function requestsTo(emulator: RunningEmulator, path: string) {
  return emulator.requests.filter((r) => r.path.split('?')[0] === path);
}

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
});

afterAll(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.stop()));
});

describe('live collection against the emulator', () => {
  let shared: RunningEmulator;

  beforeAll(async () => {
    shared = await emulatorWith();
  });

  afterEach(() => shared.setFaults([]));

  it('pages through 1,234 pods in pages of 500 with a freshly minted token per request', async () => {
    // Prepare
    let minted = 0;
    const reader = readerFor(shared, {
      token: () => {
        minted += 1;
        return testToken();
      },
    });
    const before = shared.requests.length;

    // Act
    const { snapshot, events } = await collect(reader, ['pods', 'namespaces', 'clusterroles']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(POD_COUNT);
    expect(
      new Set(snapshot.k8s.pods.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`)).size,
    ).toBe(POD_COUNT);
    expect(snapshot.k8s.pods[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    expect(snapshot.k8s.clusterroles).toHaveLength(1);
    const podLists = requestsTo(shared, '/api/v1/pods').filter((r) => shared.requests.indexOf(r) >= before);
    expect(podLists.length).toBeGreaterThanOrEqual(3);
    expect(podLists.every((r) => r.path.includes('limit=500'))).toBe(true);
    // The emulator logs a status when the response's 'finish' fires, which can be just after
    // the client has read the last byte.
    await vi.waitFor(() => expect(podLists.map((r) => r.status)).toEqual(podLists.map(() => 200)));
    expect(podLists.filter((r) => r.path.includes('continue='))).toHaveLength(podLists.length - 1);
    expect(minted).toBe(shared.requests.length - before);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'kind-finished', kind: 'pods', count: POD_COUNT, pages: 3 }),
    );
  });

  it('asks for the next two pages while a page is decoded, and hands each only to the call for its token', async () => {
    // Prepare
    const reader = readerFor(shared);
    const before = shared.requests.length;
    const podLists = () =>
      requestsTo(shared, '/api/v1/pods').filter((r) => shared.requests.indexOf(r) >= before);

    // Act: the first page, then the second through its token, then the first again.
    const first = await reader.listPage('pods', { limit: 500 });
    // Nobody has asked for the second and third pages yet: each is asked for once the page
    // before it has come (the emulator logs a request once it arrives).
    await vi.waitFor(() => expect(podLists()).toHaveLength(3));
    const second = await reader.listPage('pods', { limit: 500, continueToken: first.continueToken });
    const asked = podLists().length;
    const again = await reader.listPage('pods', { limit: 500 });
    await vi.waitFor(() => expect(podLists()).toHaveLength(6));

    // Assess: the pages were asked for before anyone asked, and not again when asked.
    expect(first.continueToken).toBeDefined();
    expect(podLists()[1]?.path).toContain(`continue=${first.continueToken}`);
    expect(podLists()[2]?.path).toContain(`continue=${second.continueToken}`);
    expect(asked).toBe(3);
    expect(second.items).toHaveLength(500);
    expect(second.items).not.toEqual(first.items);
    // The fresh first page drops the third page read ahead and reads its own two ahead.
    expect(again.items).toEqual(first.items);
    expect(podLists().map((r) => r.path.includes('continue='))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it('lets the decoding worker drop the pages read ahead that nobody takes', async () => {
    // Prepare: a worker program that decodes pages whole and logs what it decodes and drops.
    const dir = mkdtempSync(join(tmpdir(), 'watchkeeper-ahead-'));
    const log = join(dir, 'log');
    const reader = readerWithWorker(
      shared,
      `const { parentPort } = require('node:worker_threads');
const { appendFileSync } = require('node:fs');
parentPort.on('message', (job) => {
  if (job.type === 'decode') {
    appendFileSync(${JSON.stringify(log)}, 'd' + job.id + '\\n');
    parentPort.postMessage({ id: job.id, text: new TextDecoder().decode(job.bytes) });
  }
  if (job.type === 'release') appendFileSync(${JSON.stringify(log)}, 'r' + job.id + '\\n');
});`,
    );
    const lines = (prefix: string) =>
      (existsSync(log) ? readFileSync(log, 'utf8') : '')
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .map((line) => Number(line.slice(1)));

    try {
      // Act: the first page (the second and third are read ahead and decoded), then the first
      // again, which drops those two.
      await reader.listPage('pods', { limit: 500 });
      await vi.waitFor(() => expect(lines('d')).toHaveLength(3));
      await reader.listPage('pods', { limit: 500 });

      // Assess: every page decoded is dropped once read or once it is no longer wanted, but the
      // two read ahead of the fresh first page.
      await vi.waitFor(() => expect(lines('d')).toHaveLength(6));
      await vi.waitFor(() => expect(lines('r').sort()).toEqual([0, 1, 2, 3]));
    } finally {
      await reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads pages through the decoding worker thread exactly as it reads them in place', async () => {
    // Prepare
    const inPlace = readerFor(shared, { pageDecoding: { worker: false } });
    const offThread = readerFor(shared, { pageDecoding: { worker: true, minWorkerBytes: 0 } });

    // Act
    const a = await collect(inPlace, ['pods', 'deployments', 'configmaps']);
    const b = await collect(offThread, ['pods', 'deployments', 'configmaps']);

    // Assess
    expect(b.snapshot.gaps).toEqual([]);
    expect(b.snapshot.k8s.pods).toHaveLength(POD_COUNT);
    expect(b.snapshot.k8s).toEqual(a.snapshot.k8s);
  });

  it('asks again for a page the decoding worker lost, and reads every pod once', async () => {
    // Prepare: a worker program that exits on the first page it is given.
    const reader = readerWithWorker(
      shared,
      "require('node:worker_threads').parentPort.on('message', () => process.exit(3));",
    );
    const before = shared.requests.length;

    // Act
    const { snapshot } = await collect(reader, ['pods']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(new Set(snapshot.k8s.pods.map((pod) => pod.metadata.name)).size).toBe(POD_COUNT);
    // Three pages, the first asked for twice. The second and third were read ahead from the
    // lost copy of the first; the emulator stamps tokens with their time, so the first page's
    // second copy names another token, and the pages read ahead are dropped (aborted, so they
    // may not have reached the server) and asked for again with the new ones.
    const podLists = requestsTo(shared, '/api/v1/pods').filter((r) => shared.requests.indexOf(r) >= before);
    const firstPage = podLists.filter((r) => !r.path.includes('continue='));
    expect(firstPage).toHaveLength(2);
    expect(podLists.length - firstPage.length).toBeGreaterThanOrEqual(2);
    expect(podLists.length - firstPage.length).toBeLessThanOrEqual(4);
    expect(podLists.slice(-2).every((r) => r.path.includes('continue='))).toBe(true);
  });

  it('asks the decoding worker to cut the members the projection leaves out of each kind', async () => {
    // Prepare: a worker program that answers every page with the names it was asked to cut.
    const reader = readerWithWorker(
      shared,
      `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  if (job.type === 'decode') parentPort.postMessage({ id: job.id, text: JSON.stringify({ items: [job.names] }) });
});`,
    );

    // Act
    const pods = await reader.listPage('pods', { limit: 500 });
    const roles = await reader.listPage('roles', { limit: 500 });

    // Assess
    expect(pods.items).toEqual([unreadArrayMembers('pods')]);
    expect(pods.items[0]).toContain('containerStatuses');
    expect(roles.items).toEqual([['managedFields']]);
  });

  it('parses the page as received when the cut text does not parse, asking the worker for it', async () => {
    // Prepare: a worker whose cut breaks every page, and that gives the bytes back when asked.
    const reader = readerWithWorker(
      shared,
      `const { parentPort } = require('node:worker_threads');
const held = new Map();
parentPort.on('message', (job) => {
  if (job.type === 'decode') {
    held.set(job.id, job.bytes);
    parentPort.postMessage({ id: job.id, text: '{"items": [' });
  } else if (job.type === 'original') {
    const bytes = held.get(job.id);
    parentPort.postMessage({ id: job.id, bytes }, [bytes.buffer]);
  }
});`,
    );

    // Act
    const { snapshot } = await collect(reader, ['pods']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(new Set(snapshot.k8s.pods.map((pod) => pod.metadata.name)).size).toBe(POD_COUNT);
  });

  it('redacts what it reads before it reaches the snapshot', async () => {
    // Act
    const { snapshot } = await collect(readerFor(shared), ['deployments', 'configmaps']);

    // Assess
    expect(snapshot.k8s.deployments).toHaveLength(1);
    expect(snapshot.k8s.configmaps).toHaveLength(1);
    const text = JSON.stringify(snapshot);
    for (const canary of [
      'AKIAIOSFODNN7CANARY1',
      'hunter2canary',
      'db-secret-canary',
      'token-canary-value',
    ]) {
      expect(text).not.toContain(canary);
    }
    expect(text).not.toContain('last-applied-configuration');
  });

  it('retries a 429 after its Retry-After and succeeds', async () => {
    // Prepare
    shared.setFaults([{ kind: 'pods', type: 'throttle', retryAfterSeconds: 1, times: 1 }]);
    const started = Date.now();

    // Act
    const { snapshot, events } = await collect(readerFor(shared), ['pods']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(POD_COUNT);
    const retry = events.find((event) => event.type === 'kind-retry');
    expect(retry).toMatchObject({ kind: 'pods', status: 429, reason: 'throttled' });
    expect(retry?.type === 'kind-retry' ? retry.delayMs : 0).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('retries 500s and succeeds', async () => {
    // Prepare
    shared.setFaults([{ kind: 'roles', type: 'error', status: 500, times: 2 }]);

    // Act
    const { snapshot, events } = await collect(readerFor(shared), ['roles', 'namespaces']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(events.filter((event) => event.type === 'kind-retry' && event.status === 500)).toHaveLength(2);
  });

  it('retries a dropped connection and succeeds', async () => {
    // Prepare
    shared.setFaults([{ kind: 'pods', type: 'drop', times: 1 }]);

    // Act
    const { snapshot, events } = await collect(readerFor(shared), ['pods']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(POD_COUNT);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'kind-retry', kind: 'pods', reason: 'unreachable' }),
    );
  });

  it('records a kind that keeps failing as a gap, keeps it empty, and finishes the scan', async () => {
    // Prepare
    shared.setFaults([{ kind: 'pods', type: 'error', status: 503 }]);

    // Act
    const { snapshot } = await collect(readerFor(shared), ['pods', 'namespaces', 'configmaps']);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'pods', reason: 'error', message: expect.stringMatching(/HTTP 503.*gave up after 4 attempts/) },
    ]);
    expect(snapshot.k8s.pods).toEqual([]);
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    expect(snapshot.k8s.configmaps).toHaveLength(1);
  });

  it('gives up on a call that does not answer within the per-call timeout, and retries it', async () => {
    // Prepare
    shared.setFaults([{ kind: 'namespaces', type: 'slow', delayMs: 3_000, times: 1 }]);

    // Act
    const { snapshot, events } = await collect(readerFor(shared, { requestTimeoutMs: 300 }), ['namespaces']);

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    expect(events).toContainEqual(expect.objectContaining({ type: 'kind-retry', reason: 'timeout' }));
  });

  it('ends a kind that stays too slow as a timeout gap', async () => {
    // Prepare
    shared.setFaults([{ kind: 'namespaces', type: 'slow', delayMs: 5_000 }]);
    const started = Date.now();

    // Act
    const { snapshot } = await collect(
      readerFor(shared, { requestTimeoutMs: 200 }),
      ['namespaces', 'clusterroles'],
      {
        kindDeadlineMs: 1_000,
      },
    );

    // Assess
    expect(snapshot.gaps).toEqual([{ kind: 'namespaces', reason: 'timeout', message: expect.any(String) }]);
    expect(snapshot.k8s.namespaces).toEqual([]);
    expect(snapshot.k8s.clusterroles).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('restarts a list whose continue token expired (410) and still reads every pod once', async () => {
    // Prepare
    const emulator = await emulatorWith({ continueTtlMs: 1_000 });
    const reader = readerFor(emulator);
    const progress: CollectProgressEvent[] = [];
    let slowed = false;

    // Act: after the first page, the next call waits past the continue token's lifetime.
    const { snapshot } = await collect(reader, ['pods'], {
      onProgress: (event) => {
        progress.push(event);
        if (event.type === 'kind-page' && !slowed) {
          slowed = true;
          emulator.setFaults([{ kind: 'pods', type: 'slow', delayMs: 1_500, times: 1 }]);
        }
      },
    });

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(POD_COUNT);
    expect(progress.filter((event) => event.type === 'kind-restarted')).toHaveLength(1);
    await vi.waitFor(() => expect(emulator.requests.filter((r) => r.status === 410)).toHaveLength(1));
  });
});

describe('live collection failures that become gaps', () => {
  it('turns a 403 kind into a forbidden gap with an empty list, and collects the others', async () => {
    // Prepare
    const emulator = await emulatorWith({ allowedKinds: ['pods', 'namespaces'] });

    // Act
    const { snapshot } = await collect(readerFor(emulator), ['pods', 'namespaces', 'clusterroles']);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'clusterroles', reason: 'forbidden', message: expect.stringContaining('cannot list resource') },
    ]);
    expect(snapshot.k8s.clusterroles).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(POD_COUNT);
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    expect(requestsTo(emulator, '/apis/rbac.authorization.k8s.io/v1/clusterroles')).toHaveLength(1);
  });

  it('reports unauthorized gaps for a token signed for another cluster, without the token', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const token = await testToken({ clusterName: 'another-cluster' });
    const reader = readerFor(emulator, { token: async () => token });

    // Act
    const { snapshot, events } = await collect(reader, ['pods', 'namespaces']);

    // Assess
    expect(snapshot.gaps.map((gap) => [gap.kind, gap.reason])).toEqual([
      ['namespaces', 'unauthorized'],
      ['pods', 'unauthorized'],
    ]);
    expect(snapshot.k8s.pods).toEqual([]);
    const text = JSON.stringify({ snapshot, events });
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(11, 40));
  });

  it('reports a failing token provider as unauthorized, with its message', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const reader = readerFor(emulator, {
      token: () => Promise.reject(new Error('no credentials in the environment')),
    });

    // Act
    const { snapshot } = await collect(reader, ['pods']);

    // Assess
    expect(snapshot.gaps).toEqual([
      {
        kind: 'pods',
        reason: 'unauthorized',
        message: expect.stringContaining('no credentials in the environment'),
      },
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it('does not wait forever for a token provider that never answers', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const reader = readerFor(emulator, { token: () => new Promise<string>(() => {}), requestTimeoutMs: 100 });

    // Act
    const { snapshot } = await collect(reader, ['pods'], { kindDeadlineMs: 1_000 });

    // Assess
    expect(snapshot.gaps).toEqual([{ kind: 'pods', reason: 'timeout', message: expect.any(String) }]);
    expect(emulator.requests).toEqual([]);
  });

  it('reports an unreachable endpoint quickly, trying only until the first kind gives up', async () => {
    // Prepare
    const port = await freePort();
    const emulator = await emulatorWith();
    const reader = readerFor({ url: `https://127.0.0.1:${port}`, caData: emulator.caData });
    const started = Date.now();

    // Act
    const { snapshot } = await collect(
      reader,
      ['pods', 'namespaces', 'nodes', 'roles', 'services', 'clusterroles'],
      {
        retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 },
      },
    );

    // Assess
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(snapshot.gaps).toHaveLength(6);
    expect(snapshot.gaps.every((gap) => gap.reason === 'unreachable')).toBe(true);
    expect(snapshot.gaps.find((gap) => gap.kind === 'pods')?.message).toContain('ECONNREFUSED');
  });

  it('refuses a server whose certificate the given CA did not sign (unreachable, not retried)', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const other = await emulatorWith();
    const reader = readerFor({ url: emulator.url, caData: other.caData });

    // Act
    const { snapshot, events } = await collect(reader, ['namespaces']);

    // Assess
    expect(snapshot.gaps).toEqual([
      { kind: 'namespaces', reason: 'unreachable', message: expect.stringContaining('TLS verification') },
    ]);
    expect(events.filter((event) => event.type === 'kind-retry')).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });
});

describe('ClientNodeKubeReader from a kubeconfig', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await emulatorWith();
  });

  function kubeconfig(token: string, clusterExtra: Record<string, unknown> = {}): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'emu',
            cluster: { server: emulator.url, 'certificate-authority-data': emulator.caData, ...clusterExtra },
          },
        ],
        users: [{ name: 'scanner', user: { token } }],
        contexts: [
          { name: 'dev', context: { cluster: 'emu', user: 'scanner' } },
          { name: 'prod', context: { cluster: 'emu', user: 'scanner' } },
        ],
        'current-context': 'dev',
      }),
    );
    return kc;
  }

  it('reads through the named context', async () => {
    // Prepare
    const reader = ClientNodeKubeReader.fromKubeconfig({
      context: 'prod',
      kubeConfig: kubeconfig(await testToken()),
    });
    readers.push(reader);

    // Act
    const { snapshot } = await collect(reader, ['namespaces']);

    // Assess
    expect(reader.server).toBe(emulator.url);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.k8s.namespaces).toHaveLength(3);
  });

  it('names the available contexts when the one asked for does not exist', () => {
    expect(() =>
      ClientNodeKubeReader.fromKubeconfig({ context: 'staging', kubeConfig: kubeconfig('t') }),
    ).toThrow(KubeContextNotFoundError);
    expect(() =>
      ClientNodeKubeReader.fromKubeconfig({ context: 'staging', kubeConfig: kubeconfig('t') }),
    ).toThrow('no kubeconfig context named "staging"; available contexts: dev, prod');
  });

  it('refuses a cluster that skips TLS verification', () => {
    const kubeConfig = kubeconfig('t', { 'insecure-skip-tls-verify': true });
    expect(() => ClientNodeKubeReader.fromKubeconfig({ context: 'dev', kubeConfig })).toThrow(
      KubeClusterConfigError,
    );
  });

  it('refuses an endpoint that is not https or a CA that is not a PEM certificate', () => {
    const token = async () => 't';
    expect(() =>
      ClientNodeKubeReader.fromEndpoint({ server: 'http://127.0.0.1:1', caData: emulator.caData, token }),
    ).toThrow(/must use https/);
    expect(() =>
      ClientNodeKubeReader.fromEndpoint({
        server: emulator.url,
        caData: Buffer.from('nope').toString('base64'),
        token,
      }),
    ).toThrow(/not a base64-encoded PEM certificate/);
  });
});

/** A port nothing listens on: bound, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
