import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmulatorConfigError,
  type RunningEmulator,
  startEmulator,
} from '../../functions/emulator/index.ts';
import {
  httpsGet,
  makePods,
  startTestEmulator,
  TEST_CLUSTER,
  TEST_CREDENTIALS,
  testToken,
} from '../helpers/emulator.ts';

interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: {
    apiVersion: string;
    kind: string;
    metadata: {
      name: string;
      namespace?: string;
      uid: string;
      resourceVersion: string;
      creationTimestamp: string;
    };
  }[];
}

interface StatusBody {
  kind: string;
  reason: string;
  code: number;
  message: string;
}

const NAMESPACES = ['payments', 'default', 'kube-system', 'web'];
const PODS = 1234;

describe('list semantics', () => {
  let emulator: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      objects: [
        ...makePods(PODS, NAMESPACES),
        ...NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'payments' },
          spec: {},
        },
        // Cluster-scoped objects lose a stray namespace; Secrets are never served.
        { kind: 'ClusterRole', metadata: { name: 'viewer', namespace: 'ignored' }, rules: [] },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'db', namespace: 'payments' },
          data: { p: 'eA==' },
        },
      ],
      continueTtlMs: 60_000,
    });
    token = await testToken();
  });
  afterAll(() => emulator.stop());

  async function list(path: string): Promise<ListBody> {
    const response = await httpsGet(emulator, path, token);
    expect(response.status, response.body).toBe(200);
    return response.json() as ListBody;
  }

  it('pages 1,234 pods by 500: three pages, every pod exactly once, in namespace/name order', async () => {
    // Act
    const pages: ListBody[] = [];
    let next: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '500', ...(next === undefined ? {} : { continue: next }) });
      const page = await list(`/api/v1/pods?${query}`);
      pages.push(page);
      next = page.metadata.continue;
    } while (next !== undefined);

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([500, 500, 234]);
    expect(pages.map((page) => page.metadata.remainingItemCount)).toEqual([734, 234, undefined]);
    expect(new Set(pages.map((page) => page.metadata.resourceVersion)).size).toBe(1);
    const keys = pages.flatMap((page) =>
      page.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`),
    );
    expect(new Set(keys).size).toBe(PODS);
    expect(keys).toEqual(
      [...keys].sort((a, b) => {
        const [na = '', ma = ''] = a.split('/');
        const [nb = '', mb = ''] = b.split('/');
        return na === nb ? (ma < mb ? -1 : 1) : na < nb ? -1 : 1;
      }),
    );
    const first = pages[0];
    expect(first?.kind).toBe('PodList');
    expect(first?.apiVersion).toBe('v1');
    expect(first?.items[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resourceVersion: expect.stringMatching(/^\d+$/),
        creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
  });

  it('lists one namespace, and filters by label selector', async () => {
    const payments = await list('/api/v1/namespaces/payments/pods');
    expect(payments.items).toHaveLength(Math.ceil(PODS / NAMESPACES.length));
    expect(payments.items.every((pod) => pod.metadata.namespace === 'payments')).toBe(true);
    expect(payments.metadata.continue).toBeUndefined();

    const webFront = await list(`/api/v1/pods?labelSelector=${encodeURIComponent('app=web,tier!=back')}`);
    const expected = makePods(PODS, NAMESPACES).filter((_, i) => i % 3 === 0 && i % 2 === 0).length;
    expect(webFront.items).toHaveLength(expected);

    const paged = await list(`/api/v1/pods?limit=10&labelSelector=${encodeURIComponent('app in (web)')}`);
    expect(paged.items).toHaveLength(10);
    // With a selector the server cannot promise a count, so it gives none.
    expect(paged.metadata.remainingItemCount).toBeUndefined();
    expect(paged.metadata.continue).toBeDefined();
  });

  it('serves get-one, grouped kinds and cluster-scoped kinds', async () => {
    const pod = await httpsGet(emulator, '/api/v1/namespaces/payments/pods/pod-00000', token);
    expect(pod.status).toBe(200);
    expect(pod.json()).toMatchObject({ kind: 'Pod', metadata: { name: 'pod-00000', namespace: 'payments' } });

    const namespace = await httpsGet(emulator, '/api/v1/namespaces/web', token);
    expect(namespace.json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'web' } });

    const deployments = await list('/apis/apps/v1/namespaces/payments/deployments');
    expect(deployments.kind).toBe('DeploymentList');
    expect(deployments.apiVersion).toBe('apps/v1');
    expect(deployments.items.map((d) => d.metadata.name)).toEqual(['api']);

    const roles = await list('/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(roles.items[0]?.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(roles.items[0]?.metadata.namespace).toBeUndefined();

    const empty = await list('/apis/batch/v1/cronjobs');
    expect(empty).toMatchObject({ kind: 'CronJobList', items: [] });
  });

  it('answers 404 NotFound for unknown objects and paths', async () => {
    const missing = await httpsGet(emulator, '/apis/apps/v1/namespaces/payments/deployments/nope', token);
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
    });
    for (const path of [
      '/api/v2/pods',
      '/apis/apps/v1/widgets',
      '/api/v1/pods/pod-00000',
      '/nope',
      '/openapi/v2',
    ]) {
      const response = await httpsGet(emulator, path, token);
      expect(response.status, path).toBe(404);
      expect((response.json() as StatusBody).reason).toBe('NotFound');
    }
  });

  it('serves discovery documents kubectl needs', async () => {
    expect((await httpsGet(emulator, '/api', token)).json()).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const groups = (await httpsGet(emulator, '/apis', token)).json() as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'rbac.authorization.k8s.io']),
    );
    const core = (await httpsGet(emulator, '/api/v1', token)).json() as {
      resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[];
    };
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] }),
    );
    expect(core.resources).toContainEqual(expect.objectContaining({ name: 'nodes', namespaced: false }));
  });

  it('refuses a garbage or edited continue token with 410 Expired', async () => {
    const page = await list('/api/v1/pods?limit=5');
    const [payload = '', mac = ''] = (page.metadata.continue ?? '').split('.');
    const edited = `${Buffer.from(
      Buffer.from(payload, 'base64url').toString('utf8').replace('"issuedAt":', '"issuedAt":9'),
    ).toString('base64url')}.${mac}`;
    for (const bad of ['garbage', edited]) {
      const response = await httpsGet(
        emulator,
        `/api/v1/pods?limit=5&continue=${encodeURIComponent(bad)}`,
        token,
      );
      expect(response.status).toBe(410);
      expect(response.json()).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    }
  });

  it('refuses a continue token used for another list with 400', async () => {
    const page = await list('/api/v1/pods?limit=5');
    const next = encodeURIComponent(page.metadata.continue ?? '');
    const response = await httpsGet(emulator, `/api/v1/namespaces/web/pods?limit=5&continue=${next}`, token);
    expect(response.status).toBe(400);
    expect((response.json() as StatusBody).reason).toBe('BadRequest');
  });

  it('pages through client-node exactly as the collector will', async () => {
    // Prepare
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'emulator', server: emulator.url, caData: emulator.caData, skipTLSVerify: false }],
      users: [{ name: 'eks', token }],
      contexts: [{ name: 'emulator', cluster: 'emulator', user: 'eks' }],
      currentContext: 'emulator',
    });
    const core = kc.makeApiClient(CoreV1Api);

    // Act
    const names: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 500, ...(next ? { _continue: next } : {}) });
      names.push(...page.items.map((pod) => pod.metadata?.name ?? ''));
      next = page.metadata?._continue;
      pages++;
    } while (next);

    // Assess
    expect(pages).toBe(3);
    expect(new Set(names).size).toBe(PODS);
    const deployments = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'payments' });
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(['api']);
    const forbidden = await core
      .listNamespacedSecret({ namespace: 'payments' })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(ApiException);
    expect((forbidden as ApiException<string>).code).toBe(403);
  });
});

describe('continue token expiry', () => {
  it('answers 410 Expired once the list is older than continueTtlMs', async () => {
    // Prepare
    const emulator = await startTestEmulator({ objects: makePods(20, ['default']), continueTtlMs: 100 });
    try {
      const token = await testToken();
      const first = (await httpsGet(emulator, '/api/v1/pods?limit=5', token)).json() as ListBody;
      const next = encodeURIComponent(first.metadata.continue ?? '');

      // Act
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stale = await httpsGet(emulator, `/api/v1/pods?limit=5&continue=${next}`, token);

      // Assess
      expect(stale.status).toBe(410);
      expect(stale.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    } finally {
      await emulator.stop();
    }
  });
});

describe('objects from a manifests folder', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'watchkeeper-emulator-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves what loadManifests reads, alongside `objects`', async () => {
    await writeFile(
      join(dir, 'app.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: shop, namespace: web, labels: {app: shop}}',
        'spec: {replicas: 2}',
        '---',
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata: {name: shop}',
      ].join('\n'),
    );
    const emulator = await startEmulator({
      clusterName: TEST_CLUSTER,
      region: 'eu-west-1',
      credentials: TEST_CREDENTIALS,
      manifestsDir: dir,
      objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }],
    });
    try {
      const token = await testToken();
      const deployments = (await httpsGet(emulator, '/apis/apps/v1/deployments', token)).json() as ListBody;
      expect(deployments.items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
        'web/shop',
      ]);
      // A namespaced object without a namespace lands in `default`, as kubectl apply would put it.
      const accounts = (await httpsGet(emulator, '/api/v1/serviceaccounts', token)).json() as ListBody;
      expect(accounts.items.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual([
        'default/shop',
      ]);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses to start on broken manifests or duplicate objects', async () => {
    const broken = await mkdtemp(join(dir, 'broken-'));
    await writeFile(join(broken, 'bad.yaml'), 'kind: Pod\nmetadata: {}\n');
    await expect(
      startEmulator({ clusterName: 'c', credentials: TEST_CREDENTIALS, manifestsDir: broken }),
    ).rejects.toThrow(/bad\.yaml#1/);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } };
    const failure = await startEmulator({
      clusterName: 'c',
      credentials: TEST_CREDENTIALS,
      objects: [pod, pod],
    }).catch((error: unknown) => error);
    expect((failure as EmulatorConfigError).name).toBe('EmulatorConfigError');
    expect((failure as EmulatorConfigError).message).toBe('duplicate Pod n/p');
  });
});
