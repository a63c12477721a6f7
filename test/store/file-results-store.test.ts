import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterRef, ScanResult } from '../../functions/core/model.ts';
import { SCHEMA_VERSION } from '../../functions/core/model.ts';
import { computeScores } from '../../functions/core/scoring.ts';
import type { ResultsFileSystem } from '../../functions/store/file-results-store.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { clusterKeyOf, InvalidKeyError } from '../../functions/store/keys.ts';

const PROD: ClusterRef = {
  name: 'prod',
  accountId: '123456789012',
  region: 'eu-west-1',
  arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
};

function resultOf(
  cluster: ClusterRef,
  scanId: string,
  finishedAt: string,
  source = 'kubernetes-api',
): ScanResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    scanId,
    cluster,
    source,
    startedAt: '2026-03-01T01:59:00.000Z',
    finishedAt,
    collectedAt: '2026-03-01T01:59:30.000Z',
    findings: [],
    checks: [],
    scores: computeScores([]),
    gaps: [],
    waivers: { applied: [], expired: [], unused: [] },
  };
}

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The real file system, recording renames and failing the ones `failOn` picks. */
function recordingFs(failOn: (to: string) => boolean = () => false) {
  const renames: string[] = [];
  const impl: ResultsFileSystem = {
    mkdir: (dir, options) => fs.mkdir(dir, options),
    writeFile: (file, data) => fs.writeFile(file, data),
    readFile: (file, encoding) => fs.readFile(file, encoding),
    readdir: (dir) => fs.readdir(dir),
    rm: (file, options) => fs.rm(file, options),
    rename: async (from, to) => {
      if (failOn(to))
        throw Object.assign(new Error(`EIO: injected failure, rename '${to}'`), { code: 'EIO' });
      renames.push(to);
      await fs.rename(from, to);
    },
  };
  return { impl, renames };
}

