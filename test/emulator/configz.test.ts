import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { EmulatorConfigError, KUBELET_CONFIG_ANNOTATION } from '../../functions/emulator/index.ts';
import { httpsGet, startTestEmulator, TEST_ARN, testToken } from '../helpers/emulator.ts';

/*
 * The emulated kubelet behind the API server's node proxy: RBAC on `nodes/proxy`, the node
 * must exist, only `/configz` is served, and a node without configuration answers like an
 * unreachable kubelet.
 */

interface StatusBody {
  kind: string;
  message: string;
  reason: string;
  code: number;
}

const KUBELET = {
  authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
  authorization: { mode: 'Webhook' },
  readOnlyPort: 0,
};

function node(name: string, annotations: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations } };
}

const OBJECTS = [
  node('ip-10-0-1-10.eu-west-1.compute.internal'),
  node('ip-10-0-1-11.eu-west-1.compute.internal', {
    [KUBELET_CONFIG_ANNOTATION]: JSON.stringify({ readOnlyPort: 10255 }),
    'node.alpha.kubernetes.io/ttl': '0',
  }),
  node('ip-10-0-1-12.eu-west-1.compute.internal'),
];

const configzOf = (name: string) => `/api/v1/nodes/${name}/proxy/configz`;

function send(emulator: RunningEmulator, path: string, method: string, token: string) {
  return new Promise<{ status: number; body: StatusBody }>((resolve, reject) => {
    const req = request(
      new URL(path, emulator.url),
      { method, ca: emulator.caPem, agent: false, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as StatusBody }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('node proxy configz', () => {
  let allowed: RunningEmulator;
  let refused: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    [allowed, refused, token] = await Promise.all([
      startTestEmulator({
        objects: OBJECTS,
        allowedSubresources: ['nodes/proxy'],
        kubeletConfigs: { 'ip-10-0-1-10.eu-west-1.compute.internal': KUBELET },
      }),
      startTestEmulator({
        objects: OBJECTS,
        kubeletConfigs: { 'ip-10-0-1-10.eu-west-1.compute.internal': KUBELET },
      }),
      testToken(),
    ]);
  });
  afterAll(() => Promise.all([allowed.stop(), refused.stop()]));

  it('serves the configuration from the option under the kubeletconfig root key', async () => {
    // Act
    const response = await httpsGet(allowed, configzOf('ip-10-0-1-10.eu-west-1.compute.internal'), token);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json()).toEqual({ kubeletconfig: KUBELET });
  });

  it('serves the configuration from the Node annotation and strips the annotation from the Node', async () => {
    // Act
    const configz = await httpsGet(allowed, configzOf('ip-10-0-1-11.eu-west-1.compute.internal'), token);
    const served = await httpsGet(allowed, '/api/v1/nodes/ip-10-0-1-11.eu-west-1.compute.internal', token);

    // Assess
    expect(configz.json()).toEqual({ kubeletconfig: { readOnlyPort: 10255 } });
    const annotations = (served.json() as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    expect(annotations).toEqual({ 'node.alpha.kubernetes.io/ttl': '0' });
  });

  it('refuses nodes/proxy like RBAC when the identity was not granted it, with the API server wording', async () => {
    // Act
    const response = await httpsGet(refused, configzOf('ip-10-0-1-10.eu-west-1.compute.internal'), token);

    // Assess
    const body = response.json() as StatusBody;
    expect(response.status).toBe(403);
    expect(body.reason).toBe('Forbidden');
    expect(body.message).toBe(
      `nodes "ip-10-0-1-10.eu-west-1.compute.internal" is forbidden: User "${TEST_ARN}" cannot get resource "nodes/proxy" in API group "" at the cluster scope`,
    );
  });

  it('grants only get: a POST through the proxy is refused with the create verb', async () => {
    // Act
    const response = await send(allowed, configzOf('ip-10-0-1-10.eu-west-1.compute.internal'), 'POST', token);

    // Assess
    expect(response.status).toBe(403);
    expect(response.body.message).toContain('cannot create resource "nodes/proxy"');
  });

  it('answers 404 for an unknown node and for kubelet paths other than configz', async () => {
    // Act
    const unknown = await httpsGet(allowed, configzOf('ip-10-9-9-9.eu-west-1.compute.internal'), token);
    const other = await httpsGet(
      allowed,
      '/api/v1/nodes/ip-10-0-1-10.eu-west-1.compute.internal/proxy/stats/summary',
      token,
    );

    // Assess
    expect(unknown.status).toBe(404);
    expect((unknown.json() as StatusBody).message).toBe(
      'nodes "ip-10-9-9-9.eu-west-1.compute.internal" not found',
    );
    expect(other.status).toBe(404);
  });

  it('answers 503 like an unreachable kubelet for a node without configuration', async () => {
    // Act
    const response = await httpsGet(allowed, configzOf('ip-10-0-1-12.eu-west-1.compute.internal'), token);

    // Assess
    expect(response.status).toBe(503);
    expect((response.json() as StatusBody).reason).toBe('ServiceUnavailable');
  });

  it('authenticates before anything else', async () => {
    // Act
    const response = await httpsGet(allowed, configzOf('ip-10-0-1-10.eu-west-1.compute.internal'));

    // Assess
    expect(response.status).toBe(401);
  });

  it('refuses to start when an annotation is not a JSON object', async () => {
    // Act
    const starting = startTestEmulator({
      objects: [
        node('ip-10-0-1-13.eu-west-1.compute.internal', { [KUBELET_CONFIG_ANNOTATION]: '{not json' }),
      ],
    });

    // Assess
    await expect(starting).rejects.toBeInstanceOf(EmulatorConfigError);
    await expect(starting).rejects.toThrow(/ip-10-0-1-13.*not a JSON object/);
  });
});
