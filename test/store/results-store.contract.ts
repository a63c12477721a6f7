import { describe, expect, it } from 'vitest';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import type { ClusterRef, ScanResult } from '../../functions/core/model.ts';
import { SCHEMA_VERSION } from '../../functions/core/model.ts';
import type { ResultsStore } from '../../functions/core/ports.ts';
import { computeScores } from '../../functions/core/scoring.ts';
import { CorruptStoreObjectError, JSON_CONTENT_TYPE } from '../../functions/store/codec.ts';
import { clusterKeyOf, InvalidKeyError, resultKey } from '../../functions/store/keys.ts';

/**
 * The behaviour every `ResultsStore` adapter shares, run against each of them
 * (`file-results-store.test.ts`, `s3-results-store.test.ts`): same keys, same answers,
 * same refusals. Adapter-specific details (temporary files, HTTP headers, paging) are
 * tested beside each adapter.
 */

export interface StoreFixture {
  store: ResultsStore;
  /** Every layout key the adapter holds (no root, no prefix), sorted. */
  keys(): Promise<string[]>;
  /**
   * Another store over the same data that records the layout keys it writes, in order, and
   * fails (with a message containing "injected failure") the writes `failOn` picks.
   */
  instrumented(failOn?: (key: string) => boolean): { store: ResultsStore; writes: string[] };
  /** Puts raw text at a layout key, past the store (to plant corrupt objects). */
  writeRaw(key: string, body: string): Promise<void>;
}

export interface ContractTarget {
  name: string;
  /** A fresh, empty store; the adapter's test file cleans up after it. */
  create(): Promise<StoreFixture>;
}

export const PROD: ClusterRef = {
  name: 'prod',
  accountId: '123456789012',
  region: 'eu-west-1',
  arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
};
const PROD_KEY = '123456789012/eu-west-1/prod';

export const SCAN_1 = '20260301T020000Z-aaaaaa';
export const SCAN_2 = '20260302T020000Z-bbbbbb';
export const SCAN_3 = '20260303T020000Z-cccccc';

