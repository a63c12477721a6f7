import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEksTokenProvider } from '../../functions/collect/token-provider.ts';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import {
  httpsGet,
  startTestEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ARN,
  TEST_CLUSTER,
  TEST_REGION,
  TEST_SECRET,
} from '../helpers/emulator.ts';

const START = new Date('2026-11-23T15:40:00Z');
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE/session+token=';

/** A clock the test moves by hand. */
function clock(start: Date = START) {
  let time = start.getTime();
  return {
    now: () => new Date(time),
    advance(ms: number) {
      time += ms;
    },
  };
}

/** A credentials provider that counts its calls and whose identity the test can swap. */
function credentialsSource(initial: AwsCredentialIdentity) {
  let current = initial;
  const source = {
    calls: 0,
    provider: async () => {
      source.calls += 1;
      return current;
    },
    set(next: AwsCredentialIdentity) {
      current = next;
    },
  };
  return source;
}

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const encoded = token.slice('k8s-aws-v1.'.length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

const MINUTE = 60_000;

describe('createEksTokenProvider', () => {
  it('mints a token whose presigned URL carries every parameter, the session token included', async () => {
    // Prepare
    const source = credentialsSource({
      accessKeyId: 'ASIATEST',
      secretAccessKey: 's',
      sessionToken: SESSION_TOKEN,
    });
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-central-1',
      credentials: source.provider,
      now: clock().now,
    });

    // Act
    const url = decode(await provider());

    // Assess
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-central-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'ASIATEST/20261123/eu-central-1/sts/aws4_request',
      'X-Amz-Date': '20261123T154000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': SESSION_TOKEN,
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The cluster binding is a signed header, never a query parameter.
    expect(url.searchParams.has('x-k8s-aws-id')).toBe(false);
  });

  it('reuses a token until 60 s before its 14 minutes are up, then mints a new one', async () => {
    // Prepare
    const time = clock();
    const source = credentialsSource({ accessKeyId: 'AKIDTEST', secretAccessKey: 's' });
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: source.provider,
      now: time.now,
    });

    // Act
    const first = await provider();
    time.advance(13 * MINUTE - 1);
    const stillFirst = await provider();
    time.advance(1);
    const second = await provider();
    time.advance(5 * MINUTE);
    const stillSecond = await provider();

    // Assess
    expect(stillFirst).toBe(first);
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20261123T155300Z');
    expect(stillSecond).toBe(second);
  });

  it('mints again when the credentials change: a new access key or only a new session token', async () => {
    // Prepare
    const time = clock();
    const source = credentialsSource({
      accessKeyId: 'ASIAONE',
      secretAccessKey: 's1',
      sessionToken: 'session-1',
    });
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: source.provider,
      now: time.now,
    });
    const first = await provider();

    // Act
    source.set({ accessKeyId: 'ASIAONE', secretAccessKey: 's1', sessionToken: 'session-2' });
    const afterSessionRefresh = await provider();
    source.set({ accessKeyId: 'ASIATWO', secretAccessKey: 's2', sessionToken: 'session-3' });
    const afterKeyRefresh = await provider();

    // Assess
    expect(afterSessionRefresh).not.toBe(first);
    expect(decode(afterSessionRefresh).searchParams.get('X-Amz-Security-Token')).toBe('session-2');
    expect(afterKeyRefresh).not.toBe(afterSessionRefresh);
    expect(decode(afterKeyRefresh).searchParams.get('X-Amz-Credential')).toMatch(/^ASIATWO\//);
    expect(source.calls).toBe(3);
  });

  it('does not hand out a token past the end of the credentials that signed it', async () => {
    // Prepare
    const time = clock();
    const source = credentialsSource({
      accessKeyId: 'ASIATEST',
      secretAccessKey: 's',
      sessionToken: 'session',
      expiration: new Date(START.getTime() + 5 * MINUTE),
    });
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: source.provider,
      now: time.now,
    });

    // Act
    const first = await provider();
    time.advance(4 * MINUTE - 1);
    const reused = await provider();
    time.advance(1);
    const renewed = await provider();

    // Assess
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
  });

  it('keeps clusters apart: one provider per cluster, tokens bound to their own cluster', async () => {
    // Prepare
    const time = clock();
    const source = credentialsSource({ accessKeyId: 'AKIDTEST', secretAccessKey: 's' });
    const forA = createEksTokenProvider({
      clusterName: 'a',
      region: 'eu-west-1',
      credentials: source.provider,
      now: time.now,
    });
    const forB = createEksTokenProvider({
      clusterName: 'b',
      region: 'eu-west-1',
      credentials: source.provider,
      now: time.now,
    });

    // Act
    const tokenA = await forA();
    const tokenB = await forB();

    // Assess
    expect(tokenA).not.toBe(tokenB);
    expect(await forA()).toBe(tokenA);
    expect(await forB()).toBe(tokenB);
  });

  it('shares one mint between concurrent callers', async () => {
    // Prepare
    const source = credentialsSource({ accessKeyId: 'AKIDTEST', secretAccessKey: 's' });
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: source.provider,
      now: clock().now,
    });

    // Act
    const tokens = await Promise.all([provider(), provider(), provider()]);

    // Assess
    expect(new Set(tokens).size).toBe(1);
  });

  it('passes on a credentials failure and recovers on the next call', async () => {
    // Prepare
    let fail = true;
    const provider = createEksTokenProvider({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: async () => {
        if (fail) throw new Error('AccessDenied: not authorized to perform sts:AssumeRole');
        return { accessKeyId: 'AKIDTEST', secretAccessKey: 's' };
      },
      now: clock().now,
    });

    // Act
    const failed = provider();
    await expect(failed).rejects.toThrow('AccessDenied');
    fail = false;

    // Assess
    expect(decode(await provider()).host).toBe('sts.eu-west-1.amazonaws.com');
  });
});

describe('createEksTokenProvider against the emulator (playing STS)', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }],
    });
  });
  afterAll(() => emulator.stop());

  it('is accepted, session token and all', async () => {
    // Prepare
    const provider = createEksTokenProvider({
      clusterName: TEST_CLUSTER,
      region: TEST_REGION,
      credentials: async () => ({
        accessKeyId: TEST_ACCESS_KEY_ID,
        secretAccessKey: TEST_SECRET,
        sessionToken: SESSION_TOKEN,
      }),
    });

    // Act
    const first = await httpsGet(emulator, '/api/v1/namespaces', await provider());
    const second = await httpsGet(emulator, '/api/v1/namespaces', await provider());

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(emulator.requests.at(-1)).toMatchObject({ status: 200, identity: TEST_ARN });
  });

  it("is refused by another cluster's API server", async () => {
    // Prepare
    const provider = createEksTokenProvider({
      clusterName: 'someone-elses-cluster',
      region: TEST_REGION,
      credentials: async () => ({ accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }),
    });

    // Act
    const response = await httpsGet(emulator, '/api/v1/namespaces', await provider());

    // Assess
    expect(response.status).toBe(401);
  });
});
