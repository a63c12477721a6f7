import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterRef } from '../../functions/core/model.ts';
import type { ResultsFileSystem } from '../../functions/store/file-results-store.ts';
import { FileResultsStore, writeAll } from '../../functions/store/file-results-store.ts';
import { InvalidKeyError } from '../../functions/store/keys.ts';
import {
  describeResultsStoreContract,
  HOSTILE_NAMES,
  PROD,
  resultOf,
  SCAN_1,
  type StoreFixture,
} from './results-store.contract.ts';

const AT = '2026-03-01T02:00:00.000Z';

/** Every file under `dir`, as `/`-separated paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** The real file system, failing the renames `failOn` picks and reporting the others. */
function recordingFs(
  failOn: (to: string) => boolean = () => false,
  renamed: (to: string) => void = () => undefined,
): ResultsFileSystem {
  return {
    mkdir: (dir, options) => fs.mkdir(dir, options),
    writeFile: (file, data) => fs.writeFile(file, data),
    readFile: (file) => fs.readFile(file),
    readdir: (dir) => fs.readdir(dir),
    rm: (file, options) => fs.rm(file, options),
    rename: async (from, to) => {
      if (failOn(to)) {
        throw Object.assign(new Error(`EIO: injected failure, rename '${to}'`), { code: 'EIO' });
      }
      await fs.rename(from, to);
      renamed(to);
    },
  };
}

let base: string;
let root: string;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(tmpdir(), 'watchkeeper-store-'));
  root = path.join(base, 'nested', 'root');
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describeResultsStoreContract({
  name: 'FileResultsStore',
  async create(): Promise<StoreFixture> {
    const keyOf = (file: string) => path.relative(root, file).split(path.sep).join('/');
    return {
      store: new FileResultsStore({ root }),
      keys: () => filesUnder(root),
      instrumented(failOn = () => false) {
        const writes: string[] = [];
        // The rename is the moment a write becomes visible.
        const impl = recordingFs(
          (to) => failOn(keyOf(to)),
          (to) => writes.push(keyOf(to)),
        );
        return { store: new FileResultsStore({ root, fs: impl }), writes };
      },
      async writeRaw(key, body) {
        const file = path.join(root, ...key.split('/'));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, body);
      },
    };
  },
});

