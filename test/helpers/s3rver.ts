import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * A real S3 endpoint on loopback: s3rver 3.7.1 on 127.0.0.1, a random port and a
 * throw-away directory, driven through the real `@aws-sdk/client-s3`.
 *
 * s3rver runs in a child Node process started with `--openssl-legacy-provider`. In this
 * process it starts and serves Put/Get/ListObjectsV2 on Node 24, but any *truncated*
 * ListObjectsV2 page answers 500 InternalError: s3rver builds its continuation token with
 * `crypto.createCipheriv('des', …)`, and OpenSSL 3 (Node ≥ 17) keeps DES in the legacy
 * provider, so the call throws ERR_OSSL_EVP_UNSUPPORTED. Pagination is part of what the
 * tests prove, so the flag is needed, and it is confined to the server process: the store
 * and the SDK under test run without it. It also keeps s3rver's synchronous file I/O off
 * the test's event loop.
 */
export interface S3rver {
  endpoint: string;
  port: number;
  /** s3rver's data directory, removed by `close`. */
  directory: string;
  /** A new real client for this endpoint (path-style, dummy credentials, us-east-1). */
  client(config?: Partial<S3ClientConfig>): S3Client;
  /** Creates a bucket over the S3 API. */
  createBucket(name: string): Promise<void>;
  /** Stops the server process and removes its directory. */
  close(): Promise<void>;
}

/** s3rver's built-in account: it checks request signatures against this key pair. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const START_TIMEOUT_MS = 20_000;
const LISTENING = /S3rver listening on ([\d.]+):(\d+)/;

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = LISTENING.exec(output());
      if (match?.[2]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[2]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited before listening (code ${code}, signal ${signal}):\n${output()}`));
    });
  });
}

export async function startS3rver(): Promise<S3rver> {
  const directory = await mkdtemp(path.join(tmpdir(), 'watchkeeper-s3rver-'));
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '--directory',
      directory,
      '--address',
      '127.0.0.1',
      '--port',
      '0',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should the test process end without afterAll (a crash, a timeout), take the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let port: number;
  try {
    port = await waitForPort(child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;

  const client = (config: Partial<S3ClientConfig> = {}): S3Client =>
    new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      // The server is local: a failure is a test failure, not something to retry.
      maxAttempts: 1,
      ...config,
    });

  return {
    endpoint,
    port,
    directory,
    client,
    async createBucket(name) {
      const admin = client();
      try {
        await admin.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        admin.destroy();
      }
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