export function resultOf(
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

export function manifestOf(scanId: string, clusters: ClusterRef[]): FleetManifest {
  return {
    schemaVersion: 1,
    scanId,
    startedAt: '2026-03-01T02:00:00.000Z',
    finishedAt: '2026-03-01T02:10:00.000Z',
    clusters: clusters.map((cluster, index) => {
      const clusterKey = clusterKeyOf(cluster);
      return index === 0
        ? { cluster, clusterKey, outcome: 'scanned', resultKey: resultKey(scanId, clusterKey) }
        : { cluster, clusterKey, outcome: 'unreachable', reason: 'endpoint is private' };
    }),
    skipped: [{ accountId: '210987654321', region: 'ap-south-2', reason: 'region not enabled' }],
  };
}

const AT = '2026-03-01T02:00:00.000Z';

export const HOSTILE_NAMES = [
  '../../etc',
  'a/b',
  '..',
  '/etc/passwd',
  '..\\..\\x',
  '../../../../../../tmp/escaped',
  'scans/x/../../clusters',
  '%2e%2e%2f',
];

export function describeResultsStoreContract(target: ContractTarget): void {
  describe(`${target.name} (ResultsStore contract)`, () => {
    describe('results and the latest pointer', () => {
      it('stores the result, then a latest pointer naming it', async () => {
        // Prepare
        const { store, keys } = await target.create();
        const result = resultOf(PROD, SCAN_1, AT);

        // Act
        const stored = await store.putResult(result);

        // Assess
        expect(stored).toEqual({
          scanId: SCAN_1,
          clusterKey: PROD_KEY,
          key: `scans/${SCAN_1}/clusters/${PROD_KEY}/result.json`,
          latestUpdated: true,
        });
        expect(await keys()).toEqual([
          `clusters/${PROD_KEY}/latest.json`,
          `scans/${SCAN_1}/clusters/${PROD_KEY}/result.json`,
        ]);
        expect(await store.getResult(stored.key)).toEqual(result);
        expect(await store.getLatest(PROD)).toEqual(result);
      });

      it('writes the result before the latest pointer', async () => {
        const fixture = await target.create();
        const { store, writes } = fixture.instrumented();

        await store.putResult(resultOf(PROD, SCAN_1, AT));

        expect(writes).toEqual([
          `scans/${SCAN_1}/clusters/${PROD_KEY}/result.json`,
          `clusters/${PROD_KEY}/latest.json`,
        ]);
      });

      it('overwrites when the same scan is stored again, never duplicating', async () => {
        const { store, keys } = await target.create();
        await store.putResult(resultOf(PROD, SCAN_1, AT, 'first'));
        const before = await keys();

        const again = await store.putResult(resultOf(PROD, SCAN_1, '2026-03-01T02:05:00.000Z', 'second'));

        expect(await keys()).toEqual(before);
        expect(again.latestUpdated).toBe(true);
        expect((await store.getLatest(PROD))?.source).toBe('second');
        expect((await store.getResult(again.key))?.source).toBe('second');
        expect(await store.listResults(SCAN_1)).toEqual([
          { scanId: SCAN_1, clusterKey: again.clusterKey, key: again.key },
        ]);
      });

      it('leaves latest untouched when the result cannot be written', async () => {
        // Prepare: a good first scan, then a store whose result writes fail.
        const fixture = await target.create();
        await fixture.store.putResult(resultOf(PROD, SCAN_1, AT));
        const before = await fixture.keys();
        const failing = fixture.instrumented((key) => key.endsWith('/result.json'));

        // Act
        const attempt = failing.store.putResult(resultOf(PROD, SCAN_2, '2026-03-02T02:00:00.000Z'));

        // Assess
        await expect(attempt).rejects.toThrow(/injected failure/);
        expect(failing.writes).toEqual([]);
        expect((await fixture.store.getLatest(PROD))?.scanId).toBe(SCAN_1);
        expect(await fixture.keys()).toEqual(before);
      });

      it('never moves latest back to an older scan stored late', async () => {
        const { store } = await target.create();
        await store.putResult(resultOf(PROD, SCAN_2, '2026-03-02T02:00:00.000Z'));

        const late = await store.putResult(resultOf(PROD, SCAN_1, AT));

        expect(late.latestUpdated).toBe(false);
        expect((await store.getLatest(PROD))?.scanId).toBe(SCAN_2);
        expect(await store.getResult(late.key)).toBeDefined();
      });

      it('repairs a corrupt latest pointer', async () => {
        const { store, writeRaw } = await target.create();
        await writeRaw(
          `clusters/${PROD_KEY}/latest.json`,
          '{"scanId":"x","key":"../../../etc/passwd","finishedAt":"z"}',
        );

        await expect(store.getLatest(PROD)).rejects.toThrow(/not a result of this cluster/);
        await store.putResult(resultOf(PROD, SCAN_1, AT));
        expect((await store.getLatest(PROD))?.scanId).toBe(SCAN_1);
      });

      it('does not echo a corrupt object into its error message', async () => {
        const { store, writeRaw } = await target.create();
        const key = resultKey(SCAN_1, PROD_KEY);
        await writeRaw(key, 'password=hunter2 and not JSON');

        const error: unknown = await store.getResult(key).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(CorruptStoreObjectError);
        expect(String(error)).toMatch(/is not valid JSON/);
        expect(String(error)).not.toMatch(/hunter2/);
      });

      it('lists every cluster of a scan, sorted by key', async () => {
        const { store } = await target.create();
        await store.putResult(resultOf(PROD, SCAN_1, AT));
        await store.putResult(resultOf({ name: 'demo' }, SCAN_1, AT));
        await store.putResult(resultOf({ name: 'a/b' }, SCAN_1, AT));
        await store.putResult(resultOf({ name: 'other' }, SCAN_2, AT));
        await store.putArtifact(SCAN_1, 'local/local/demo', 'report.html', 'x', 'text/html');
        await store.putManifest(manifestOf(SCAN_1, [PROD]));

        const listed = await store.listResults(SCAN_1);

        expect(listed).toEqual(
          [PROD_KEY, 'local/local/_YS9i', 'local/local/demo'].map((clusterKey) => ({
            scanId: SCAN_1,
            clusterKey,
            key: `scans/${SCAN_1}/clusters/${clusterKey}/result.json`,
          })),
        );
      });
    });

    describe('artifacts', () => {
      it('writes cluster and scan artifacts and reads them back with their content type', async () => {
        const { store, keys } = await target.create();
        const { clusterKey } = await store.putResult(resultOf(PROD, SCAN_1, AT));
        const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);

        const report = await store.putArtifact(
          SCAN_1,
          clusterKey,
          'report.html',
          '<!doctype html><p>é</p>',
          'text/html; charset=utf-8',
        );
        const snapshot = await store.putArtifact(
          SCAN_1,
          clusterKey,
          'snapshot.json',
          '{}',
          JSON_CONTENT_TYPE,
        );
        const evidence = await store.putArtifact(
          SCAN_1,
          clusterKey,
          'evidence.bin',
          bytes,
          'application/octet-stream',
        );
        const fleet = await store.putScanArtifact(
          SCAN_1,
          'report.html',
          '<p>fleet</p>',
          'text/html; charset=utf-8',
        );

        expect(report).toBe(`scans/${SCAN_1}/clusters/${PROD_KEY}/report.html`);
        expect(snapshot).toBe(`scans/${SCAN_1}/clusters/${PROD_KEY}/snapshot.json`);
        expect(fleet).toBe(`scans/${SCAN_1}/report.html`);
        expect(await keys()).toContain(evidence);
        const html = await store.getArtifact(report);
        expect(html?.contentType).toBe('text/html; charset=utf-8');
        expect(new TextDecoder().decode(html?.body)).toBe('<!doctype html><p>é</p>');
        expect(await store.getArtifact(snapshot)).toEqual({
          key: snapshot,
          body: new TextEncoder().encode('{}'),
          contentType: JSON_CONTENT_TYPE,
        });
        expect(await store.getArtifact(evidence)).toEqual({
          key: evidence,
          body: bytes,
          contentType: 'application/octet-stream',
        });
        expect(new TextDecoder().decode((await store.getArtifact(fleet))?.body)).toBe('<p>fleet</p>');
      });

      it('overwrites an artifact stored again', async () => {
        const { store, keys } = await target.create();
        await store.putScanArtifact(SCAN_1, 'report.html', 'one', 'text/html; charset=utf-8');
        const before = await keys();

        const key = await store.putScanArtifact(SCAN_1, 'report.html', 'two', 'text/html; charset=utf-8');

        expect(await keys()).toEqual(before);
        expect(new TextDecoder().decode((await store.getArtifact(key))?.body)).toBe('two');
      });

      it('refuses artifact names that would replace the layout’s own objects', async () => {
        const { store, keys } = await target.create();

        await expect(
          store.putArtifact(SCAN_1, PROD_KEY, 'result.json', '{}', JSON_CONTENT_TYPE),
        ).rejects.toThrow(InvalidKeyError);
        await expect(store.putScanArtifact(SCAN_1, 'manifest.json', '{}', JSON_CONTENT_TYPE)).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(store.putScanArtifact(SCAN_1, 'clusters', 'x', 'text/plain')).rejects.toThrow(
          InvalidKeyError,
        );
        expect(await keys()).toEqual([]);
      });

      it.each([
        `scans/${SCAN_1}/clusters/${PROD_KEY}/result.json`,
        `scans/${SCAN_1}/manifest.json`,
        `clusters/${PROD_KEY}/latest.json`,
        '../../etc/passwd',
        `scans/${SCAN_1}/clusters/local/local/../report.html`,
        `scans/${SCAN_1}/../report.html`,
        `scans/${SCAN_1}/clusters/report.html`,
        '/scans/x/report.html',
        `scans/${SCAN_1}/a/report.html`,
      ])('refuses to read %j as an artifact', async (key) => {
        const { store } = await target.create();
        await expect(store.getArtifact(key)).rejects.toThrow(InvalidKeyError);
      });
    });

    describe('fleet manifests and scan history', () => {
      it('round-trips a manifest at scans/{scanId}/manifest.json', async () => {
        const { store, keys } = await target.create();
        const manifest = manifestOf(SCAN_1, [PROD, { name: '../../etc' }]);

        const key = await store.putManifest(manifest);

        expect(key).toBe(`scans/${SCAN_1}/manifest.json`);
        expect(await keys()).toEqual([key]);
        expect(await store.getManifest(SCAN_1)).toEqual(manifest);
        expect(await store.listResults(SCAN_1)).toEqual([]);
      });

      it('overwrites a manifest stored again', async () => {
        const { store, keys } = await target.create();
        await store.putManifest(manifestOf(SCAN_1, [PROD]));

        await store.putManifest({ ...manifestOf(SCAN_1, [PROD]), finishedAt: '2026-03-01T03:00:00.000Z' });

        expect(await keys()).toEqual([`scans/${SCAN_1}/manifest.json`]);
        expect((await store.getManifest(SCAN_1))?.finishedAt).toBe('2026-03-01T03:00:00.000Z');
      });

      it('refuses a manifest whose keys do not fit the layout, writing nothing', async () => {
        const { store, keys } = await target.create();
        const good = manifestOf(SCAN_1, [PROD]);
        const [entry] = good.clusters;
        if (!entry) throw new Error('the manifest has an entry');

        const attempts = [
          { ...good, scanId: '../../x' },
          { ...good, clusters: [{ ...entry, clusterKey: '../../../etc' }] },
          { ...good, clusters: [{ ...entry, clusterKey: 'local/local/demo' }] },
          { ...good, clusters: [{ ...entry, resultKey: resultKey(SCAN_2, PROD_KEY) }] },
          { ...good, clusters: [{ ...entry, resultKey: '../../etc/passwd' }] },
        ];

        for (const manifest of attempts) {
          await expect(store.putManifest(manifest)).rejects.toThrow(InvalidKeyError);
        }
        expect(await keys()).toEqual([]);
      });

      it('refuses a stored manifest that belongs to another scan', async () => {
        const { store, writeRaw } = await target.create();
        await writeRaw(`scans/${SCAN_2}/manifest.json`, JSON.stringify(manifestOf(SCAN_1, [PROD])));

        await expect(store.getManifest(SCAN_2)).rejects.toThrow(CorruptStoreObjectError);
      });

      it('refuses a stored manifest pointing at a result outside its scan', async () => {
        const { store, writeRaw } = await target.create();
        const planted = manifestOf(SCAN_1, [PROD]);
        const [entry] = planted.clusters;
        if (entry) entry.resultKey = '../../../etc/passwd';
        await writeRaw(`scans/${SCAN_1}/manifest.json`, JSON.stringify(planted));

        await expect(store.getManifest(SCAN_1)).rejects.toThrow(/resultKey/);
      });

      // Every scan here has an object directly under scans/{scanId}/, as a fleet scan has its
      // manifest: s3rver only lists a common prefix that has one (see s3-results-store.test.ts).
      it('lists scan ids newest first, each once, up to a limit', async () => {
        const { store } = await target.create();
        await store.putResult(resultOf(PROD, SCAN_2, AT));
        await store.putResult(resultOf({ name: 'demo' }, SCAN_2, AT));
        await store.putManifest(manifestOf(SCAN_2, [PROD]));
        await store.putManifest(manifestOf(SCAN_3, [PROD]));
        await store.putScanArtifact(SCAN_1, 'report.html', 'x', 'text/html');

        expect(await store.listScanIds()).toEqual([SCAN_3, SCAN_2, SCAN_1]);
        expect(await store.listScanIds({ limit: 2 })).toEqual([SCAN_3, SCAN_2]);
        expect(await store.listScanIds({ limit: 10 })).toEqual([SCAN_3, SCAN_2, SCAN_1]);
      });

      it.each([0, -1, 1.5, Number.NaN])('refuses the limit %s', async (limit) => {
        const { store } = await target.create();
        await expect(store.listScanIds({ limit })).rejects.toThrow(RangeError);
      });
    });

    describe('listing the latest pointers (fleet posture)', () => {
      // No name here is a prefix of another: s3rver walks directories, so it lists `prod/…`
      // before `prod-eu/…` where S3 (UTF-8 byte order) lists `prod-eu/…` first.
      const ALPHA: ClusterRef = { name: 'alpha', accountId: '123456789012', region: 'us-east-1' };
      const OTHER: ClusterRef = { name: 'other', accountId: '210987654321', region: 'us-east-1' };

      async function storeThree(store: ResultsStore): Promise<void> {
        await store.putResult(resultOf(PROD, SCAN_1, AT));
        await store.putResult(resultOf(PROD, SCAN_2, '2026-03-02T02:00:00.000Z'));
        await store.putResult(resultOf(ALPHA, SCAN_1, AT));
        await store.putResult(resultOf(OTHER, SCAN_2, '2026-03-02T02:00:00.000Z'));
      }

      it('lists every cluster with a pointer once, in key order, with the pointer', async () => {
        const { store } = await target.create();
        await storeThree(store);

        const page = await store.listLatest();

        expect(page).toEqual({
          entries: [
            {
              clusterKey: PROD_KEY,
              pointer: {
                scanId: SCAN_2,
                key: `scans/${SCAN_2}/clusters/${PROD_KEY}/result.json`,
                finishedAt: '2026-03-02T02:00:00.000Z',
              },
            },
            {
              clusterKey: '123456789012/us-east-1/alpha',
              pointer: {
                scanId: SCAN_1,
                key: `scans/${SCAN_1}/clusters/123456789012/us-east-1/alpha/result.json`,
                finishedAt: AT,
              },
            },
            {
              clusterKey: '210987654321/us-east-1/other',
              pointer: {
                scanId: SCAN_2,
                key: `scans/${SCAN_2}/clusters/210987654321/us-east-1/other/result.json`,
                finishedAt: '2026-03-02T02:00:00.000Z',
              },
            },
          ],
        });
      });

      it('pages with limit and after, and says when a next page follows', async () => {
        const { store } = await target.create();
        await storeThree(store);

        const first = await store.listLatest({ limit: 2 });
        const second = await store.listLatest({ limit: 2, ...(first.next ? { after: first.next } : {}) });
        const exact = await store.listLatest({ limit: 3 });

        expect(first.entries.map((entry) => entry.clusterKey)).toEqual([
          PROD_KEY,
          '123456789012/us-east-1/alpha',
        ]);
        expect(first.next).toBe('123456789012/us-east-1/alpha');
        expect(second).toEqual({
          entries: [expect.objectContaining({ clusterKey: '210987654321/us-east-1/other' })],
        });
        expect(exact.entries).toHaveLength(3);
        expect(exact.next).toBeUndefined();
      });

      it('lists a pointer it cannot decode with the problem instead of failing the page', async () => {
        const { store, writeRaw } = await target.create();
        await store.putResult(resultOf(PROD, SCAN_1, AT));
        await writeRaw('clusters/210987654321/us-east-1/other/latest.json', '{"scanId": <script>');

        const page = await store.listLatest();

        expect(page.entries).toEqual([
          expect.objectContaining({
            clusterKey: PROD_KEY,
            pointer: expect.objectContaining({ scanId: SCAN_1 }),
          }),
          { clusterKey: '210987654321/us-east-1/other', problem: expect.stringContaining('not valid JSON') },
        ]);
        expect(page.entries[1]?.problem).not.toContain('<script>');
      });

      it('answers an empty page for an empty store', async () => {
        const { store } = await target.create();
        expect(await store.listLatest()).toEqual({ entries: [] });
        expect(await store.listLatest({ limit: 5, after: PROD_KEY })).toEqual({ entries: [] });
      });

      it.each([0, -1, 1.5])('refuses the limit %s', async (limit) => {
        const { store } = await target.create();
        await expect(store.listLatest({ limit })).rejects.toThrow(RangeError);
      });

      it.each(['../../etc', 'prod', '123456789012/eu-west-1/../x', ''])(
        'refuses to start after %j, which is not a cluster key',
        async (after) => {
          const { store } = await target.create();
          await expect(store.listLatest({ after })).rejects.toThrow(InvalidKeyError);
        },
      );
    });

    it('answers undefined or empty for what was never stored', async () => {
      const { store } = await target.create();

      expect(await store.getLatest(PROD)).toBeUndefined();
      expect(await store.getLatest({ name: 'never-scanned' })).toBeUndefined();
      expect(await store.getResult(`scans/${SCAN_1}/clusters/local/local/x/result.json`)).toBeUndefined();
      expect(await store.getArtifact(`scans/${SCAN_1}/report.html`)).toBeUndefined();
      expect(await store.getArtifact(`scans/${SCAN_1}/clusters/local/local/x/report.html`)).toBeUndefined();
      expect(await store.getManifest(SCAN_1)).toBeUndefined();
      expect(await store.listResults(SCAN_1)).toEqual([]);
      expect(await store.listScanIds()).toEqual([]);
    });

    describe('hostile input', () => {
      it.each(HOSTILE_NAMES)('keeps a cluster named %j inside the layout', async (name) => {
        const { store, keys } = await target.create();
        const cluster: ClusterRef = { name };

        const stored = await store.putResult(resultOf(cluster, SCAN_1, AT));
        await store.putArtifact(SCAN_1, stored.clusterKey, 'report.html', 'x', 'text/html');

        expect(stored.clusterKey).toBe(clusterKeyOf(cluster));
        expect(stored.clusterKey).toMatch(/^local\/local\/_[A-Za-z0-9_-]+$/);
        expect(await keys()).toEqual([
          `clusters/${stored.clusterKey}/latest.json`,
          `scans/${SCAN_1}/clusters/${stored.clusterKey}/report.html`,
          `scans/${SCAN_1}/clusters/${stored.clusterKey}/result.json`,
        ]);
        expect((await store.getLatest(cluster))?.cluster.name).toBe(name);
        expect(await store.listResults(SCAN_1)).toEqual([
          { scanId: SCAN_1, clusterKey: stored.clusterKey, key: stored.key },
        ]);
      });

      it.each([
        '../../etc/passwd',
        `scans/${SCAN_1}/clusters/local/local/x/report.html`,
        'clusters/local/local/x/latest.json',
        'scans/../../clusters/local/local/x/result.json',
        'scans/s/clusters/local/local/../result.json',
        `scans/${SCAN_1}/manifest.json`,
      ])('refuses to read %j as a result', async (key) => {
        const { store } = await target.create();
        await expect(store.getResult(key)).rejects.toThrow(InvalidKeyError);
      });

      it('refuses hostile scan ids, cluster keys and artifact names, writing nothing', async () => {
        const { store, keys } = await target.create();

        await expect(store.putResult(resultOf(PROD, '../../x', AT))).rejects.toThrow(InvalidKeyError);
        await expect(
          store.putResult(resultOf({ ...PROD, accountId: '../1234' }, SCAN_1, AT)),
        ).rejects.toThrow(InvalidKeyError);
        await expect(store.putArtifact(SCAN_1, '../../../x', 'a.html', 'x', 'text/html')).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(
          store.putArtifact(SCAN_1, 'local/local/x', '../../../../escape.html', 'x', 'text/html'),
        ).rejects.toThrow(InvalidKeyError);
        await expect(store.putScanArtifact('..', 'report.html', 'x', 'text/html')).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(store.putScanArtifact(SCAN_1, '../report.html', 'x', 'text/html')).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(store.listResults('..')).rejects.toThrow(InvalidKeyError);
        await expect(store.getManifest('../x')).rejects.toThrow(InvalidKeyError);
        expect(await keys()).toEqual([]);
      });
    });
  });
}
