import 'aws-sdk-client-mock-vitest/extend';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleCommand, STSClient as AssumeRoleStsClient } from '@aws-sdk/nested-clients/sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { DEMO_DIR } from '../../functions/cli/demo.ts';
import { credentialsFor } from '../../functions/collect/aws-credentials.ts';
import { ClientNodeKubeReader } from '../../functions/collect/client-node-reader.ts';
import { isAwsApiFile } from '../../functions/collect/offline.ts';
import { createEksTokenProvider } from '../../functions/collect/token-provider.ts';
import { discoverConfig } from '../../functions/config/discover-config.ts';
import { scanClusterConfig } from '../../functions/config/runtime.ts';
import type { FleetClusterEntry } from '../../functions/core/fleet.ts';
import { ALL_K8S_KINDS, isK8sKind } from '../../functions/core/kinds.ts';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { startEmulator } from '../../functions/emulator/index.ts';
import { createHandler as createApi } from '../../functions/handlers/api.ts';
import { createHandler as createDiscover, type DiscoverOutput } from '../../functions/handlers/discover.ts';
import { createHandler as createReport } from '../../functions/handlers/report.ts';
import { createHandler as createScanCluster } from '../../functions/handlers/scan-cluster.ts';
import { createFleetReportRenderer } from '../../functions/report/fleet-render.ts';
import { S3ResultsStore } from '../../functions/store/s3-results-store.ts';
import { recordingLogger, recordingMetrics } from '../handlers/fakes.ts';
import { type S3rver, startS3rver } from '../helpers/s3rver.ts';

/**
 * The "done when": a whole fleet scan through the real handler code, in the state
 * machine's order (discover → Distributed Map of scan-cluster → report), over two accounts
 * and two regions. AWS control APIs are aws-sdk-client-mock; the clusters are Kubernetes
 * API emulators over HTTPS that verify the EKS tokens the real token provider mints with
 * each account's credentials; results land in a real s3rver bucket.
 *
 *   111111111111 (scanner)  eu-west-1  payments   healthy (the demo cluster)         → scanned
 *   111111111111 (scanner)  us-east-1  legacy     scanner identity not bound (403)   → forbidden
 *   222222222222 (member)   eu-west-1  edge       stopped emulator                   → unreachable
 *   222222222222 (member)   us-east-1  analytics  403 on RBAC kinds only             → scanned, with the gaps
 *   222222222222 (member)   us-east-1  batch      its Lambda never returns           → error "did not finish"
 *   222222222222 (member)   ap-south-2            ListClusters denied by an SCP      → skipped
 */

const SELF = '111111111111';
const MEMBER = '222222222222';
const HOME = 'eu-west-1';
const BUCKET = 'watchkeeper-fleet';
const MEMBER_ROLE = 'watchkeeper-read';
const EXTERNAL_ID = 'wk-external-7';
const STATE_MACHINE = `arn:aws:states:${HOME}:${SELF}:stateMachine:watchkeeper-fleet-scan`;

const SCANNER_KEYS = {
  accessKeyId: 'AKIAWKSCANNER0000001',
  secretAccessKey: 'scanner-secret-not-a-real-key',
};
const SCANNER_ARN = `arn:aws:sts::${SELF}:assumed-role/watchkeeper-scan-cluster/lambda`;
const MEMBER_KEYS = {
  accessKeyId: 'ASIAWKMEMBER00000001',
  secretAccessKey: 'member-secret-not-a-real-key',
  sessionToken: 'member-session-token-not-real',
};
const MEMBER_ARN = `arn:aws:sts::${MEMBER}:assumed-role/${MEMBER_ROLE}/watchkeeper`;
const SECRETS = [SCANNER_KEYS.secretAccessKey, MEMBER_KEYS.secretAccessKey, MEMBER_KEYS.sessionToken];

const RBAC_KINDS = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'] as const;

const scannerCredentials: AwsCredentialIdentityProvider = async () => ({ ...SCANNER_KEYS });

let s3: S3rver;
let s3Client: S3Client;
const emulators: Record<string, RunningEmulator> = {};
const eksStubs = new Map<string, AwsClientStub<EKSClient>>();
const eksClients = new Map<string, EKSClient>();
const ec2Clients = new Map<string, EC2Client>();
const stsClient = new STSClient({ region: HOME, credentials: SCANNER_KEYS });
const sts = mockClient(stsClient);
const assumeRole = mockClient(AssumeRoleStsClient);
/** The credentials each scan-cluster EKS client was built with, by cluster account. */
const eksCredentials: { accountId: string; region: string; credentials: AwsCredentialIdentityProvider }[] =
  [];