describe('FileResultsStore on disk', () => {
  it('leaves no temporary files behind a rewrite', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT, 'first'));

    await store.putResult(resultOf(PROD, SCAN_1, AT, 'second'));

    expect(await filesUnder(root)).toEqual([
      'clusters/123456789012/eu-west-1/prod/latest.json',
      `scans/${SCAN_1}/clusters/123456789012/eu-west-1/prod/result.json`,
    ]);
  });

  it('removes the temporary file of a failed write and keeps the old target', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT, 'first'));
    const impl = recordingFs((to) => to.endsWith(`${path.sep}result.json`));

    await expect(
      new FileResultsStore({ root, fs: impl }).putResult(resultOf(PROD, SCAN_1, AT, 'second')),
    ).rejects.toThrow(/injected failure/);

    expect((await store.getLatest(PROD))?.source).toBe('first');
    expect((await fs.readdir(root, { recursive: true })).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a result many times its write buffer in pieces and reads the same result back', async () => {
    // Prepare: about 12 MB of findings, three times the 4 MiB the writer sends at once.
    const store = new FileResultsStore({ root });
    const result = resultOf(PROD, SCAN_1, AT);
    result.findings = Array.from({ length: 40_000 }, (_, i) => ({
      checkId: 'pod-containers-run-as-non-root',
      status: i % 3 === 0 ? 'fail' : 'pass',
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: `team-${i % 50}`, name: `pod-${i}` },
      message: `Pod team-${i % 50}/pod-${i}: container app runs as user ${i} — “quoted” ünïcode ${'x'.repeat(150)}`,
      severity: 'high',
      responsibility: 'customer',
      frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.6' }],
    }));

    // Act
    const stored = await store.putResult(result);

    // Assess
    const file = path.join(root, ...stored.key.split('/'));
    expect((await fs.stat(file)).size).toBeGreaterThan(12 * 1024 * 1024);
    expect(await store.getResult(stored.key)).toEqual(result);
  });

  it('finishes a group of pieces the kernel took only part of', async () => {
    // Prepare: a file handle whose writev takes 5 bytes and whose write takes at most 4 at a time.
    const file: number[] = [];
    const handle = {
      writev: async (buffers: Buffer[]) => {
        const bytes = Buffer.concat(buffers).subarray(0, 5);
        file.push(...bytes);
        return { bytesWritten: bytes.length, buffers };
      },
      write: async (buffer: Buffer, offset: number, length: number) => {
        const bytes = buffer.subarray(offset, offset + Math.min(length, 4));
        file.push(...bytes);
        return { bytesWritten: bytes.length, buffer };
      },
    };

    // Act
    await writeAll(handle as never, [Buffer.from('{"a":'), Buffer.from('"ünï"'), Buffer.from(',"b":2}')]);

    // Assess
    expect(Buffer.from(file).toString('utf8')).toBe('{"a":"ünï","b":2}');
  });

  it('removes the temporary file when encoding fails part way, and keeps the old result', async () => {
    // Prepare: a finding that cannot be serialised, after enough others to have written some.
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT, 'first'));
    const broken = resultOf(PROD, SCAN_1, AT, 'second');
    const finding = {
      checkId: 'c',
      status: 'pass' as const,
      resource: { kind: 'Pod', name: 'p' },
      message: 'm'.repeat(1000),
      severity: 'low' as const,
      responsibility: 'customer' as const,
      frameworks: [],
    };
    const unserialisable = Object.assign(
      { ...finding },
      {
        toJSON: () => {
          throw new Error('cannot serialise this finding');
        },
      },
    );
    broken.findings = [...Array.from({ length: 10_000 }, () => finding), unserialisable];

    // Act
    const put = store.putResult(broken);

    // Assess
    await expect(put).rejects.toThrow('cannot serialise this finding');
    expect((await store.getLatest(PROD))?.source).toBe('first');
    expect((await fs.readdir(root, { recursive: true })).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('infers an artifact’s content type from its extension', async () => {
    const store = new FileResultsStore({ root });
    const csv = await store.putScanArtifact(SCAN_1, 'findings.csv', 'a,b', 'text/csv');
    const other = await store.putScanArtifact(SCAN_1, 'archive.tar', 'x', 'application/x-tar');

    expect((await store.getArtifact(csv))?.contentType).toBe('text/csv; charset=utf-8');
    expect((await store.getArtifact(other))?.contentType).toBe('application/octet-stream');
  });

  it('counts a scan that holds only cluster results', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT));

    expect(await store.listScanIds()).toEqual([SCAN_1]);
  });

  it('ignores entries under scans/ that are not scan ids', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT));
    await fs.mkdir(path.join(root, 'scans', '.partial'), { recursive: true });
    await fs.mkdir(path.join(root, 'scans', 'not a scan id'), { recursive: true });

    expect(await store.listScanIds()).toEqual([SCAN_1]);
  });

  it.each(HOSTILE_NAMES)('writes nothing outside the root for a cluster named %j', async (name) => {
    const store = new FileResultsStore({ root });
    const cluster: ClusterRef = { name };

    const stored = await store.putResult(resultOf(cluster, SCAN_1, AT));
    await store.putArtifact(SCAN_1, stored.clusterKey, 'report.html', 'x', 'text/html');

    expect(await filesUnder(base)).toEqual((await filesUnder(root)).map((file) => `nested/root/${file}`));
  });

  it('lists latest pointers in whole-key order, as S3 does, and pages across names sharing a prefix', async () => {
    const store = new FileResultsStore({ root });
    await store.putResult(resultOf(PROD, SCAN_1, AT));
    await store.putResult(resultOf({ ...PROD, name: 'prod-eu' }, SCAN_1, AT));

    const all = await store.listLatest();
    const first = await store.listLatest({ limit: 1 });
    const second = await store.listLatest({ limit: 1, ...(first.next ? { after: first.next } : {}) });

    // `prod-eu/latest.json` < `prod/latest.json`: '-' sorts before '/'.
    expect(all.entries.map((entry) => entry.clusterKey)).toEqual([
      '123456789012/eu-west-1/prod-eu',
      '123456789012/eu-west-1/prod',
    ]);
    expect(first).toEqual({ entries: [all.entries[0]], next: '123456789012/eu-west-1/prod-eu' });
    expect(second).toEqual({ entries: [all.entries[1]] });
  });

  it('refuses a key that resolves outside the root', () => {
    const store = new FileResultsStore({ root });

    expect(() => store.pathOf('../outside')).toThrow(InvalidKeyError);
    expect(() => store.pathOf('')).toThrow(InvalidKeyError);
  });
});
