import { request } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { httpsGet, makePods, startTestEmulator, TEST_ARN, testToken } from '../helpers/emulator.ts';

interface StatusBody {
  kind: string;
  status: string;
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

const OBJECTS = [
  ...makePods(3, ['default']),
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: {} },
];

describe('RBAC-style refusals', () => {
  let emulator: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({ objects: OBJECTS, allowedKinds: ['pods', 'namespaces'] });
    token = await testToken();
  });
  afterAll(() => emulator.stop());

  async function status(path: string, method = 'GET'): Promise<{ status: number; body: StatusBody }> {
    if (method === 'GET') {
      const response = await httpsGet(emulator, path, token);
      return { status: response.status, body: response.json() as StatusBody };
    }
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, emulator.url),
        { method, ca: emulator.caPem, agent: false, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as StatusBody });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      // Node's client sends a DELETE body unframed (no length, not chunked), so send none.
      req.end(method === 'POST' ? '{}' : undefined);
    });
  }

  it('serves the allowed kinds', async () => {
    expect((await httpsGet(emulator, '/api/v1/pods', token)).status).toBe(200);
  });

  it('refuses a kind outside the allow-list with the RBAC message, cluster-wide and per namespace', async () => {
    const clusterWide = await status('/apis/apps/v1/deployments');
    expect(clusterWide.status).toBe(403);
    expect(clusterWide.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `deployments.apps is forbidden: User "${TEST_ARN}" cannot list resource "deployments" in API group "apps" at the cluster scope`,
      reason: 'Forbidden',
      details: { group: 'apps', kind: 'deployments' },
      code: 403,
    });

    const namespaced = await status('/apis/apps/v1/namespaces/default/deployments/api');
    expect(namespaced.body.message).toBe(
      `deployments.apps "api" is forbidden: User "${TEST_ARN}" cannot get resource "deployments" in API group "apps" in the namespace "default"`,
    );
  });

  it('always refuses secrets, and never serves them', async () => {
    const all = await status('/api/v1/secrets');
    expect(all.status).toBe(403);
    expect(all.body.message).toBe(
      `secrets is forbidden: User "${TEST_ARN}" cannot list resource "secrets" in API group "" at the cluster scope`,
    );
    expect((await status('/api/v1/namespaces/default/secrets/db')).status).toBe(403);
  });

  it('refuses writes, watches and subresources like a read-only role', async () => {
    const create = await status('/api/v1/namespaces/default/pods', 'POST');
    expect(create.status).toBe(403);
    expect(create.body.message).toContain('cannot create resource "pods"');
    expect((await status('/api/v1/namespaces/default/pods/pod-00000', 'DELETE')).body.message).toContain(
      'cannot delete resource "pods"',
    );
    expect((await status('/api/v1/pods?watch=true')).body.message).toContain('cannot watch resource "pods"');
    expect((await status('/api/v1/namespaces/default/pods/pod-00000/log')).body.message).toBe(
      `pods "pod-00000" is forbidden: User "${TEST_ARN}" cannot get resource "pods/log" in API group "" in the namespace "default"`,
    );
  });
});

describe('injected faults', () => {
  let emulator: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({ objects: OBJECTS });
    token = await testToken();
  });
  afterEach(() => emulator.setFaults([]));
  afterAll(() => emulator.stop());

  it('throttles with 429, Retry-After and TooManyRequests, `times` times', async () => {
    // Prepare
    emulator.setFaults([{ kind: 'pods', type: 'throttle', times: 2, retryAfterSeconds: 7 }]);

    // Act
    const first = await httpsGet(emulator, '/api/v1/pods', token);
    const second = await httpsGet(emulator, '/api/v1/namespaces/default/pods', token);
    const third = await httpsGet(emulator, '/api/v1/pods', token);
    const otherKind = await httpsGet(emulator, '/apis/apps/v1/deployments', token);

    // Assess
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json()).toMatchObject({
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 7 },
    });
    expect(second.status).toBe(429);
    expect(third.status).toBe(200);
    expect(otherKind.status).toBe(200);
  });

  it('defaults Retry-After to 1 second', async () => {
    emulator.setFaults([{ pathPrefix: '/apis/apps/', type: 'throttle' }]);
    const response = await httpsGet(emulator, '/apis/apps/v1/deployments', token);
    expect(response.headers['retry-after']).toBe('1');
    expect((await httpsGet(emulator, '/apis/apps/v1/deployments', token)).status).toBe(429);
  });

  it('answers 500 InternalError, or the configured status', async () => {
    emulator.setFaults([{ kind: 'deployments', type: 'error', times: 1 }]);
    const error = await httpsGet(emulator, '/apis/apps/v1/deployments', token);
    expect(error.status).toBe(500);
    expect(error.json()).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect((await httpsGet(emulator, '/apis/apps/v1/deployments', token)).status).toBe(200);

    emulator.setFaults([{ pathPrefix: '/api/v1/', type: 'error', status: 503 }]);
    const unavailable = await httpsGet(emulator, '/api/v1/pods', token);
    expect(unavailable.status).toBe(503);
    expect(unavailable.json()).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
  });

  it('slows a response down, then serves it', async () => {
    emulator.setFaults([{ kind: 'pods', type: 'slow', delayMs: 300, times: 1 }]);
    const started = performance.now();
    const slow = await httpsGet(emulator, '/api/v1/pods', token);
    expect(slow.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((slow.json() as { items: unknown[] }).items).toHaveLength(3);
  });

  it('drops the connection without an answer', async () => {
    emulator.setFaults([{ kind: 'pods', type: 'drop', times: 1 }]);
    await expect(httpsGet(emulator, '/api/v1/pods', token)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/api/v1/pods', status: 0, identity: TEST_ARN });
    expect((await httpsGet(emulator, '/api/v1/pods', token)).status).toBe(200);
  });

  it('authenticates before injecting: a bad token still gets 401', async () => {
    emulator.setFaults([{ type: 'error' }]);
    expect((await httpsGet(emulator, '/api/v1/pods', 'k8s-aws-v1.bogus')).status).toBe(401);
    expect((await httpsGet(emulator, '/api/v1/pods', token)).status).toBe(500);
  });
});
