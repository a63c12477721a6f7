import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { KUBELET_CONFIG_OPT_IN_REASON } from '../../functions/checks/lib/nodes.ts';
import { ClientNodeKubeReader } from '../../functions/collect/client-node-reader.ts';
import type { CollectInput, CollectProgressEvent } from '../../functions/collect/collector.ts';
import { collectSnapshot } from '../../functions/collect/collector.ts';
import { KUBELET_CONFIG_KIND, projectKubeletConfig } from '../../functions/collect/kubelet-config.ts';
import { evaluate } from '../../functions/core/engine.ts';
import type { ReadKind } from '../../functions/core/kinds.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import type { EmulatorOptions, RunningEmulator } from '../../functions/emulator/index.ts';
import { startTestEmulator, TEST_CLUSTER, testToken } from '../helpers/emulator.ts';
import { FakeKubeReader } from './fake-reader.ts';

/*
 * The kubelet config opt-in end to end: ClientNodeKubeReader → real HTTPS → the emulator's
 * node proxy → collectSnapshot's per-node results and gaps → the CIS 3.2 checks.
 */

const MANAGED = 'ip-10-0-1-10.eu-west-1.compute.internal';
const SELF_MANAGED = 'ip-10-0-2-20.eu-west-1.compute.internal';
const BROKEN = 'ip-10-0-3-30.eu-west-1.compute.internal';
const FARGATE = 'fargate-ip-10-0-4-40.eu-west-1.compute.internal';
const AUTO = 'i-0a1b2c3d4e5f60718';

function node(name: string, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } };
}

const NODES = [
  node(MANAGED, { 'eks.amazonaws.com/nodegroup': 'general' }),
  node(SELF_MANAGED),
  node(BROKEN, { 'eks.amazonaws.com/nodegroup': 'general' }),
  node(FARGATE, { 'eks.amazonaws.com/compute-type': 'fargate' }),
  node(AUTO, { 'eks.amazonaws.com/compute-type': 'auto' }),
];

/** What configz reports on an EKS AL2023 node, plus fields no check reads. */
const HARDENED = {
  enableServer: true,
  staticPodPath: '/etc/kubernetes/manifest',
  staticPodURLHeader: { Authorization: ['Bearer not-a-real-token-canary'] },
  authentication: {
    x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' },
    webhook: { enabled: true, cacheTTL: '2m0s' },
    anonymous: { enabled: false },
  },
  authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s' } },
  readOnlyPort: 0,
  streamingConnectionIdleTimeout: '4h0m0s',
  makeIPTablesUtilChains: true,
  eventRecordQPS: 50,
  rotateCertificates: true,
  serverTLSBootstrap: true,
  featureGates: { RotateKubeletServerCertificate: true },
  protectKernelDefaults: true,
  podPidsLimit: -1,
};

const WEAK = {
  ...HARDENED,
  authentication: { ...HARDENED.authentication, anonymous: { enabled: true } },
  readOnlyPort: 10255,
};

const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 40, maxAttempts: 3 };
const KINDS: readonly ReadKind[] = ['nodes', KUBELET_CONFIG_KIND];

const emulators: RunningEmulator[] = [];
const readers: ClientNodeKubeReader[] = [];

async function emulatorWith(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const emulator = await startTestEmulator({
    objects: NODES,
    allowedSubresources: ['nodes/proxy'],
    kubeletConfigs: { [MANAGED]: HARDENED, [SELF_MANAGED]: WEAK, [FARGATE]: HARDENED, [AUTO]: HARDENED },
    ...options,
  });
  emulators.push(emulator);
  return emulator;
}

function readerFor(emulator: RunningEmulator): ClientNodeKubeReader {
  const reader = ClientNodeKubeReader.fromEndpoint({
    server: emulator.url,
    caData: emulator.caData,
    token: () => testToken(),
    requestTimeoutMs: 5_000,
  });
  readers.push(reader);
  return reader;
}

async function collect(
  reader: CollectInput['reader'],
  overrides: Partial<CollectInput> = {},
): Promise<{ snapshot: ClusterSnapshot; events: CollectProgressEvent[] }> {
  const events: CollectProgressEvent[] = [];
  const snapshot = await collectSnapshot({
    reader,
    cluster: { name: TEST_CLUSTER },
    kinds: KINDS,
    now: () => new Date('2026-11-23T15:40:00Z'),
    onProgress: (event) => events.push(event),
    retry: FAST_RETRY,
    deadlineMs: 20_000,
    kubeletConfig: true,
    ...overrides,
  });
  return { snapshot, events };
}

