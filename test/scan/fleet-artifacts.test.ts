import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clustersKeyOf,
  getClusterList,
  getEntry,
  getSkipped,
  putClusterList,
  putEntry,
  putSkipped,
} from '../../functions/scan/fleet-artifacts.ts';
import { CorruptStoreObjectError } from '../../functions/store/codec.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';

const SCAN_ID = '20261123T020000Z-abc123';
const PROD = {
  accountId: '111111111111',
  region: 'eu-west-1',
  name: 'prod',
  arn: 'arn:aws:eks:eu-west-1:111111111111:cluster/prod',
};

let root: string;
let store: FileResultsStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wk-artifacts-'));
  store = new FileResultsStore({ root });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fleet artifacts', () => {
  it('round-trips the cluster list, the skips and an entry at their layout keys', async () => {
    const key = await putClusterList(store, SCAN_ID, [PROD]);
    await putSkipped(store, SCAN_ID, [{ accountId: '222222222222', region: 'ap-south-2', reason: 'denied' }]);
    await putEntry(store, SCAN_ID, {
      cluster: PROD,
      clusterKey: '111111111111/eu-west-1/prod',
      outcome: 'unreachable',
      reason: 'x',
    });

    expect(key).toBe(clustersKeyOf(SCAN_ID));
    expect(key).toBe(`scans/${SCAN_ID}/clusters.json`);
    expect(await getClusterList(store, SCAN_ID)).toEqual([PROD]);
    expect(await getSkipped(store, SCAN_ID)).toEqual([
      { accountId: '222222222222', region: 'ap-south-2', reason: 'denied' },
    ]);
    expect(await getEntry(store, SCAN_ID, PROD)).toMatchObject({ outcome: 'unreachable', reason: 'x' });
    // clusters.json is a scan artifact, not a result: listings of results do not see it.
    expect(await store.listResults(SCAN_ID)).toEqual([]);
  });

  it('answers undefined for what was never written', async () => {
    expect(await getClusterList(store, SCAN_ID)).toBeUndefined();
    expect(await getSkipped(store, SCAN_ID)).toBeUndefined();
    expect(await getEntry(store, SCAN_ID, PROD)).toBeUndefined();
  });

  it.each([
    ['not JSON', '[{'],
    ['not a list', '{"accountId":"111111111111"}'],
    ['a name that is no EKS name', JSON.stringify([{ ...PROD, name: '../../etc', arn: undefined }])],
    [
      'an ARN of another cluster',
      JSON.stringify([{ ...PROD, arn: 'arn:aws:eks:eu-west-1:111111111111:cluster/other' }]),
    ],
    ['an unknown field', JSON.stringify([{ ...PROD, roleArn: 'arn:aws:iam::1:role/x' }])],
  ])('refuses a cluster list with %s', async (_what, body) => {
    await store.putScanArtifact(SCAN_ID, 'clusters.json', body, 'application/json');
    await expect(getClusterList(store, SCAN_ID)).rejects.toThrow(CorruptStoreObjectError);
  });

  it('refuses an entry that points at a result outside its scan', async () => {
    await store.putArtifact(
      SCAN_ID,
      '111111111111/eu-west-1/prod',
      'entry.json',
      JSON.stringify({
        cluster: PROD,
        clusterKey: '111111111111/eu-west-1/prod',
        outcome: 'scanned',
        resultKey: 'scans/20200101T000000Z-000000/clusters/111111111111/eu-west-1/prod/result.json',
      }),
      'application/json',
    );
    await expect(getEntry(store, SCAN_ID, PROD)).rejects.toThrow(/outside its scan/);
  });
});
