import 'aws-sdk-client-mock-vitest/extend';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsTarget } from '../../functions/collect/aws-credentials.ts';
import { discoverConfig } from '../../functions/config/discover-config.ts';
import type { FleetSkip } from '../../functions/core/fleet.ts';
import {
  buildDeps,
  createHandler,
  type DiscoverDeps,
  handler as deployedHandler,
  MAX_SKIPPED_OUTPUT_BYTES,
  skippedWithin,
} from '../../functions/handlers/discover.ts';
import { InvalidEventError } from '../../functions/handlers/lib/runtime.ts';
import { getClusterList, getExecution, getSkipped } from '../../functions/scan/fleet-artifacts.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { recordingLogger, recordingMetrics } from './fakes.ts';

const SELF = '111111111111';
const HOME = 'eu-west-1';
const KEYS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

let root: string;
const stsClient = new STSClient({ region: HOME, credentials: KEYS });
const sts = mockClient(stsClient);
const ec2Client = new EC2Client({ region: HOME, credentials: KEYS });
const ec2 = mockClient(ec2Client);
const eksClients = new Map<string, EKSClient>();

function eksIn(region: string, clusters: string[] | Error): EKSClient {
  const client = new EKSClient({ region, credentials: KEYS });
  const stub = mockClient(client);
  if (clusters instanceof Error) stub.on(ListClustersCommand).rejects(clusters);
  else stub.on(ListClustersCommand).resolves({ clusters });
  eksClients.set(region, client);
  return client;
}