function configzRequests(emulator: RunningEmulator) {
  return emulator.requests.filter((r) => r.path.includes('/proxy/'));
}

/** The findings of one check over the snapshot, by node. */
function verdicts(snapshot: ClusterSnapshot, checkId: string) {
  const check = CHECKS.find((c) => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const result = evaluate({
    snapshot,
    checks: [check],
    policy: { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} },
    scanId: 'test',
    startedAt: snapshot.collectedAt,
    now: () => snapshot.collectedAt,
  });
  return {
    status: result.checks[0]?.status,
    byNode: Object.fromEntries(result.findings.map((f) => [f.resource.name, f.status])),
    messages: result.findings.map((f) => f.message),
  };
}

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
});

afterAll(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.stop()));
});

describe('kubelet config collection (opt-in)', () => {
  it('without the opt-in fetches nothing and records the reason as a not_collected gap', async () => {
    // Prepare
    const emulator = await emulatorWith();

    // Act
    const { snapshot } = await collect(readerFor(emulator), { kubeletConfig: false });

    // Assess
    expect(configzRequests(emulator)).toEqual([]);
    expect(snapshot.kubelet).toBeUndefined();
    expect(snapshot.gaps).toEqual([
      { kind: 'kubelet:configz', reason: 'not_collected', message: KUBELET_CONFIG_OPT_IN_REASON },
    ]);
    const anonymous = verdicts(snapshot, 'node-kubelet-anonymous-auth-disabled');
    expect(anonymous.status).toBe('not_evaluated');
    expect(anonymous.messages.join('\n')).toContain('opt in with kubeletConfig: true; see CIS 4.1.10');
  });

  it('records no gap when only AWS-operated nodes run: Fargate and Auto Mode are inherited, opt-in or not', async () => {
    // Prepare
    const emulator = await emulatorWith({ objects: NODES.slice(3) });

    // Act
    const { snapshot } = await collect(readerFor(emulator), { kubeletConfig: false });

    // Assess
    expect(configzRequests(emulator)).toEqual([]);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.kubelet).toEqual({});
    expect(verdicts(snapshot, 'node-kubelet-anonymous-auth-disabled').byNode).toEqual({
      [FARGATE]: 'inherited',
      [AUTO]: 'inherited',
    });
  });

  it('reads every EC2 node over HTTPS, never Fargate or Auto Mode nodes, and keeps only the fields checks read', async () => {
    // Prepare
    const emulator = await emulatorWith({
      kubeletConfigs: { [MANAGED]: HARDENED, [SELF_MANAGED]: WEAK, [BROKEN]: HARDENED },
    });

    // Act
    const { snapshot, events } = await collect(readerFor(emulator));

    // Assess
    expect(
      configzRequests(emulator)
        .map((r) => r.path)
        .sort(),
    ).toEqual([MANAGED, SELF_MANAGED, BROKEN].map((name) => `/api/v1/nodes/${name}/proxy/configz`).sort());
    expect(snapshot.gaps).toEqual([]);
    expect(Object.keys(snapshot.kubelet ?? {}).sort()).toEqual([MANAGED, SELF_MANAGED, BROKEN]);
    expect(snapshot.kubelet?.[MANAGED]).toEqual({
      config: {
        authentication: {
          anonymous: { enabled: false },
          webhook: { enabled: true },
          x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' },
        },
        authorization: { mode: 'Webhook' },
        readOnlyPort: 0,
        streamingConnectionIdleTimeout: '4h0m0s',
        makeIPTablesUtilChains: true,
        eventRecordQPS: 50,
        rotateCertificates: true,
        serverTLSBootstrap: true,
        featureGates: { RotateKubeletServerCertificate: true },
        protectKernelDefaults: true,
        podPidsLimit: -1,
      },
    });
    expect(JSON.stringify(snapshot)).not.toContain('token-canary');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'kubelet-finished', read: 3, failed: 0, skipped: 2 }),
    );

    const anonymous = verdicts(snapshot, 'node-kubelet-anonymous-auth-disabled');
    expect(anonymous.byNode).toEqual({
      [MANAGED]: 'pass',
      [SELF_MANAGED]: 'fail',
      [BROKEN]: 'pass',
      [FARGATE]: 'inherited',
      [AUTO]: 'inherited',
    });
    expect(anonymous.status).toBe('fail');
  });

  it('a node whose configz keeps failing is not evaluated on its own, after retries; the others are read', async () => {
    // Prepare: BROKEN has no configuration (503 like an unreachable kubelet), SELF_MANAGED fails once.
    const emulator = await emulatorWith({
      faults: [
        {
          pathPrefix: `/api/v1/nodes/${SELF_MANAGED}/proxy`,
          type: 'throttle',
          retryAfterSeconds: 0,
          times: 1,
        },
      ],
    });

    // Act
    const { snapshot, events } = await collect(readerFor(emulator));

    // Assess
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.kubelet?.[BROKEN]?.config).toBeUndefined();
    expect(snapshot.kubelet?.[BROKEN]?.error).toEqual({
      reason: 'error',
      message: expect.stringMatching(/HTTP 503 ServiceUnavailable.*\(gave up after 3 attempts\)$/),
    });
    expect(snapshot.kubelet?.[SELF_MANAGED]?.config?.readOnlyPort).toBe(10255);
    expect(configzRequests(emulator).filter((r) => r.path.includes(BROKEN))).toHaveLength(3);
    expect(events.filter((e) => e.type === 'kubelet-retry').map((e) => 'node' in e && e.node)).toEqual(
      expect.arrayContaining([SELF_MANAGED, BROKEN]),
    );

    const readOnly = verdicts(snapshot, 'node-kubelet-read-only-port-disabled');
    expect(readOnly.byNode).toEqual({
      [MANAGED]: 'pass',
      [SELF_MANAGED]: 'fail',
      [BROKEN]: 'not_evaluated',
      [FARGATE]: 'inherited',
      [AUTO]: 'inherited',
    });
  });

  it('without get nodes/proxy every node is refused: one forbidden gap for the kind, with the RBAC message', async () => {
    // Prepare
    const emulator = await emulatorWith({ allowedSubresources: [] });

    // Act
    const { snapshot, events } = await collect(readerFor(emulator));

    // Assess
    expect(snapshot.kubelet).toBeUndefined();
    expect(snapshot.gaps).toHaveLength(1);
    expect(snapshot.gaps[0]).toMatchObject({ kind: 'kubelet:configz', reason: 'forbidden' });
    expect(snapshot.gaps[0]?.message).toContain('all 3 node(s) refused');
    expect(snapshot.gaps[0]?.message).toContain('cannot get resource "nodes/proxy"');
    expect(events.some((e) => e.type === 'kubelet-failed')).toBe(true);
    expect(verdicts(snapshot, 'node-kubelet-client-ca-configured').status).toBe('not_evaluated');
  });

  it('when the node list cannot be read, kubelet config is a gap with the same reason and nothing is fetched', async () => {
    // Prepare
    const emulator = await emulatorWith({ allowedKinds: ['pods'] });

    // Act
    const { snapshot } = await collect(readerFor(emulator));

    // Assess
    expect(configzRequests(emulator)).toEqual([]);
    expect(snapshot.gaps.map((g) => [g.kind, g.reason])).toEqual([
      ['nodes', 'forbidden'],
      ['kubelet:configz', 'forbidden'],
    ]);
    expect(snapshot.gaps[1]?.message).toMatch(/^the node list could not be read/);
  });

  it('never puts a node name that is not a DNS subdomain into a request path', async () => {
    // Prepare
    const emulator = await emulatorWith({ objects: [...NODES, node('..%2Fsecrets')] });

    // Act
    const { snapshot } = await collect(readerFor(emulator));

    // Assess
    expect(configzRequests(emulator).some((r) => r.path.includes('secrets'))).toBe(false);
    expect(snapshot.kubelet?.['..%2Fsecrets']?.error?.message).toMatch(/not a valid DNS subdomain/);
  });

  it('a reader that cannot reach kubelets leaves a not_collected gap instead of guessing', async () => {
    // Prepare
    const reader = new FakeKubeReader({ nodes: NODES });

    // Act
    const { snapshot } = await collect(reader);

    // Assess
    expect(snapshot.gaps).toEqual([
      {
        kind: 'kubelet:configz',
        reason: 'not_collected',
        message: expect.stringContaining('cannot reach kubelets'),
      },
    ]);
  });
});

describe('projectKubeletConfig', () => {
  it('keeps values only when they have the type the field needs', () => {
    expect(
      projectKubeletConfig({
        authentication: { anonymous: { enabled: 'false' }, x509: { clientCAFile: 7 } },
        authorization: 'Webhook',
        readOnlyPort: '10255',
        eventRecordQPS: Number.NaN,
        featureGates: { RotateKubeletServerCertificate: 'true', Other: false },
        tlsCipherSuites: ['TLS_AES_128_GCM_SHA256', 3],
      }),
    ).toEqual({ featureGates: { Other: false }, tlsCipherSuites: ['TLS_AES_128_GCM_SHA256'] });
  });
});