function eksClientFor(accountId: string, region: string): EKSClient {
  const key = `${accountId}/${region}`;
  let client = eksClients.get(key);
  if (client === undefined) {
    client = new EKSClient({ region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
    const stub = mockClient(client);
    stub.on(ListClustersCommand).resolves({ clusters: [] });
    stub.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
    stub.on(ListAddonsCommand).resolves({ addons: [] });
    stub.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
    stub.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });
    stub.on(ListInsightsCommand).resolves({ insights: [] });
    stub.on(DescribeClusterVersionsCommand).resolves({
      clusterVersions: [
        {
          clusterVersion: '1.33',
          versionStatus: 'STANDARD_SUPPORT',
          releaseDate: new Date('2025-05-29T00:00:00Z'),
          endOfStandardSupportDate: new Date('2030-07-29T00:00:00Z'),
          endOfExtendedSupportDate: new Date('2031-07-29T00:00:00Z'),
        },
      ],
    });
    eksClients.set(key, client);
    eksStubs.set(key, stub);
  }
  return client;
}

function ec2ClientFor(accountId: string, region: string): EC2Client {
  const key = `${accountId}/${region}`;
  let client = ec2Clients.get(key);
  if (client === undefined) {
    client = new EC2Client({ region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
    mockClient(client)
      .on(DescribeRegionsCommand)
      .resolves({
        Regions: (accountId === MEMBER ? [HOME, 'us-east-1', 'ap-south-2'] : [HOME, 'us-east-1']).map(
          (RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' }),
        ),
      });
    ec2Clients.set(key, client);
  }
  return client;
}

/** A cluster as DescribeCluster returns it, its API server at `endpoint`. */
function described(accountId: string, region: string, name: string, emulator: RunningEmulator) {
  return {
    cluster: {
      name,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}`,
      version: '1.33',
      platformVersion: 'eks.5',
      status: 'ACTIVE' as const,
      createdAt: new Date('2025-06-01T00:00:00Z'),
      endpoint: emulator.url,
      certificateAuthority: { data: emulator.caData },
      resourcesVpcConfig: {
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: ['10.0.0.0/8'],
      },
      logging: {
        clusterLogging: [
          { types: ['api' as const, 'audit' as const, 'authenticator' as const], enabled: true },
          { types: ['controllerManager' as const, 'scheduler' as const], enabled: false },
        ],
      },
      accessConfig: { authenticationMode: 'API' as const },
      encryptionConfig: [
        { resources: ['secrets'], provider: { keyArn: `arn:aws:kms:${region}:${accountId}:key/abc` } },
      ],
    },
  };
}

async function emulate(
  name: string,
  region: string,
  identity: { accessKeyId: string; secretAccessKey: string; arn: string },
  allowedKinds?: readonly (typeof ALL_K8S_KINDS)[number][],
): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    clusterName: name,
    region,
    credentials: { [identity.accessKeyId]: { secretAccessKey: identity.secretAccessKey, arn: identity.arn } },
    manifestsDir: DEMO_DIR,
    skipManifest: isAwsApiFile,
    ...(allowedKinds === undefined ? {} : { allowedKinds }),
  });
  emulators[name] = emulator;
  return emulator;
}

beforeAll(async () => {
  s3 = await startS3rver();
  s3Client = s3.client();
  await s3.createBucket(BUCKET);

  const scanner = { ...SCANNER_KEYS, arn: SCANNER_ARN };
  const member = { ...MEMBER_KEYS, arn: MEMBER_ARN };
  const payments = await emulate('payments', HOME, scanner);
  const legacy = await emulate('legacy', 'us-east-1', scanner, []);
  const analytics = await emulate(
    'analytics',
    'us-east-1',
    member,
    ALL_K8S_KINDS.filter((kind) => !(RBAC_KINDS as readonly string[]).includes(kind)),
  );
  const edge = await emulate('edge', HOME, member);
  await edge.stop();

  sts.on(GetCallerIdentityCommand).resolves({ Account: SELF, Arn: SCANNER_ARN });
  assumeRole
    .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}`, ExternalId: EXTERNAL_ID })
    .resolves({
      Credentials: {
        AccessKeyId: MEMBER_KEYS.accessKeyId,
        SecretAccessKey: MEMBER_KEYS.secretAccessKey,
        SessionToken: MEMBER_KEYS.sessionToken,
        Expiration: new Date(Date.now() + 60 * 60_000),
      },
    });

  eksClientFor(SELF, HOME);
  eksStubs
    .get(`${SELF}/${HOME}`)
    ?.on(ListClustersCommand)
    .resolves({ clusters: ['payments'] });
  eksStubs
    .get(`${SELF}/${HOME}`)
    ?.on(DescribeClusterCommand, { name: 'payments' })
    .resolves(described(SELF, HOME, 'payments', payments));
  eksClientFor(SELF, 'us-east-1');
  eksStubs
    .get(`${SELF}/us-east-1`)
    ?.on(ListClustersCommand)
    .resolves({ clusters: ['legacy'] });
  eksStubs
    .get(`${SELF}/us-east-1`)
    ?.on(DescribeClusterCommand, { name: 'legacy' })
    .resolves(described(SELF, 'us-east-1', 'legacy', legacy));
  eksClientFor(MEMBER, HOME);
  eksStubs
    .get(`${MEMBER}/${HOME}`)
    ?.on(ListClustersCommand)
    .resolves({ clusters: ['edge'] });
  eksStubs
    .get(`${MEMBER}/${HOME}`)
    ?.on(DescribeClusterCommand, { name: 'edge' })
    .resolves(described(MEMBER, HOME, 'edge', edge));
  eksClientFor(MEMBER, 'us-east-1');
  eksStubs
    .get(`${MEMBER}/us-east-1`)
    ?.on(ListClustersCommand)
    .resolves({ clusters: ['analytics', 'batch'] });
  eksStubs
    .get(`${MEMBER}/us-east-1`)
    ?.on(DescribeClusterCommand, { name: 'analytics' })
    .resolves(described(MEMBER, 'us-east-1', 'analytics', analytics));
  eksClientFor(MEMBER, 'ap-south-2');
  eksStubs
    .get(`${MEMBER}/ap-south-2`)
    ?.on(ListClustersCommand)
    .rejects(
      new AccessDeniedException({
        message: `User: ${MEMBER_ARN} is not authorized to perform: eks:ListClusters with an explicit deny in a service control policy`,
        $metadata: { httpStatusCode: 403 },
      }),
    );
});

afterAll(async () => {
  for (const emulator of Object.values(emulators)) await emulator.stop().catch(() => undefined);
  s3Client?.destroy();
  await s3?.close();
  assumeRole.restore();
  sts.restore();
});

function store(): S3ResultsStore {
  return new S3ResultsStore({ bucket: BUCKET, client: s3Client });
}

/** The member role is assumed by the real `credentialsFor` (its STS call is mocked). */
function credentialsOf(target: {
  roleArn?: string;
  externalId?: string;
  region: string;
}): AwsCredentialIdentityProvider {
  return target.roleArn === undefined
    ? scannerCredentials
    : credentialsFor(target, { masterCredentials: scannerCredentials });
}

const logger = recordingLogger();
const metrics = recordingMetrics();

async function getObjectText(key: string): Promise<{ body: string; contentType: string | undefined }> {
  const object = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: (await object.Body?.transformToString()) ?? '', contentType: object.ContentType };
}

