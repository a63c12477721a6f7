import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintEksToken } from '../../functions/collect/eks-token.ts';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { StsTokenVerifier } from '../../functions/emulator/sts-verifier.ts';
import {
  httpsGet,
  startTestEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ARN,
  TEST_CLUSTER,
  TEST_REGION,
  TEST_SECRET,
  testToken,
} from '../helpers/emulator.ts';

const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

function encode(url: URL | string): string {
  return `k8s-aws-v1.${Buffer.from(url.toString(), 'utf8').toString('base64url')}`;
}

/** Presigns by hand, to build tokens the minter would never produce. */
async function presignedToken(options: {
  hostname: string;
  region: string;
  headers: Record<string, string>;
  signingDate?: Date;
}): Promise<string> {
  const signer = new SignatureV4({
    service: 'sts',
    region: options.region,
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    sha256: Sha256,
  });
  const signed = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: options.hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: options.hostname, ...options.headers },
    }),
    { expiresIn: 60, signingDate: options.signingDate ?? new Date() },
  );
  const url = new URL(`https://${options.hostname}/`);
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') url.searchParams.set(key, value);
  }
  return encode(url);
}

describe('mintEksToken', () => {
  const signingDate = new Date('2026-03-04T05:06:07Z');

  it('produces the aws eks get-token format, parameter by parameter', async () => {
    // Prepare / Act
    const { token, expiresAt } = await mintEksToken({
      clusterName: 'prod-eu',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session+/token=' },
      signingDate,
    });
    const url = decode(token);
    const query = Object.fromEntries(url.searchParams);

    // Assess
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.keys(query).sort()).toEqual([
      'Action',
      'Version',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Security-Token',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
    ]);
    expect(query).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20260304/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20260304T050607Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': 'session+/token=',
    });
    expect(query['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    // The cluster name travels only inside the signature, never in the URL.
    expect(url.toString()).not.toContain('prod-eu');
    expect(expiresAt.toISOString()).toBe('2026-03-04T05:20:07.000Z');
  });

  it('leaves out the security token for long-term keys', async () => {
    const { token } = await mintEksToken({
      clusterName: 'c',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      signingDate,
    });
    expect(decode(token).searchParams.has('X-Amz-Security-Token')).toBe(false);
  });

  it('never pads the base64url, whatever the length', async () => {
    for (const clusterName of ['a', 'ab', 'abc', 'abcd']) {
      for (const sessionToken of [undefined, 'x', 'xy', 'xyz']) {
        const { token } = await mintEksToken({
          clusterName,
          region: 'us-east-1',
          credentials: {
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'secret',
            ...(sessionToken === undefined ? {} : { sessionToken }),
          },
          signingDate,
        });
        expect(token).not.toContain('=');
      }
    }
  });

  it('is deterministic for the same input and date', async () => {
    const input = {
      clusterName: 'c',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      signingDate,
    };
    expect((await mintEksToken(input)).token).toBe((await mintEksToken(input)).token);
  });
});

