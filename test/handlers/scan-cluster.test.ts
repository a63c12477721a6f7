import 'aws-sdk-client-mock-vitest/extend';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import type { CredentialsTarget } from '../../functions/collect/aws-credentials.ts';
import type { EndpointSource } from '../../functions/collect/client-node-reader.ts';
import { KubeClusterConfigError } from '../../functions/collect/client-node-reader.ts';
import type { KubeListPage, KubeReader } from '../../functions/collect/kube-reader.ts';
import { KubeReadError } from '../../functions/collect/kube-reader.ts';
import type { EksTokenProviderOptions } from '../../functions/collect/token-provider.ts';
import { scanClusterConfig } from '../../functions/config/runtime.ts';
import { CHECK_AREAS } from '../../functions/core/fleet.ts';
import { ALL_K8S_KINDS, isK8sKind, type K8sKind } from '../../functions/core/kinds.ts';
import type { ResultsStore } from '../../functions/core/ports.ts';
import { InvalidEventError } from '../../functions/handlers/lib/runtime.ts';
import {
  createHandler,
  EVALUATE_AND_STORE_MARGIN_MS,
  type InvocationClients,
  type ScanClusterDeps,
} from '../../functions/handlers/scan-cluster.ts';
import { getEntry } from '../../functions/scan/fleet-artifacts.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { recordingLogger, recordingMetrics } from './fakes.ts';

const SELF = '111111111111';
const MEMBER = '222222222222';
const HOME = 'eu-west-1';
const SCAN_ID = '20261123T020000Z-abc123';
const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);
const OWN_KEYS = { accessKeyId: 'AKIDSCANNER', secretAccessKey: 'scanner-secret-do-not-log' };
const MEMBER_KEYS = {
  accessKeyId: 'ASIAMEMBER',
  secretAccessKey: 'member-secret-do-not-log',
  sessionToken: 'tok',
};
const TOKEN = 'k8s-aws-v1.do-not-log-this-token';
const RBAC: readonly K8sKind[] = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];

const API_KINDS = [...new Set(CHECKS.flatMap((check) => check.reads))].filter(isK8sKind);