describe('a fleet scan, state by state', () => {
  let discovered: DiscoverOutput;
  const entries: Record<string, FleetClusterEntry> = {};

  it('discover: finds five clusters over two accounts and two regions, and skips the denied region', async () => {
    const discover = createDiscover({
      config: discoverConfig({
        RESULTS_BUCKET: BUCKET,
        AWS_REGION: HOME,
        FLEET_CONFIG: JSON.stringify({
          includeSelf: true,
          accounts: [
            {
              accountId: MEMBER,
              roleArn: `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}`,
              externalId: EXTERNAL_ID,
            },
          ],
        }),
      }),
      store: store(),
      discoveryClients: () => ({
        sts: stsClient,
        ec2: (region, _credentials, accountId) => ec2ClientFor(accountId, region),
        eks: (region, _credentials, accountId) => eksClientFor(accountId, region),
      }),
      credentialsFor: credentialsOf,
      now: () => new Date(),
      newScanId: () => '20261123T020000Z-f1ee70',
      logger,
      metrics,
    });

    discovered = await discover({});

    expect(discovered).toEqual({
      scanId: '20261123T020000Z-f1ee70',
      startedAt: expect.any(String),
      bucket: BUCKET,
      clustersKey: 'scans/20261123T020000Z-f1ee70/clusters.json',
      clusterCount: 5,
      skipped: [
        {
          accountId: MEMBER,
          region: 'ap-south-2',
          reason: expect.stringContaining('ListClusters was denied, by an IAM policy or an SCP'),
        },
      ],
    });
    // What the Distributed Map's ItemReader reads: a JSON array of ClusterRef.
    const list = await getObjectText(discovered.clustersKey);
    expect(JSON.parse(list.body)).toEqual([
      {
        accountId: SELF,
        region: HOME,
        name: 'payments',
        arn: `arn:aws:eks:${HOME}:${SELF}:cluster/payments`,
      },
      {
        accountId: SELF,
        region: 'us-east-1',
        name: 'legacy',
        arn: `arn:aws:eks:us-east-1:${SELF}:cluster/legacy`,
      },
      { accountId: MEMBER, region: HOME, name: 'edge', arn: `arn:aws:eks:${HOME}:${MEMBER}:cluster/edge` },
      {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'analytics',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/analytics`,
      },
      {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'batch',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/batch`,
      },
    ]);
  });

  it('scan-cluster: one invocation per item the map reads, each ending in an outcome', async () => {
    const scanCluster = createScanCluster({
      config: scanClusterConfig(
        { RESULTS_BUCKET: BUCKET, AWS_REGION: HOME, MEMBER_ROLE_NAME: MEMBER_ROLE, EXTERNAL_ID: EXTERNAL_ID },
        CHECKS.map((check) => check.id),
      ),
      store: store(),
      clients: () => ({
        ownCredentials: () => scannerCredentials,
        assumeRole: (target) => credentialsOf(target),
        scannerAccountId: async () => (await stsClient.send(new GetCallerIdentityCommand({}))).Account ?? '',
        eks: (region, credentials, accountId) => {
          eksCredentials.push({ accountId, region, credentials });
          return eksClientFor(accountId, region);
        },
        ec2: (region, _credentials, accountId) => ec2ClientFor(accountId, region),
        tokenProvider: (options) => createEksTokenProvider(options),
        kubeReader: (source) => ClientNodeKubeReader.fromEndpoint(source),
        dispose: () => undefined,
      }),
      now: () => new Date(),
      logger,
      metrics,
      // The stopped emulator refuses connections; two quick attempts are enough to say so.
      collect: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
    });

    // ItemReader + ItemSelector: { scanId, cluster: $$.Map.Item.Value }.
    const items = JSON.parse(
      (await getObjectText(discovered.clustersKey)).body,
    ) as FleetClusterEntry['cluster'][];
    for (const cluster of items) {
      // The map child for `batch` dies (say, a Lambda timeout) and returns nothing.
      if (cluster.name === 'batch') continue;
      const entry = await scanCluster(
        { scanId: discovered.scanId, cluster: cluster as Required<typeof cluster> },
        { getRemainingTimeInMillis: () => 10 * 60_000 },
      );
      entries[cluster.name] = entry;
    }

    expect(entries.payments).toMatchObject({
      outcome: 'scanned',
      clusterKey: `${SELF}/${HOME}/payments`,
      resultKey: `scans/${discovered.scanId}/clusters/${SELF}/${HOME}/payments/result.json`,
    });
    expect(entries.payments?.reason).toBeUndefined();
    expect(entries.analytics).toMatchObject({
      outcome: 'scanned',
      reason: `partly read: 4 kinds forbidden: ${RBAC_KINDS.join(', ')} (give the ClusterRole watchkeeper-reader get/list on them: kubectl apply -f deploy/cluster-rbac.yaml)`,
    });
    expect(entries.legacy).toMatchObject({
      outcome: 'forbidden',
      reason: expect.stringMatching(
        /every Kubernetes kind was refused .*watchkeeper-readers.*watchkeeper-reader/,
      ),
    });
    expect(entries.edge).toMatchObject({
      outcome: 'unreachable',
      reason: expect.stringContaining('the Kubernetes API could not be reached'),
    });
    // Every cluster that was tried has a stored result, even one nothing could be read from.
    for (const name of ['payments', 'analytics', 'legacy', 'edge']) {
      expect(entries[name]?.resultKey).toMatch(/\/result\.json$/);
    }

    // Each account's clusters were read with that account's credentials: the emulators
    // know one identity each and verified every token's signature.
    expect(emulators.payments?.requests.every((r) => r.identity === SCANNER_ARN && r.status === 200)).toBe(
      true,
    );
    expect(emulators.analytics?.requests.some((r) => r.identity === MEMBER_ARN && r.status === 200)).toBe(
      true,
    );
    const refused = emulators.analytics?.requests.filter((r) => r.status === 403) ?? [];
    expect(refused.map((r) => new URL(r.path, 'https://x').pathname.split('/').pop()).sort()).toEqual(
      [...RBAC_KINDS].sort(),
    );
    expect(emulators.legacy?.requests.every((r) => r.identity === SCANNER_ARN && r.status === 403)).toBe(
      true,
    );
    const byAccount = async (accountId: string): Promise<AwsCredentialIdentity[]> =>
      Promise.all(eksCredentials.filter((c) => c.accountId === accountId).map((c) => c.credentials()));
    expect((await byAccount(MEMBER)).map((c) => c.accessKeyId)).toEqual([
      MEMBER_KEYS.accessKeyId,
      MEMBER_KEYS.accessKeyId,
    ]);
    expect((await byAccount(SELF)).map((c) => c.accessKeyId)).toEqual([
      SCANNER_KEYS.accessKeyId,
      SCANNER_KEYS.accessKeyId,
    ]);
    expect(assumeRole).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}`,
      ExternalId: EXTERNAL_ID,
    });
  });

  it('report: writes the manifest with every outcome and the fleet report', async () => {
    const report = createReport({
      config: {},
      store: store(),
      renderer: () => createFleetReportRenderer(),
      checks: CHECKS,
      now: () => new Date(),
      logger,
      metrics,
    });

    const output = await report({
      scanId: discovered.scanId,
      startedAt: discovered.startedAt,
      skipped: discovered.skipped,
    });

    expect(output).toEqual({
      scanId: discovered.scanId,
      manifestKey: `scans/${discovered.scanId}/manifest.json`,
      reportKey: `scans/${discovered.scanId}/report.html`,
      counts: { clusters: 5, scanned: 2, unreachable: 1, forbidden: 1, error: 1, skipped: 1 },
    });

    // The manifest, read back from s3rver.
    const manifest = await store().getManifest(discovered.scanId);
    expect(manifest?.startedAt).toBe(discovered.startedAt);
    expect(
      Object.fromEntries(manifest?.clusters.map((entry) => [entry.cluster.name, entry.outcome]) ?? []),
    ).toEqual({
      payments: 'scanned',
      analytics: 'scanned',
      legacy: 'forbidden',
      edge: 'unreachable',
      batch: 'error',
    });
    expect(manifest?.clusters.find((entry) => entry.cluster.name === 'batch')).toEqual({
      cluster: {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'batch',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/batch`,
      },
      clusterKey: `${MEMBER}/us-east-1/batch`,
      outcome: 'error',
      reason: expect.stringContaining('scan did not finish'),
    });
    expect(manifest?.skipped).toEqual(discovered.skipped);

    // Per-cluster results, and the latest pointers that name them.
    const results = await store().listResults(discovered.scanId);
    expect(results.map((location) => location.clusterKey)).toEqual([
      `${SELF}/${HOME}/payments`,
      `${SELF}/us-east-1/legacy`,
      `${MEMBER}/${HOME}/edge`,
      `${MEMBER}/us-east-1/analytics`,
    ]);
    const apiReaders = CHECKS.filter((check) => check.reads.some((kind) => isK8sKind(kind)));
    const legacy = await store().getLatest({ accountId: SELF, region: 'us-east-1', name: 'legacy' });
    const edge = await store().getLatest({ accountId: MEMBER, region: HOME, name: 'edge' });
    for (const [result, reason] of [
      [legacy, 'forbidden'],
      [edge, 'unreachable'],
    ] as const) {
      expect(result?.gaps.filter((gap) => isK8sKind(gap.kind)).map((gap) => gap.reason)).toEqual(
        ALL_K8S_KINDS.filter((kind) => apiReaders.some((check) => check.reads.includes(kind))).map(
          () => reason,
        ),
      );
      for (const check of apiReaders) {
        expect(result?.checks.find((c) => c.checkId === check.id)?.status).toBe('not_evaluated');
      }
    }
    const analytics = await store().getLatest({ accountId: MEMBER, region: 'us-east-1', name: 'analytics' });
    const rbacReaders = CHECKS.filter((check) =>
      check.reads.some((kind) => (RBAC_KINDS as readonly string[]).includes(kind)),
    );
    for (const check of rbacReaders) {
      expect(analytics?.checks.find((c) => c.checkId === check.id)?.status).toBe('not_evaluated');
    }

    // The fleet report, as stored.
    const html = await getObjectText(output.reportKey);
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<!doctype html>');
    for (const name of ['payments', 'analytics', 'legacy', 'edge', 'batch'])
      expect(html.body).toContain(name);
    expect(html.body).toContain('scan did not finish');
    expect(html.body).toContain('ap-south-2');
    expect(html.body).toContain('Most common failing checks');
  });

  it('api: serves the scan, the fleet posture and the report from the same bucket', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: `arn:aws:states:${HOME}:${SELF}:execution:watchkeeper-fleet-scan:${discovered.scanId}`,
      status: 'SUCCEEDED',
      startDate: new Date(discovered.startedAt),
      stopDate: new Date(),
    });
    try {
      const api = createApi({
        config: { results: { bucket: BUCKET }, stateMachineArn: STATE_MACHINE },
        store: store(),
        sfn: new SFNClient({ region: HOME, credentials: SCANNER_KEYS }),
        now: () => new Date(),
        newScanId: () => 'unused',
        logger,
        metrics,
      });

      const scan = await api({ httpMethod: 'GET', path: `/scans/${discovered.scanId}` });
      const clusters = await api({
        httpMethod: 'GET',
        path: '/clusters',
        queryStringParameters: { limit: '3' },
      });
      const rest = await api({
        httpMethod: 'GET',
        path: '/clusters',
        queryStringParameters: { limit: '3', next: (JSON.parse(clusters.body) as { next: string }).next },
      });
      const page = await api({ httpMethod: 'GET', path: `/scans/${discovered.scanId}/report` });

      expect(scan.statusCode).toBe(200);
      expect(JSON.parse(scan.body)).toMatchObject({
        scanId: discovered.scanId,
        status: 'SUCCEEDED',
        summary: {
          clusters: 5,
          outcomes: { scanned: 2, unreachable: 1, forbidden: 1, error: 1 },
          skipped: 1,
        },
        report: `/scans/${discovered.scanId}/report`,
      });
      const listed = [...JSON.parse(clusters.body).clusters, ...JSON.parse(rest.body).clusters] as {
        cluster: { name: string };
        outcome: string;
        scanId: string;
      }[];
      expect(listed.map((c) => [c.cluster.name, c.outcome])).toEqual([
        ['payments', 'scanned'],
        ['legacy', 'forbidden'],
        ['edge', 'unreachable'],
        ['analytics', 'scanned'],
      ]);
      expect(JSON.parse(rest.body).next).toBeUndefined();
      expect(page.statusCode).toBe(200);
      expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('Fleet scan');
    } finally {
      sfn.restore();
    }
  });

  it('never logged a token or a secret, and published metrics per invocation', () => {
    const logged = logger.text();
    expect(logged).not.toContain('k8s-aws-v1.');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    expect(metrics.total('ClustersScanned')).toBe(2);
    expect(metrics.total('ClustersUnreachable')).toBe(1);
    expect(metrics.total('ClustersForbidden')).toBe(1);
    expect(metrics.total('ClustersNotFinished')).toBe(1);
    expect(metrics.total('ChecksFailed')).toBeGreaterThan(0);
    // Every scan-cluster log line carries the cluster it is about.
    const clusterLines = logger.lines.filter((line) => line.message === 'cluster scan finished');
    expect(clusterLines.map((line) => line.keys.cluster).sort()).toEqual([
      'analytics',
      'edge',
      'legacy',
      'payments',
    ]);
  });
});
