import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OfflineInputError, snapshotFromManifests } from '../../functions/collect/offline.ts';
import type { ConfigMap, PodController } from '../../functions/core/k8s-types.ts';
import { REDACTED } from '../../functions/core/redaction.ts';

const FIXTURE = new URL('./fixtures/offline-cluster/', import.meta.url).pathname;
const NOW = () => new Date('2026-11-23T15:40:00Z');

const temporary: string[] = [];

async function tempFolder(name = 'cluster'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'wk-offline-'));
  temporary.push(root);
  const dir = join(root, name);
  await mkdir(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('snapshotFromManifests', () => {
  it('builds a projected, redacted snapshot from a folder of manifests and EKS JSON', async () => {
    // Act
    const { snapshot, problems, skipped } = await snapshotFromManifests(FIXTURE, { now: NOW });

    // Assess
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      source: 'manifests',
      collectedAt: '2026-11-23T15:40:00.000Z',
      cluster: {
        name: 'shop-prod',
        arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/shop-prod',
        region: 'eu-west-1',
        accountId: '111122223333',
      },
      gaps: [
        { kind: 'eks:nodegroups', reason: 'not_collected' },
        { kind: 'eks:addons', reason: 'not_collected' },
        { kind: 'eks:accessEntries', reason: 'not_collected' },
        { kind: 'eks:fargateProfiles', reason: 'not_collected' },
        { kind: 'eks:insights', reason: 'not_collected' },
        { kind: 'ec2:launchTemplates', reason: 'not_collected' },
      ],
    });
    expect(snapshot.k8s.namespaces.map((n) => n.metadata.name)).toEqual(['shop']);
    expect(snapshot.k8s.clusterroles).toHaveLength(1);
    expect(snapshot.k8s.clusterrolebindings[0]).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'reader' },
      subjects: [{ kind: 'Group', name: 'readers' }],
    });
    expect(skipped).toEqual([
      { kind: 'Secret', count: 1 },
      { kind: 'Widget', count: 1 },
    ]);
    expect(problems).toEqual([
      { file: 'apps/shop.yaml', document: 6, message: expect.stringContaining('metadata.name') },
    ]);
  });

  it('redacts exactly as the live path does, and never keeps a Secret', async () => {
    // Act
    const { snapshot } = await snapshotFromManifests(FIXTURE, { now: NOW });

    // Assess
    const text = JSON.stringify(snapshot);
    for (const canary of [
      'AKIAIOSFODNN7CANARY1',
      'hunter2canary',
      'token-canary-value',
      'secret-canary-never-kept',
    ]) {
      expect(text).not.toContain(canary);
    }
    expect(text).not.toContain('last-applied-configuration');
    const web = snapshot.k8s.deployments[0] as PodController;
    expect(web.spec?.template?.spec?.containers?.[0]?.env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', value: REDACTED },
      { name: 'DB_PASSWORD', value: REDACTED },
    ]);
    expect(web.spec?.template?.spec?.containers?.[0]?.args).toEqual([
      '--listen=:8080',
      `--password=${REDACTED}`,
    ]);
    expect((snapshot.k8s.configmaps[0] as ConfigMap).data).toEqual({
      api_token: REDACTED,
      log_level: 'info',
    });
  });

  it('reads the EKS files, unwrapped, with ISO dates', async () => {
    // Act
    const { snapshot } = await snapshotFromManifests(FIXTURE, { now: NOW });

    // Assess
    expect(snapshot.eks.cluster).toMatchObject({
      name: 'shop-prod',
      version: '1.31',
      createdAt: '2024-05-01T10:00:00.000Z',
      resourcesVpcConfig: { publicAccessCidrs: ['0.0.0.0/0'] },
    });
    expect(snapshot.eks.clusterVersions).toEqual([
      {
        clusterVersion: '1.31',
        releaseDate: '2024-09-26T00:00:00.000Z',
        endOfStandardSupportDate: '2026-11-20T00:00:00.000Z',
        endOfExtendedSupportDate: '2027-11-26T00:00:00.000Z',
        versionStatus: 'STANDARD_SUPPORT',
      },
    ]);
  });

  it('prefers the clusterName option', async () => {
    const { snapshot } = await snapshotFromManifests(FIXTURE, { now: NOW, clusterName: 'from-option' });
    expect(snapshot.cluster.name).toBe('from-option');
  });

  it('falls back to the folder name, and names the EKS files to add', async () => {
    // Prepare
    const dir = await tempFolder('staging-east');
    await writeFile(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');

    // Act
    const { snapshot } = await snapshotFromManifests(dir, { now: NOW });

    // Assess
    expect(snapshot.cluster).toEqual({ name: 'staging-east' });
    expect(snapshot.gaps.find((gap) => gap.kind === 'eks:cluster')).toEqual({
      kind: 'eks:cluster',
      reason: 'not_collected',
      message: expect.stringContaining('eks-cluster.json'),
    });
    expect(snapshot.gaps.find((gap) => gap.kind === 'eks:clusterVersions')?.message).toContain(
      'eks-cluster-versions.json',
    );
  });

  it('accepts the bare cluster object and a bare versions array', async () => {
    // Prepare
    const dir = await tempFolder();
    await writeFile(join(dir, 'eks-cluster.json'), JSON.stringify({ name: 'bare', version: '1.30' }));
    await writeFile(join(dir, 'eks-cluster-versions.json'), JSON.stringify([{ clusterVersion: '1.30' }]));

    // Act
    const { snapshot } = await snapshotFromManifests(dir, { now: NOW });

    // Assess
    expect(snapshot.cluster.name).toBe('bare');
    expect(snapshot.eks.clusterVersions).toEqual([{ clusterVersion: '1.30' }]);
  });

  it('throws a clear error naming the EKS file that is not valid JSON', async () => {
    // Prepare
    const dir = await tempFolder();
    await cp(FIXTURE, dir, { recursive: true });
    await writeFile(join(dir, 'eks-cluster.json'), '{ "cluster": { "name": ');

    // Act
    const attempt = snapshotFromManifests(dir, { now: NOW });

    // Assess
    await expect(attempt).rejects.toThrow(OfflineInputError);
    await expect(attempt).rejects.toThrow(/eks-cluster\.json is not valid JSON/);
  });

  it('throws when an EKS file has the wrong shape', async () => {
    // Prepare
    const dir = await tempFolder();
    await writeFile(join(dir, 'eks-cluster-versions.json'), JSON.stringify({ clusterVersions: 'none' }));

    // Act & Assess
    await expect(snapshotFromManifests(dir, { now: NOW })).rejects.toThrow(
      /eks-cluster-versions\.json must hold/,
    );
  });

  it('throws for a folder that does not exist', async () => {
    await expect(snapshotFromManifests('/nonexistent/watchkeeper', { now: NOW })).rejects.toThrow(
      /no such folder/,
    );
  });
});