/** Answers every list call from `objects` unless `fail` says the kind fails. */
class ScriptedReader implements KubeReader {
  readonly server = 'https://cluster.invalid';
  readonly kinds: K8sKind[] = [];
  closed = false;
  readonly source: EndpointSource;
  readonly fail: (kind: K8sKind) => KubeReadError | undefined;
  constructor(source: EndpointSource, fail: (kind: K8sKind) => KubeReadError | undefined = () => undefined) {
    this.source = source;
    this.fail = fail;
  }
  async listPage(kind: K8sKind): Promise<KubeListPage> {
    this.kinds.push(kind);
    await this.source.token();
    const error = this.fail(kind);
    if (error) throw error;
    return { items: [] };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const forbidden = () => new KubeReadError('HTTP 403 Forbidden', { failure: 'http', status: 403 });
const refused = () =>
  new KubeReadError('connect ECONNREFUSED 10.0.0.1:443', { failure: 'network', code: 'ECONNREFUSED' });

function cluster(accountId = SELF, name = 'prod', region = HOME) {
  return { accountId, region, name, arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}` };
}

function described(name: string, overrides: Record<string, unknown> = {}) {
  return {
    cluster: {
      name,
      arn: `arn:aws:eks:${HOME}:${SELF}:cluster/${name}`,
      version: '1.33',
      status: 'ACTIVE' as const,
      endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      certificateAuthority: { data: CA_DATA },
      resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
      ...overrides,
    },
  };
}

interface Harness {
  deps: ScanClusterDeps;
  eks: AwsClientStub<EKSClient>;
  readers: ScriptedReader[];
  assumed: CredentialsTarget[];
  eksBuiltWith: { region: string; accountId: string; credentials: AwsCredentialIdentityProvider }[];
  tokens: EksTokenProviderOptions[];
  disposed: number;
  logger: ReturnType<typeof recordingLogger>;
  metrics: ReturnType<typeof recordingMetrics>;
  store: ResultsStore;
}

let root: string;
let harness: Harness;

function makeHarness(
  options: {
    env?: Record<string, string>;
    fail?: (kind: K8sKind) => KubeReadError | undefined;
    readerThrows?: Error;
    assumeFails?: Error;
    store?: ResultsStore;
    eksThrows?: Error;
  } = {},
): Harness {
  const eksClient = new EKSClient({ region: HOME, credentials: OWN_KEYS });
  const eks = mockClient(eksClient);
  eks.on(DescribeClusterCommand).resolves(described('prod'));
  eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
  eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  const store = options.store ?? new FileResultsStore({ root });
  const logger = recordingLogger();
  const metrics = recordingMetrics();
  const h: Harness = {
    eks,
    readers: [],
    assumed: [],
    eksBuiltWith: [],
    tokens: [],
    disposed: 0,
    logger,
    metrics,
    store,
    deps: undefined as unknown as ScanClusterDeps,
  };
  const clients = (): InvocationClients => ({
    ownCredentials: () => async () => OWN_KEYS,
    assumeRole: (target) => {
      h.assumed.push(target);
      return async () => {
        if (options.assumeFails) throw options.assumeFails;
        return MEMBER_KEYS;
      };
    },
    scannerAccountId: async () => SELF,
    eks: (region, credentials, accountId) => {
      if (options.eksThrows) throw options.eksThrows;
      h.eksBuiltWith.push({ region, credentials, accountId });
      return eksClient;
    },
    ec2: () => new EC2Client({ region: HOME, credentials: OWN_KEYS }),
    tokenProvider: (tokenOptions) => {
      h.tokens.push(tokenOptions);
      return async () => TOKEN;
    },
    kubeReader: (source) => {
      if (options.readerThrows) throw options.readerThrows;
      const reader = new ScriptedReader(source, options.fail);
      h.readers.push(reader);
      return reader;
    },
    dispose: () => {
      h.disposed += 1;
    },
  });
  h.deps = {
    config: scanClusterConfig(
      {
        RESULTS_BUCKET: 'results-bucket',
        AWS_REGION: HOME,
        MEMBER_ROLE_NAME: 'watchkeeper-read',
        ...options.env,
      },
      CHECKS.map((check) => check.id),
    ),
    store,
    clients,
    now: () => new Date(),
    logger,
    metrics,
    collect: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
  };
  return h;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wk-scan-cluster-'));
});

afterEach(async () => {
  harness?.eks.restore();
  await rm(root, { recursive: true, force: true });
});

describe('scan-cluster', () => {
  it('scans a cluster of its own account with its own identity, stores the result and the entry', async () => {
    harness = makeHarness();
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry).toEqual({
      cluster: cluster(),
      clusterKey: `${SELF}/${HOME}/prod`,
      outcome: 'scanned',
      resultKey: `scans/${SCAN_ID}/clusters/${SELF}/${HOME}/prod/result.json`,
      summary: expect.objectContaining({ gaps: expect.any(Number), failingBySeverity: expect.any(Object) }),
    });
    // Per-area counts for the fleet heat map, one per check area, read back intact from entry.json.
    expect(Object.keys(entry.summary?.areas ?? {}).sort()).toEqual([...CHECK_AREAS].sort());
    expect(await getEntry(harness.store, SCAN_ID, cluster())).toEqual(entry);
    expect((await harness.store.getLatest(cluster()))?.scanId).toBe(SCAN_ID);
    expect(harness.assumed).toEqual([]);
    // The reader was pointed at DescribeCluster's endpoint and CA, with a token for this cluster.
    expect(harness.readers[0]?.source).toMatchObject({
      server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      caData: CA_DATA,
    });
    expect(harness.tokens).toEqual([
      { clusterName: 'prod', region: HOME, credentials: expect.any(Function) },
    ]);
    expect(await harness.tokens[0]?.credentials()).toEqual(OWN_KEYS);
    expect(harness.readers[0]?.kinds.sort()).toEqual([...API_KINDS].sort());
    expect(harness.readers[0]?.closed).toBe(true);
    expect(harness.eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'prod' });
    expect(harness.disposed).toBe(1);
    expect(harness.metrics.total('ClustersScanned')).toBe(1);
    expect(harness.metrics.published).toBe(1);
  });

  it('assumes the member read role, with the external id, for a cluster of another account', async () => {
    harness = makeHarness({ env: { EXTERNAL_ID: 'wk-ext-1' } });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster(MEMBER, 'shop', 'us-east-1') });

    expect(entry.outcome).toBe('scanned');
    expect(harness.assumed).toEqual([
      { roleArn: `arn:aws:iam::${MEMBER}:role/watchkeeper-read`, externalId: 'wk-ext-1', region: HOME },
    ]);
    expect(harness.eksBuiltWith.map(({ region, accountId }) => ({ region, accountId }))).toEqual([
      { region: 'us-east-1', accountId: MEMBER },
    ]);
    expect(await harness.eksBuiltWith[0]?.credentials()).toEqual(MEMBER_KEYS);
    // Signed with the member credentials, for the cluster's own region.
    expect(harness.tokens[0]).toMatchObject({ clusterName: 'shop', region: 'us-east-1' });
    expect(await harness.tokens[0]?.credentials()).toEqual(MEMBER_KEYS);
  });

  it('takes the member role partition from the cluster ARN', async () => {
    harness = makeHarness();
    const handler = createHandler(harness.deps);
    const china = {
      accountId: MEMBER,
      region: 'cn-north-1',
      name: 'prod',
      arn: `arn:aws-cn:eks:cn-north-1:${MEMBER}:cluster/prod`,
    };

    await handler({ scanId: SCAN_ID, cluster: china });

    expect(harness.assumed[0]?.roleArn).toBe(`arn:aws-cn:iam::${MEMBER}:role/watchkeeper-read`);
  });

  it('uses SCANNER_ACCOUNT_ID instead of asking STS', async () => {
    harness = makeHarness({ env: { SCANNER_ACCOUNT_ID: MEMBER } });
    const handler = createHandler(harness.deps);

    await handler({ scanId: SCAN_ID, cluster: cluster(MEMBER) });

    expect(harness.assumed).toEqual([]);
  });

  it('is forbidden when the member role cannot be assumed, and still stores an honest result', async () => {
    harness = makeHarness({
      assumeFails: Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster(MEMBER) });

    expect(entry.outcome).toBe('forbidden');
    expect(entry.reason).toMatch(
      /^could not assume arn:aws:iam::222222222222:role\/watchkeeper-read \(AccessDenied: .*trust policy/,
    );
    expect(harness.eksBuiltWith).toEqual([]);
    expect(harness.readers).toEqual([]);
    const result = await harness.store.getLatest(cluster(MEMBER));
    expect(result?.gaps.length).toBeGreaterThan(0);
    expect(result?.gaps.every((gap) => gap.reason === 'forbidden')).toBe(true);
    expect(result?.checks.some((check) => check.status === 'pass')).toBe(false);
    expect(harness.metrics.total('ClustersForbidden')).toBe(1);
  });

  it('is an error naming MEMBER_ROLE_NAME when another account needs it and it is not set', async () => {
    harness = makeHarness({ env: { MEMBER_ROLE_NAME: '' } });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster(MEMBER) });

    expect(entry.outcome).toBe('error');
    expect(entry.reason).toContain('MEMBER_ROLE_NAME is not set');
    expect(entry.resultKey).toBeDefined();
  });

  it('is scanned with the missing kinds named when only the RBAC kinds are refused', async () => {
    harness = makeHarness({ fail: (kind) => (RBAC.includes(kind) ? forbidden() : undefined) });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('scanned');
    expect(entry.reason).toBe(
      `partly read: 4 kinds forbidden: ${RBAC.join(', ')} (give the ClusterRole watchkeeper-reader get/list on them: kubectl apply -f deploy/cluster-rbac.yaml)`,
    );
  });

  it('is forbidden, with how to onboard, when every Kubernetes kind is refused', async () => {
    harness = makeHarness({ fail: () => forbidden() });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('forbidden');
    expect(entry.reason).toContain('access entry');
    expect(entry.reason).toContain('watchkeeper-readers');
    expect(entry.resultKey).toBeDefined();
  });

  it('is unreachable when no kind can be reached, with the private-endpoint hint', async () => {
    harness = makeHarness({ fail: () => refused() });
    harness.eks.on(DescribeClusterCommand).resolves(
      described('prod', {
        resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
      }),
    );
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('unreachable');
    expect(entry.reason).toContain('the Kubernetes API could not be reached');
    expect(entry.reason).toContain(
      'The endpoint is private only: attach the scan function to the cluster VPC',
    );
    expect(harness.metrics.total('ClustersUnreachable')).toBe(1);
  });

  it('is unreachable for an EKS Connector cluster, never trying an API server', async () => {
    harness = makeHarness();
    harness.eks.on(DescribeClusterCommand).resolves({
      cluster: { name: 'prod', status: 'ACTIVE', connectorConfig: { provider: 'OTHER' } },
    });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('unreachable');
    expect(entry.reason).toContain('EKS Connector');
    expect(harness.readers).toEqual([]);
    const result = await harness.store.getLatest(cluster());
    expect(
      result?.gaps.filter((gap) => isK8sKind(gap.kind)).every((gap) => gap.reason === 'unreachable'),
    ).toBe(true);
  });

  it('is forbidden when DescribeCluster is denied, saying which action to allow', async () => {
    harness = makeHarness();
    harness.eks.on(DescribeClusterCommand).rejects(
      new AccessDeniedException({
        message: 'not authorized to perform: eks:DescribeCluster',
        $metadata: {},
      }),
    );
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('forbidden');
    expect(entry.reason).toContain('DescribeCluster failed, so the API server endpoint is unknown');
    expect(entry.reason).toContain('allow eks:DescribeCluster');
    expect(harness.readers).toEqual([]);
  });

  it('is an error when the endpoint or CA cannot be used', async () => {
    harness = makeHarness({
      readerThrows: new KubeClusterConfigError('the cluster CA data is not a base64-encoded PEM'),
    });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('error');
    expect(entry.reason).toContain('the cluster CA data is not a base64-encoded PEM');
    expect(entry.resultKey).toBeDefined();
  });

  it('is an error, never a throw, when something of ours breaks mid-scan', async () => {
    harness = makeHarness({ eksThrows: new TypeError('boom') });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('error');
    expect(entry.reason).toBe('the scan failed: TypeError: boom');
    expect(entry.resultKey).toBeDefined();
    expect(harness.metrics.total('ClustersFailed')).toBe(1);
  });

  it('is an error when the result cannot be stored, and returns the entry all the same', async () => {
    class UnwritableStore extends FileResultsStore {
      override putResult(): never {
        throw new Error('S3 PutObject failed: AccessDenied');
      }
    }
    harness = makeHarness({ store: new UnwritableStore({ root }) });
    const handler = createHandler(harness.deps);

    const entry = await handler({ scanId: SCAN_ID, cluster: cluster() });

    expect(entry.outcome).toBe('error');
    expect(entry.reason).toContain(
      'the result could not be stored: Error: S3 PutObject failed: AccessDenied',
    );
    expect(entry.resultKey).toBeUndefined();
    expect(entry.summary).toBeDefined();
  });

  it('stops reading at the Lambda deadline less the margin for evaluate and store', async () => {
    harness = makeHarness();
    const slow: KubeReader = {
      server: 'https://slow.invalid',
      listPage: (_kind, request) =>
        new Promise((_resolve, reject) =>
          request.signal?.addEventListener('abort', () =>
            reject(new KubeReadError('stopped at the deadline', { failure: 'aborted' })),
          ),
        ),
      close: async () => undefined,
    };
    const clients = harness.deps.clients;
    harness.deps.clients = () => ({ ...clients(), kubeReader: () => slow });
    const handler = createHandler(harness.deps);
    const started = Date.now();

    // The shortest deadline a cluster gets is 5 s, whatever little time is left.
    const entry = await handler(
      { scanId: SCAN_ID, cluster: cluster() },
      { getRemainingTimeInMillis: () => EVALUATE_AND_STORE_MARGIN_MS + 1_000 },
    );

    expect(Date.now() - started).toBeLessThan(15_000);
    expect(entry.outcome).toBe('unreachable');
    expect(entry.resultKey).toBeDefined();
  }, 20_000);

  it('builds nothing that reaches a cluster twice: each invocation has its own token provider and reader', async () => {
    harness = makeHarness();
    const handler = createHandler(harness.deps);

    await handler({ scanId: SCAN_ID, cluster: cluster(SELF, 'one') });
    await handler({ scanId: SCAN_ID, cluster: cluster(SELF, 'two') });

    expect(harness.tokens.map((options) => options.clusterName)).toEqual(['one', 'two']);
    expect(harness.readers).toHaveLength(2);
    expect(harness.readers.every((reader) => reader.closed)).toBe(true);
    expect(harness.disposed).toBe(2);
  });

  it('logs per cluster with its keys, and never a token or a secret', async () => {
    harness = makeHarness({ fail: (kind) => (kind === 'pods' ? forbidden() : undefined) });
    const handler = createHandler(harness.deps);

    await handler({ scanId: SCAN_ID, cluster: cluster() });

    const line = harness.logger.lines.find((l) => l.message === 'cluster scan finished');
    expect(line?.keys).toEqual({ scanId: SCAN_ID, accountId: SELF, region: HOME, cluster: 'prod' });
    expect(line?.attributes).toMatchObject({ outcome: 'scanned', resultKey: expect.any(String) });
    const text = harness.logger.text();
    for (const secret of [TOKEN, OWN_KEYS.secretAccessKey, 'k8s-aws-v1.']) expect(text).not.toContain(secret);
    // Keys are reset between clusters.
    harness.logger.info('after');
    expect(harness.logger.lines.at(-1)?.keys).toEqual({});
  });

  it.each([
    ['no cluster', { scanId: SCAN_ID }],
    ['a malformed scan id', { scanId: '../x', cluster: cluster() }],
    ['a scan id too long for an execution name', { scanId: 'a'.repeat(81), cluster: cluster() }],
    [
      'a cluster name with a slash',
      { scanId: SCAN_ID, cluster: { ...cluster(), name: 'a/b', arn: undefined } },
    ],
    [
      'an ARN of another cluster',
      { scanId: SCAN_ID, cluster: { ...cluster(), arn: cluster(SELF, 'other').arn } },
    ],
    ['a short account id', { scanId: SCAN_ID, cluster: { ...cluster(), accountId: '123' } }],
  ])('refuses an event with %s', async (_what, event) => {
    harness = makeHarness();
    const handler = createHandler(harness.deps);

    await expect(handler(event as never)).rejects.toThrow(InvalidEventError);
    expect(harness.readers).toEqual([]);
  });

  it('keeps every Kubernetes kind it could not read as a gap when the API is unreachable', async () => {
    harness = makeHarness({ fail: () => refused() });
    const handler = createHandler(harness.deps);

    await handler({ scanId: SCAN_ID, cluster: cluster() });

    const result = await harness.store.getLatest(cluster());
    expect(result?.gaps.filter((gap) => isK8sKind(gap.kind)).map((gap) => gap.kind)).toEqual(
      ALL_K8S_KINDS.filter((kind) => API_KINDS.includes(kind)),
    );
  });
});