describe('FileResultsStore', () => {
  let base: string;
  let root: string;

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(tmpdir(), 'watchkeeper-store-'));
    root = path.join(base, 'nested', 'root');
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('stores the result, then a latest pointer naming it', async () => {
    // Prepare
    const store = new FileResultsStore({ root });
    const result = resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z');

    // Act
    const stored = await store.putResult(result);

    // Assess
    expect(stored).toEqual({
      scanId: 'scan-1',
      clusterKey: '123456789012/eu-west-1/prod',
      key: 'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
      latestUpdated: true,
    });
    expect(await filesUnder(root)).toEqual([
      'clusters/123456789012/eu-west-1/prod/latest.json',
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
    ]);
    const pointer = JSON.parse(
      await fs.readFile(path.join(root, 'clusters/123456789012/eu-west-1/prod/latest.json'), 'utf8'),
    );
    expect(pointer).toEqual({ scanId: 'scan-1', key: stored.key, finishedAt: '2026-03-01T02:00:00.000Z' });
    expect(await store.getResult(stored.key)).toEqual(result);
    expect(await store.getLatest(PROD)).toEqual(result);
  });

  it('writes artifacts beside the result', async () => {
    const store = new FileResultsStore({ root });
    const { clusterKey } = await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));

    const reportKey = await store.putArtifact(
      'scan-1',
      clusterKey,
      'report.html',
      '<!doctype html>',
      'text/html',
    );
    const snapshotKey = await store.putArtifact(
      'scan-1',
      clusterKey,
      'snapshot.json',
      new TextEncoder().encode('{}'),
      'application/json',
    );

    expect(reportKey).toBe('scans/scan-1/clusters/123456789012/eu-west-1/prod/report.html');
    expect(snapshotKey).toBe('scans/scan-1/clusters/123456789012/eu-west-1/prod/snapshot.json');
    expect(await fs.readFile(path.join(root, reportKey), 'utf8')).toBe('<!doctype html>');
    expect(await fs.readFile(path.join(root, snapshotKey), 'utf8')).toBe('{}');
  });

  it('refuses to let an artifact replace the result', async () => {
    const store = new FileResultsStore({ root });
    const { clusterKey } = await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));

    await expect(
      store.putArtifact('scan-1', clusterKey, 'result.json', '{}', 'application/json'),
    ).rejects.toThrow(InvalidKeyError);
  });

  it('overwrites when the same scan is stored again, leaving no temporary files', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z', 'first'));

    const again = await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:05:00.000Z', 'second'));

    expect(await filesUnder(root)).toEqual([
      'clusters/123456789012/eu-west-1/prod/latest.json',
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
    ]);
    expect(again.latestUpdated).toBe(true);
    expect((await store.getLatest(PROD))?.source).toBe('second');
    expect(await store.listResults('scan-1')).toEqual([
      { scanId: 'scan-1', clusterKey: again.clusterKey, key: again.key },
    ]);
  });

  it('renames the result into place before the latest pointer', async () => {
    const { impl, renames } = recordingFs();
    const store = new FileResultsStore({ root, fs: impl });

    await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));

    expect(renames.map((to) => path.relative(root, to))).toEqual([
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
      'clusters/123456789012/eu-west-1/prod/latest.json',
    ]);
  });

  it('leaves latest untouched when the result cannot be written', async () => {
    // Prepare: a good first scan, then a store whose result writes fail.
    await new FileResultsStore({ root }).putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));
    const { impl } = recordingFs((to) => to.endsWith(`${path.sep}result.json`));
    const failing = new FileResultsStore({ root, fs: impl });

    // Act
    const attempt = failing.putResult(resultOf(PROD, 'scan-2', '2026-03-02T02:00:00.000Z'));

    // Assess
    await expect(attempt).rejects.toThrow(/injected failure/);
    expect((await failing.getLatest(PROD))?.scanId).toBe('scan-1');
    expect(await filesUnder(root)).toEqual([
      'clusters/123456789012/eu-west-1/prod/latest.json',
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
    ]);
  });

  it('never moves latest back to an older scan stored late', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, 'scan-new', '2026-03-02T02:00:00.000Z'));

    const late = await store.putResult(resultOf(PROD, 'scan-old', '2026-03-01T02:00:00.000Z'));

    expect(late.latestUpdated).toBe(false);
    expect((await store.getLatest(PROD))?.scanId).toBe('scan-new');
    expect(await store.getResult(late.key)).toBeDefined();
  });

  it('repairs a corrupt latest pointer', async () => {
    const store = new FileResultsStore({ root });
    const pointer = path.join(root, 'clusters/123456789012/eu-west-1/prod/latest.json');
    await fs.mkdir(path.dirname(pointer), { recursive: true });
    await fs.writeFile(pointer, '{"scanId":"x","key":"../../../etc/passwd","finishedAt":"z"}');

    await expect(store.getLatest(PROD)).rejects.toThrow(/not a result of this cluster/);
    await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));
    expect((await store.getLatest(PROD))?.scanId).toBe('scan-1');
  });

  it('answers undefined for what was never stored', async () => {
    const store = new FileResultsStore({ root });

    expect(await store.getLatest(PROD)).toBeUndefined();
    expect(await store.getResult('scans/none/clusters/local/local/x/result.json')).toBeUndefined();
    expect(await store.listResults('none')).toEqual([]);
  });

  it('lists every cluster of a scan', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, 'scan-1', '2026-03-01T02:00:00.000Z'));
    await store.putResult(resultOf({ name: 'demo' }, 'scan-1', '2026-03-01T02:00:00.000Z'));
    await store.putResult(resultOf({ name: 'a/b' }, 'scan-1', '2026-03-01T02:00:00.000Z'));
    await store.putResult(resultOf({ name: 'other' }, 'scan-2', '2026-03-01T02:00:00.000Z'));

    const listed = await store.listResults('scan-1');

    expect(listed.map((location) => location.clusterKey)).toEqual([
      '123456789012/eu-west-1/prod',
      'local/local/_YS9i',
      'local/local/demo',
    ]);
  });

  describe('hostile input', () => {
    it.each(['../../etc', 'a/b', '..', '/etc/passwd', '..\\..\\x', '../../../../../../tmp/escaped'])(
      'keeps a cluster named %j inside the root',
      async (name) => {
        const store = new FileResultsStore({ root });
        const cluster: ClusterRef = { name };

        const stored = await store.putResult(resultOf(cluster, 'scan-1', '2026-03-01T02:00:00.000Z'));
        await store.putArtifact('scan-1', stored.clusterKey, 'report.html', 'x', 'text/html');

        // Everything written is under the root, and nothing anywhere else in the sandbox.
        expect(await filesUnder(base)).toEqual(
          (await filesUnder(root)).map((file) => path.join('nested', 'root', file)),
        );
        expect(await filesUnder(root)).toEqual([
          `clusters/${stored.clusterKey}/latest.json`,
          `scans/scan-1/clusters/${stored.clusterKey}/report.html`,
          `scans/scan-1/clusters/${stored.clusterKey}/result.json`,
        ]);
        expect(stored.clusterKey).toBe(clusterKeyOf(cluster));
        expect((await store.getLatest(cluster))?.cluster.name).toBe(name);
      },
    );

    it.each([
      '../../etc/passwd',
      'scans/s/clusters/local/local/x/report.html',
      'clusters/local/local/x/latest.json',
      'scans/../../clusters/local/local/x/result.json',
      'scans/s/clusters/local/local/../result.json',
    ])('refuses to read %j as a result', async (key) => {
      const store = new FileResultsStore({ root });
      await expect(store.getResult(key)).rejects.toThrow(InvalidKeyError);
    });

    it('refuses hostile scan ids, cluster keys and artifact names', async () => {
      const store = new FileResultsStore({ root });

      await expect(store.putResult(resultOf(PROD, '../../x', '2026-03-01T02:00:00.000Z'))).rejects.toThrow(
        InvalidKeyError,
      );
      await expect(store.putArtifact('scan-1', '../../../x', 'a.html', 'x', 'text/html')).rejects.toThrow(
        InvalidKeyError,
      );
      await expect(
        store.putArtifact('scan-1', 'local/local/x', '../../../../escape.html', 'x', 'text/html'),
      ).rejects.toThrow(InvalidKeyError);
      await expect(store.listResults('..')).rejects.toThrow(InvalidKeyError);
      expect(await filesUnder(base)).toEqual([]);
    });
  });
});
