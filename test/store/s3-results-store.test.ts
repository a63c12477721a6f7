import { gunzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterRef } from '../../functions/core/model.ts';
import { JSON_CONTENT_TYPE } from '../../functions/store/codec.ts';
import { InvalidKeyError } from '../../functions/store/keys.ts';
import { S3ResultsStore, S3ResultsStoreError } from '../../functions/store/s3-results-store.ts';
import { type S3rver, startS3rver } from '../helpers/s3rver.ts';
import {
  describeResultsStoreContract,
  HOSTILE_NAMES,
  manifestOf,
  PROD,
  resultOf,
  SCAN_1,
  SCAN_2,
  SCAN_3,
  type StoreFixture,
} from './results-store.contract.ts';

const BUCKET = 'watchkeeper-results';
const AT = '2026-03-01T02:00:00.000Z';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let server: S3rver;
let admin: S3Client;
const clients: S3Client[] = [];
let buckets = 0;
let prefixes = 0;

beforeAll(async () => {
  server = await startS3rver();
  admin = server.client();
  await server.createBucket(BUCKET);
});

afterAll(async () => {
  for (const client of [admin, ...clients]) client?.destroy();
  await server?.close();
});

function newClient(): S3Client {
  const client = server.client();
  clients.push(client);
  return client;
}

/** A new empty bucket, for tests that look at a whole bucket. */
async function newBucket(): Promise<string> {
  buckets += 1;
  const name = `watchkeeper-test-${buckets}`;
  await server.createBucket(name);
  return name;
}

/** Every object key in a bucket (under `prefix`), as stored, sorted. */
async function objectKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: admin }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  return keys.sort();
}

/**
 * Records the commands a client sends and their HTTP requests, fails (as S3 would, with a
 * 500) the PutObjects `failOn` picks, and reports each object key that was put.
 */
function instrument(
  client: S3Client,
  failOn: (key: string) => boolean = () => false,
  onPut: (key: string) => void = () => undefined,
) {
  const commands: string[] = [];
  const requests: HttpRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: unknown }).Key;
      const command = context.commandName ?? '';
      commands.push(command);
      if (command === 'PutObjectCommand' && typeof key === 'string' && failOn(key)) {
        throw new S3ServiceException({
          name: 'InternalError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
          message: 'injected failure',
        });
      }
      const output = await next(args);
      if (command === 'PutObjectCommand' && typeof key === 'string') onPut(key);
      return output;
    },
    { step: 'initialize', name: 'watchkeeperTestRecorder' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      if (HttpRequest.isInstance(args.request)) requests.push(args.request);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'watchkeeperTestRequests' },
  );
  return { commands, requests };
}