function deps(
  overrides: Partial<DiscoverDeps> = {},
  fleet: unknown = { regions: [HOME, 'us-east-1'] },
): DiscoverDeps {
  return {
    config: discoverConfig({
      RESULTS_BUCKET: 'results-bucket',
      AWS_REGION: HOME,
      FLEET_CONFIG: JSON.stringify(fleet),
    }),
    store: new FileResultsStore({ root }),
    discoveryClients: () => ({
      sts: stsClient,
      ec2: () => ec2Client,
      eks: (region) => eksClients.get(region) ?? eksIn(region, []),
    }),
    credentialsFor: (_target: CredentialsTarget) => async () => KEYS,
    now: () => new Date('2026-11-23T02:00:00.000Z'),
    newScanId: () => '20261123T020000Z-000001',
    logger: recordingLogger(),
    metrics: recordingMetrics(),
    ...overrides,
  };
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wk-discover-'));
  sts.reset();
  ec2.reset();
  eksClients.clear();
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: SELF, Arn: `arn:aws:sts::${SELF}:assumed-role/discover/x` });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('discover', () => {
  it('writes clusters.json for the map and returns the contract output', async () => {
    eksIn(HOME, ['b-cluster', 'a-cluster']);
    eksIn('us-east-1', ['c-cluster']);
    const d = deps();
    const handler = createHandler(d);

    const output = await handler({});

    expect(output).toEqual({
      scanId: '20261123T020000Z-000001',
      startedAt: '2026-11-23T02:00:00.000Z',
      bucket: 'results-bucket',
      clustersKey: 'scans/20261123T020000Z-000001/clusters.json',
      clusterCount: 3,
      skipped: [],
    });
    expect(await getClusterList(d.store, output.scanId)).toEqual([
      {
        accountId: SELF,
        region: HOME,
        name: 'a-cluster',
        arn: `arn:aws:eks:${HOME}:${SELF}:cluster/a-cluster`,
      },
      {
        accountId: SELF,
        region: HOME,
        name: 'b-cluster',
        arn: `arn:aws:eks:${HOME}:${SELF}:cluster/b-cluster`,
      },
      {
        accountId: SELF,
        region: 'us-east-1',
        name: 'c-cluster',
        arn: `arn:aws:eks:us-east-1:${SELF}:cluster/c-cluster`,
      },
    ]);
    expect((d.metrics as ReturnType<typeof recordingMetrics>).total('ClustersDiscovered')).toBe(3);
  });

  it('uses the scan id it is given (the API names the execution after it)', async () => {
    const handler = createHandler(deps());

    const output = await handler({ scanId: '20261124T101500Z-a1b2c3' });

    expect(output.scanId).toBe('20261124T101500Z-a1b2c3');
    expect(output.clustersKey).toBe('scans/20261124T101500Z-a1b2c3/clusters.json');
  });

  it('takes regions from DescribeRegions when the config names none, and records skipped regions', async () => {
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: HOME, OptInStatus: 'opt-in-not-required' },
        { RegionName: 'ap-south-2', OptInStatus: 'opted-in' },
      ],
    });
    eksIn(HOME, ['prod']);
    eksIn(
      'ap-south-2',
      Object.assign(new Error('explicit deny in a service control policy'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const d = deps({}, {});
    const handler = createHandler(d);

    const output = await handler(undefined);

    expect(output.clusterCount).toBe(1);
    expect(output.skipped).toEqual([
      { accountId: SELF, region: 'ap-south-2', reason: expect.stringContaining('ListClusters was denied') },
    ]);
    expect(await getSkipped(d.store, output.scanId)).toEqual(output.skipped);
    const warnings = (d.logger as ReturnType<typeof recordingLogger>).lines.filter(
      (line) => line.level === 'warn',
    );
    expect(warnings).toHaveLength(1);
  });

  it('keeps the state output small: a long skip list is cut, and skipped.json keeps every one', async () => {
    const many: FleetSkip[] = Array.from({ length: 2000 }, (_, i) => ({
      accountId: String(100000000000 + i),
      reason: `could not assume the role: ${'x'.repeat(100)}`,
    }));

    const kept = skippedWithin(many);

    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(many.length);
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(MAX_SKIPPED_OUTPUT_BYTES);
    expect(kept).toEqual(many.slice(0, kept.length));
  });

  it.each([[{ scanId: '../escape' }], [{ scanId: 'x'.repeat(81) }], [{ scanId: 42 }]])(
    'refuses the event %j',
    async (event) => {
      const handler = createHandler(deps());
      await expect(handler(event as never)).rejects.toThrow(InvalidEventError);
    },
  );

  it('takes the fleet and the scan id from the state machine’s { input, fleet } before FLEET_CONFIG', async () => {
    // Prepare: the environment names eu-west-1 and us-east-1, the state machine only us-east-1.
    eksIn(HOME, ['home-cluster']);
    eksIn('us-east-1', ['east-cluster']);
    const handler = createHandler(deps());

    // Act
    const output = await handler({
      input: { scanId: '20261123T020000Z-api001' },
      fleet: { includeSelf: true, regions: ['us-east-1'] },
    });

    // Assess
    expect(output).toMatchObject({ scanId: '20261123T020000Z-api001', clusterCount: 1 });
    expect((await getClusterList(deps().store, output.scanId))?.map((c) => c.name)).toEqual(['east-cluster']);
  });

  it('makes a scan id when the state machine’s input has none (the nightly schedule sends {})', async () => {
    const handler = createHandler(deps());

    const output = await handler({ input: {}, fleet: { includeSelf: true, regions: [HOME] } });

    expect(output.scanId).toBe('20261123T020000Z-000001');
  });

  it('records the execution running the scan, for GET /scans/{scanId}', async () => {
    const d = deps();
    const handler = createHandler(d);
    const executionArn = 'arn:aws:states:eu-west-1:111111111111:execution:watchkeeper-fleet-scan:nightly-1';

    const output = await handler({ input: {}, executionArn });

    expect(await getExecution(d.store, output.scanId)).toBe(executionArn);
  });

  it('refuses an executionArn that is not one', async () => {
    const handler = createHandler(deps());

    await expect(handler({ input: {}, executionArn: 'arn:aws:s3:::bucket/key' })).rejects.toThrow(
      /executionArn must be a Step Functions execution ARN/,
    );
  });

  it('refuses a fleet in the input that is not a fleet config, naming the problem', async () => {
    const handler = createHandler(deps());

    const refused = handler({ input: {}, fleet: { accounts: [{ accountId: '12345' }] } });

    await expect(refused).rejects.toThrow(InvalidEventError);
    await expect(refused).rejects.toThrow(/the fleet in the Discover input is not valid:[\s\S]*12 digits/);
  });

  it('builds its dependencies only when first invoked, and names what the environment lacks', async () => {
    const handler = createHandler(buildDeps({}));
    await expect(handler({})).rejects.toThrow(/RESULTS_BUCKET is not set.*\n.*AWS_REGION is not set/s);
    // The deployed export exists and loads without any environment.
    expect(typeof deployedHandler).toBe('function');
  });
});