describe('emulator token verification (playing STS)', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }],
    });
  });
  afterAll(() => emulator.stop());

  async function expectUnauthorized(token: string | undefined): Promise<void> {
    const response = await httpsGet(emulator, '/api/v1/namespaces', token);
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(UNAUTHORIZED);
  }

  it('accepts a freshly minted token and records the identity', async () => {
    const response = await httpsGet(emulator, '/api/v1/namespaces', await testToken());
    expect(response.status).toBe(200);
    expect(emulator.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/api/v1/namespaces',
      status: 200,
      identity: TEST_ARN,
    });
  });

  it('accepts a token signed for the global STS endpoint', async () => {
    const token = await presignedToken({
      hostname: 'sts.amazonaws.com',
      region: 'us-east-1',
      headers: { 'x-k8s-aws-id': TEST_CLUSTER },
    });
    expect((await httpsGet(emulator, '/api/v1/namespaces', token)).status).toBe(200);
  });

  it('accepts a token signed 14 minutes ago', async () => {
    const token = await testToken({ signingDate: new Date(Date.now() - 14 * 60 * 1000) });
    expect((await httpsGet(emulator, '/api/v1/namespaces', token)).status).toBe(200);
  });

  it('rejects a request without a token', async () => {
    await expectUnauthorized(undefined);
  });

  it('rejects a token minted for another cluster', async () => {
    await expectUnauthorized(await testToken({ clusterName: 'someone-elses-cluster' }));
  });

  it('rejects a token signed with the wrong secret', async () => {
    const { token } = await mintEksToken({
      clusterName: TEST_CLUSTER,
      region: TEST_REGION,
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' },
    });
    await expectUnauthorized(token);
  });

  it('rejects an unknown access key id', async () => {
    const { token } = await mintEksToken({
      clusterName: TEST_CLUSTER,
      region: TEST_REGION,
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: TEST_SECRET },
    });
    await expectUnauthorized(token);
  });

  it('rejects a token older than 15 minutes', async () => {
    await expectUnauthorized(await testToken({ signingDate: new Date(Date.now() - 16 * 60 * 1000) }));
  });

  it('rejects tokens that are not EKS tokens', async () => {
    await expectUnauthorized('not-a-token');
    await expectUnauthorized('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    await expectUnauthorized(encode('https://evil.example.com/?Action=GetCallerIdentity'));
    const valid = await testToken();
    await expectUnauthorized(`${valid}==`);
    await expectUnauthorized(`k8s-aws-v1.${'A'.repeat(5000)}`);
  });

  it('rejects a token whose signature does not cover x-k8s-aws-id', async () => {
    const token = await presignedToken({
      hostname: `sts.${TEST_REGION}.amazonaws.com`,
      region: TEST_REGION,
      headers: {},
    });
    expect(decode(token).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    await expectUnauthorized(token);
  });

  it('rejects an STS host of another region than the cluster allows', async () => {
    const token = await presignedToken({
      hostname: 'sts.ap-south-1.amazonaws.com',
      region: 'ap-south-1',
      headers: { 'x-k8s-aws-id': TEST_CLUSTER },
    });
    await expectUnauthorized(token);
  });

  it('rejects tampered tokens', async () => {
    const url = decode(await testToken());

    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const flipped = new URL(url);
    flipped.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    await expectUnauthorized(encode(flipped));

    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '61');
    await expectUnauthorized(encode(longer));

    const extra = new URL(url);
    extra.searchParams.set('X-Amz-Cluster', TEST_CLUSTER);
    await expectUnauthorized(encode(extra));

    const otherAction = new URL(url);
    otherAction.searchParams.set('Action', 'AssumeRole');
    await expectUnauthorized(encode(otherAction));
  });

  it('answers /version and /healthz without a token, like EKS', async () => {
    expect((await httpsGet(emulator, '/healthz')).body).toBe('ok');
    expect((await httpsGet(emulator, '/readyz')).body).toBe('ok');
    const version = await httpsGet(emulator, '/version');
    expect(version.status).toBe(200);
    expect(version.json()).toMatchObject({ major: '1' });
  });
});

describe('StsTokenVerifier refuses for the right reason', () => {
  const verifier = new StsTokenVerifier({
    clusterName: TEST_CLUSTER,
    region: TEST_REGION,
    users: { [TEST_ACCESS_KEY_ID]: { secretAccessKey: TEST_SECRET, arn: TEST_ARN } },
  });
  const signingDate = new Date('2026-03-04T05:06:07Z');
  const minutesLater = (minutes: number) => new Date(signingDate.getTime() + minutes * 60 * 1000);

  it('binds the token to the cluster name through the signature', async () => {
    const token = await testToken({ clusterName: 'other', signingDate });
    expect(await verifier.verify(token, minutesLater(1))).toEqual({
      ok: false,
      why: 'signature does not match',
    });
  });

  it('accepts for 15 minutes after X-Amz-Date and not a second more', async () => {
    const token = await testToken({ signingDate });
    expect(await verifier.verify(token, minutesLater(15))).toEqual({ ok: true, arn: TEST_ARN });
    expect(await verifier.verify(token, new Date(minutesLater(15).getTime() + 1000))).toEqual({
      ok: false,
      why: 'token has expired',
    });
  });

  it('refuses a token dated too far in the future', async () => {
    const token = await testToken({ signingDate });
    expect(await verifier.verify(token, minutesLater(-16))).toEqual({
      ok: false,
      why: 'token is dated in the future',
    });
  });

  it('refuses a token that does not sign x-k8s-aws-id', async () => {
    const token = await presignedToken({
      hostname: `sts.${TEST_REGION}.amazonaws.com`,
      region: TEST_REGION,
      headers: {},
      signingDate,
    });
    expect(await verifier.verify(token, minutesLater(1))).toEqual({
      ok: false,
      why: 'client did not sign the x-k8s-aws-id header',
    });
  });

  it('refuses query parameters outside the whitelist', async () => {
    const url = decode(await testToken({ signingDate }));
    url.searchParams.set('X-Amz-Cluster', TEST_CLUSTER);
    expect(await verifier.verify(encode(url), minutesLater(1))).toEqual({
      ok: false,
      why: 'query parameter X-Amz-Cluster is not allowed',
    });
  });
});
