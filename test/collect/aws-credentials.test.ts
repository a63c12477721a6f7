import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { credentialsFor, memoizeCredentials } from '../../functions/collect/aws-credentials.ts';

const ROLE_ARN = 'arn:aws:iam::222233334444:role/watchkeeper-read';

function assumeRoleXml(n: number, expiration: Date): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAMEMBER${n}</AccessKeyId>
      <SecretAccessKey>secret-${n}</SecretAccessKey>
      <SessionToken>session-${n}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:watchkeeper</AssumedRoleId>
      <Arn>arn:aws:sts::222233334444:assumed-role/watchkeeper-read/watchkeeper</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

/** Plays STS over the SDK's own HTTP layer, so the real AssumeRole request is built and parsed. */
function fakeSts(expiration: Date) {
  const requests: { hostname: string; params: URLSearchParams }[] = [];
  const requestHandler = {
    handle: async (request: HttpRequest) => {
      requests.push({ hostname: request.hostname, params: new URLSearchParams(String(request.body)) });
      const body = new TextEncoder().encode(assumeRoleXml(requests.length, expiration));
      return {
        response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'text/xml' }, body }),
      };
    },
  };
  return { requests, requestHandler };
}

const MASTER = async () => ({ accessKeyId: 'AKIDSCANNER', secretAccessKey: 'scanner-secret' });

describe('credentialsFor', () => {
  it('assumes the member role with the ExternalId, the session name and a one-hour session', async () => {
    // Prepare
    const sts = fakeSts(new Date(Date.now() + 60 * 60_000));
    const provider = credentialsFor(
      { roleArn: ROLE_ARN, externalId: 'wk-external-1', sessionName: 'nightly scan', region: 'eu-west-1' },
      { masterCredentials: MASTER, stsClientConfig: { requestHandler: sts.requestHandler } },
    );

    // Act
    const identity = await provider();

    // Assess
    expect(identity).toMatchObject({
      accessKeyId: 'ASIAMEMBER1',
      secretAccessKey: 'secret-1',
      sessionToken: 'session-1',
    });
    expect(sts.requests).toHaveLength(1);
    const [request] = sts.requests;
    expect(request?.hostname).toBe('sts.eu-west-1.amazonaws.com');
    expect(Object.fromEntries(request?.params ?? [])).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: ROLE_ARN,
      ExternalId: 'wk-external-1',
      // Characters STS does not allow in a session name are replaced, not rejected.
      RoleSessionName: 'nightly-scan',
      DurationSeconds: '3600',
    });
  });

  it('keeps one session until five minutes before it expires', async () => {
    // Prepare
    let now = new Date('2026-11-23T15:00:00Z');
    const sts = fakeSts(new Date('2026-11-23T16:00:00Z'));
    const provider = credentialsFor(
      { roleArn: ROLE_ARN, region: 'eu-west-1' },
      { masterCredentials: MASTER, stsClientConfig: { requestHandler: sts.requestHandler }, now: () => now },
    );

    // Act
    const [a, b] = await Promise.all([provider(), provider()]);
    now = new Date('2026-11-23T15:54:59Z');
    const c = await provider();
    now = new Date('2026-11-23T15:55:00Z');
    const d = await provider();

    // Assess
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(d.accessKeyId).toBe('ASIAMEMBER2');
    expect(sts.requests).toHaveLength(2);
    expect(sts.requests[0]?.params.get('RoleSessionName')).toBe('watchkeeper');
    expect(sts.requests[0]?.params.has('ExternalId')).toBe(false);
  });
});

describe('memoizeCredentials', () => {
  it('does not cache a failure', async () => {
    // Prepare
    let calls = 0;
    const provider = memoizeCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('AccessDenied');
      return { accessKeyId: 'AKID', secretAccessKey: 's' };
    });

    // Act
    await expect(provider()).rejects.toThrow('AccessDenied');
    const identity = await provider();
    const again = await provider();

    // Assess
    expect(identity.accessKeyId).toBe('AKID');
    expect(again).toBe(identity);
    expect(calls).toBe(2);
  });
});