describeResultsStoreContract({
  name: 'S3ResultsStore',
  async create(): Promise<StoreFixture> {
    // Each test gets its own prefix in the shared bucket, so the contract also runs prefixed.
    prefixes += 1;
    const prefix = `contract/t${prefixes}/`;
    const strip = (key: string) => key.slice(prefix.length);
    return {
      store: new S3ResultsStore({ bucket: BUCKET, client: newClient(), prefix }),
      keys: async () => (await objectKeys(BUCKET, prefix)).map(strip),
      instrumented(failOn = () => false) {
        const client = newClient();
        const writes: string[] = [];
        instrument(
          client,
          (key) => failOn(strip(key)),
          (key) => writes.push(strip(key)),
        );
        return { store: new S3ResultsStore({ bucket: BUCKET, client, prefix }), writes };
      },
      async writeRaw(key, body) {
        await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}${key}`, Body: body }));
      },
    };
  },
});

describe('S3ResultsStore over S3', () => {
  it('lays results out at the bucket root when no prefix is given', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient() });

    const stored = await store.putResult(resultOf(PROD, SCAN_1, AT));

    expect(await objectKeys(bucket)).toEqual([
      'clusters/123456789012/eu-west-1/prod/latest.json',
      stored.key,
    ]);
  });

  it('keeps every object under its prefix and returns layout keys', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient(), prefix: 'watchkeeper/prod' });

    const stored = await store.putResult(resultOf(PROD, SCAN_1, AT));
    const report = await store.putScanArtifact(SCAN_1, 'report.html', 'x', 'text/html');
    const manifest = await store.putManifest(manifestOf(SCAN_1, [PROD]));

    expect(store.prefix).toBe('watchkeeper/prod/');
    expect([stored.key, report, manifest].every((key) => key.startsWith('scans/'))).toBe(true);
    expect(await objectKeys(bucket)).toEqual(
      [`clusters/123456789012/eu-west-1/prod/latest.json`, manifest, report, stored.key]
        .map((key) => `watchkeeper/prod/${key}`)
        .sort(),
    );
    expect(await store.listScanIds()).toEqual([SCAN_1]);
  });

  it('re-running a scan overwrites its objects: the bucket holds as many as before', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient() });
    const clusters: ClusterRef[] = [PROD, { name: 'demo' }, { name: 'a/b' }];
    const runScan = async (source: string) => {
      for (const cluster of clusters) {
        const stored = await store.putResult(resultOf(cluster, SCAN_1, AT, source));
        await store.putArtifact(SCAN_1, stored.clusterKey, 'report.html', source, 'text/html');
      }
      await store.putManifest(manifestOf(SCAN_1, clusters));
      await store.putScanArtifact(SCAN_1, 'report.html', source, 'text/html');
    };
    await runScan('first');
    const before = await objectKeys(bucket);

    await runScan('second');

    expect(before).toHaveLength(3 * 3 + 2);
    expect(await objectKeys(bucket)).toEqual(before);
    expect((await store.getLatest({ name: 'a/b' }))?.source).toBe('second');
  });

  it('leaves the latest pointer object untouched when the result PutObject fails', async () => {
    const bucket = await newBucket();
    await new S3ResultsStore({ bucket, client: newClient() }).putResult(resultOf(PROD, SCAN_1, AT));
    const pointerKey = 'clusters/123456789012/eu-west-1/prod/latest.json';
    const pointerBefore = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: pointerKey }));
    const client = newClient();
    const { commands } = instrument(client, (key) => key.endsWith('/result.json'));
    const failing = new S3ResultsStore({ bucket, client });

    const error: unknown = await failing
      .putResult(resultOf(PROD, SCAN_2, '2026-03-02T02:00:00.000Z', 'do-not-echo-this-body'))
      .catch((caught: unknown) => caught);

    // The failure names the bucket and key, carries the cause, and never the body.
    expect(error).toBeInstanceOf(S3ResultsStoreError);
    expect(String(error)).toContain(
      `s3://${bucket}/scans/${SCAN_2}/clusters/123456789012/eu-west-1/prod/result.json`,
    );
    expect(String(error)).toContain('InternalError: injected failure');
    expect(String(error)).not.toContain('do-not-echo-this-body');
    expect((error as Error).cause).toBeInstanceOf(S3ServiceException);
    // Nothing after the failed write: the pointer was neither read nor written.
    expect(commands).toEqual(['PutObjectCommand']);
    const pointerAfter = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: pointerKey }));
    expect(pointerAfter.ETag).toBe(pointerBefore.ETag);
    expect(await objectKeys(bucket)).toEqual([
      pointerKey,
      `scans/${SCAN_1}/clusters/${PROD.accountId}/eu-west-1/prod/result.json`,
    ]);
  });

  it('sets the content type of every object', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient() });
    const stored = await store.putResult(resultOf(PROD, SCAN_1, AT));
    const report = await store.putArtifact(
      SCAN_1,
      stored.clusterKey,
      'report.html',
      'x',
      'text/html; charset=utf-8',
    );
    const manifest = await store.putManifest(manifestOf(SCAN_1, [PROD]));

    const typeOf = async (key: string) =>
      (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType;

    expect(await typeOf(stored.key)).toBe(JSON_CONTENT_TYPE);
    expect(await typeOf('clusters/123456789012/eu-west-1/prod/latest.json')).toBe(JSON_CONTENT_TYPE);
    expect(await typeOf(manifest)).toBe(JSON_CONTENT_TYPE);
    expect(await typeOf(report)).toBe('text/html; charset=utf-8');
  });

  it('asks for SSE-KMS with the given key on every write', async () => {
    const bucket = await newBucket();
    const client = newClient();
    const { requests } = instrument(client);
    const store = new S3ResultsStore({ bucket, client, kmsKeyId: KMS_KEY });

    const stored = await store.putResult(resultOf(PROD, SCAN_1, AT));
    await store.putArtifact(SCAN_1, stored.clusterKey, 'report.html', 'x', 'text/html');
    await store.putScanArtifact(SCAN_1, 'report.html', 'x', 'text/html');
    await store.putManifest(manifestOf(SCAN_1, [PROD]));

    const puts = requests.filter((request) => request.method === 'PUT');
    expect(puts).toHaveLength(5);
    for (const request of puts) {
      expect(request.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(request.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(KMS_KEY);
    }
    // s3rver accepts the headers; it does not encrypt, so the object reads back as written.
    expect((await store.getLatest(PROD))?.scanId).toBe(SCAN_1);
  });

  it('leaves encryption to the bucket default when no KMS key is given', async () => {
    const bucket = await newBucket();
    const client = newClient();
    const { requests } = instrument(client);
    const store = new S3ResultsStore({ bucket, client });

    await store.putResult(resultOf(PROD, SCAN_1, AT));

    const puts = requests.filter((request) => request.method === 'PUT');
    expect(puts).toHaveLength(2);
    for (const request of puts) {
      expect(Object.keys(request.headers).filter((name) => name.startsWith('x-amz-server-side'))).toEqual([]);
    }
  });

  it('pages through ListObjectsV2 for a scan with more results than a page', async () => {
    const bucket = await newBucket();
    const writer = new S3ResultsStore({ bucket, client: newClient() });
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    for (const name of names) await writer.putResult(resultOf({ name }, SCAN_1, AT));
    const client = newClient();
    const { commands } = instrument(client);
    const reader = new S3ResultsStore({ bucket, client, pageSize: 3 });

    const listed = await reader.listResults(SCAN_1);

    expect(listed.map((location) => location.clusterKey)).toEqual(names.map((name) => `local/local/${name}`));
    // 7 results at 3 keys a page.
    expect(commands).toEqual(['ListObjectsV2Command', 'ListObjectsV2Command', 'ListObjectsV2Command']);
  });

  it('skips objects that are not canonical results or scans when listing', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient() });
    await store.putResult(resultOf(PROD, SCAN_1, AT));
    await store.putManifest(manifestOf(SCAN_1, [PROD]));
    for (const key of [
      `scans/${SCAN_1}/clusters/local/local/_YWJj/result.json`, // not the canonical encoding of "abc"
      `scans/${SCAN_1}/clusters/local/local/x/y/result.json`,
      `scans/${SCAN_1}/clusters/result.json`,
      'scans/not a scan/manifest.json',
      'scans/.partial/manifest.json',
      'scans/stray-object',
    ]) {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }));
    }

    expect((await store.listResults(SCAN_1)).map((location) => location.clusterKey)).toEqual([
      '123456789012/eu-west-1/prod',
    ]);
    expect(await store.listScanIds()).toEqual([SCAN_1]);
  });

  it.each(HOSTILE_NAMES)('writes nothing outside its prefix for a cluster named %j', async (name) => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient(), prefix: 'tenant-a' });

    const stored = await store.putResult(resultOf({ name }, SCAN_1, AT));
    await store.putArtifact(SCAN_1, stored.clusterKey, 'report.html', 'x', 'text/html');

    const keys = await objectKeys(bucket);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.startsWith('tenant-a/')).toBe(true);
      expect(key.split('/')).not.toContain('..');
    }
  });

  it('reports S3 errors other than NoSuchKey, naming the bucket and key', async () => {
    const store = new S3ResultsStore({ bucket: 'no-such-bucket', client: newClient(), prefix: 'wk' });

    await expect(store.getLatest(PROD)).rejects.toThrow(
      'S3 GetObject of s3://no-such-bucket/wk/clusters/123456789012/eu-west-1/prod/latest.json failed: NoSuchBucket',
    );
    await expect(store.putResult(resultOf(PROD, SCAN_1, AT))).rejects.toThrow(
      `S3 PutObject of s3://no-such-bucket/wk/scans/${SCAN_1}/clusters/123456789012/eu-west-1/prod/result.json failed: NoSuchBucket`,
    );
    await expect(store.listResults(SCAN_1)).rejects.toThrow(
      `S3 ListObjectsV2 of s3://no-such-bucket/wk/scans/${SCAN_1}/clusters/ failed: NoSuchBucket`,
    );
    await expect(store.listScanIds()).rejects.toThrow(S3ResultsStoreError);
  });

  it('reads objects written by another client of the same bucket', async () => {
    const bucket = await newBucket();
    const stored = await new S3ResultsStore({ bucket, client: newClient() }).putResult(
      resultOf(PROD, SCAN_1, AT),
    );

    const raw = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: stored.key }));

    // Stored gzip-compressed and labelled so, as any HTTP client decompresses it.
    expect(raw.ContentEncoding).toBe('gzip');
    expect(raw.ContentType).toBe(JSON_CONTENT_TYPE);
    const bytes = await (raw.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()));
    expect(JSON.parse(gunzipSync(bytes).toString('utf8'))).toEqual(resultOf(PROD, SCAN_1, AT));
  });

  it('reads a result another writer stored uncompressed', async () => {
    const bucket = await newBucket();
    const store = new S3ResultsStore({ bucket, client: newClient() });
    const { key } = await store.putResult(resultOf(PROD, SCAN_1, AT));
    await admin.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(resultOf(PROD, SCAN_1, AT), null, 2),
        ContentType: JSON_CONTENT_TYPE,
      }),
    );

    expect(await store.getResult(key)).toEqual(resultOf(PROD, SCAN_1, AT));
  });

  /**
   * s3rver reports a common prefix only when an object sits directly under it (it does not
   * descend below a delimiter), so `scans/{id}/` of a scan holding only cluster results is
   * missing from its listings, where S3 lists it. This pins the S3 semantics the store relies
   * on (CommonPrefixes, paged by continuation token) with a stubbed client instead.
   */
  it('collects scan ids from CommonPrefixes across pages, as S3 returns them', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    clients.push(client);
    const pages = [
      {
        CommonPrefixes: [{ Prefix: `wk/scans/${SCAN_1}/` }, { Prefix: `wk/scans/${SCAN_3}/` }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      },
      {
        CommonPrefixes: [{ Prefix: `wk/scans/${SCAN_2}/` }, { Prefix: 'wk/scans/not a scan/' }],
        IsTruncated: false,
      },
    ];
    // Copies of each request as sent: the paginator reuses one input object between pages.
    const requests: unknown[] = [];
    mockClient(client)
      .on(ListObjectsV2Command)
      .callsFake((input: object) => {
        requests.push({ ...input });
        return pages.shift();
      });
    const store = new S3ResultsStore({ bucket: BUCKET, client, prefix: 'wk', pageSize: 2 });

    const ids = await store.listScanIds({ limit: 2 });

    expect(ids).toEqual([SCAN_3, SCAN_2]);
    expect(requests).toEqual([
      { Bucket: BUCKET, Prefix: 'wk/scans/', Delimiter: '/', MaxKeys: 2 },
      { Bucket: BUCKET, Prefix: 'wk/scans/', Delimiter: '/', MaxKeys: 2, ContinuationToken: 'page-2' },
    ]);
  });

  describe('options', () => {
    it('builds a default client only when none is given', () => {
      const injected = newClient();
      const defaulted = new S3ResultsStore({ bucket: BUCKET });

      expect(new S3ResultsStore({ bucket: BUCKET, client: injected }).client).toBe(injected);
      expect(defaulted.client).toBeInstanceOf(S3Client);
      expect(defaulted.client).not.toBe(injected);
      defaulted.client.destroy();
    });

    it.each(['', 'a', 'Has_Upper', '-leading', 'x'.repeat(64), '../bucket'])(
      'refuses the bucket name %j',
      (bucket) => {
        expect(() => new S3ResultsStore({ bucket, client: admin })).toThrow(InvalidKeyError);
      },
    );

    it.each(['/abs', '../up', 'a/../b', 'a//b', 'a b', '.hidden'])('refuses the prefix %j', (prefix) => {
      expect(() => new S3ResultsStore({ bucket: BUCKET, client: admin, prefix })).toThrow(InvalidKeyError);
    });

    it.each([
      ['', ''],
      ['/', ''],
      ['wk', 'wk/'],
      ['wk/', 'wk/'],
      ['a/b', 'a/b/'],
    ])('normalises the prefix %j to %j', (prefix, expected) => {
      expect(new S3ResultsStore({ bucket: BUCKET, client: admin, prefix }).prefix).toBe(expected);
    });

    it('refuses an empty KMS key id and a page size S3 does not allow', () => {
      expect(() => new S3ResultsStore({ bucket: BUCKET, client: admin, kmsKeyId: ' ' })).toThrow(TypeError);
      expect(() => new S3ResultsStore({ bucket: BUCKET, client: admin, pageSize: 0 })).toThrow(RangeError);
      expect(() => new S3ResultsStore({ bucket: BUCKET, client: admin, pageSize: 1001 })).toThrow(RangeError);
    });
  });
});
