import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../functions/emulator/index.ts';
import { makePods, startTestEmulator, TEST_ARN, testToken } from '../helpers/emulator.ts';

/**
 * Fidelity check: the real kubectl (Debian's 1.20 in CI) must read the emulator like a
 * cluster. Missing kubectl is a failure, not a skip, so CI cannot pass without this check.
 */

const run = promisify(execFile);

const INSTALL_HINT =
  'kubectl is required by the emulator fidelity test but was not found on PATH. ' +
  'Install it with `apt-get update && apt-get install -y kubernetes-client` (Debian kubectl 1.20), ' +
  'or point KUBECTL at a kubectl binary.';

async function findKubectl(): Promise<string | undefined> {
  const candidates = process.env.KUBECTL
    ? [process.env.KUBECTL]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'kubectl'));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

interface KubeList {
  kind: string;
  items: { kind: string; metadata: { name: string; namespace?: string } }[];
}

describe('kubectl against the emulator', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let kubectl: string | undefined;
  let baseArgs: string[];

  beforeAll(async () => {
    kubectl = await findKubectl();
    emulator = await startTestEmulator({
      objects: [
        ...makePods(612, ['default', 'shop']),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'cart', namespace: 'shop' },
          spec: {},
        },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: {} },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'other', namespace: 'default' },
          spec: {},
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'watchkeeper-kubectl-'));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, emulator.caPem);
    await writeFile(join(dir, 'kubeconfig'), '');
    baseArgs = [
      '--server',
      emulator.url,
      '--token',
      await testToken(),
      '--certificate-authority',
      caFile,
      '--request-timeout',
      '20s',
    ];
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function requireKubectl(): string {
    if (kubectl === undefined) throw new Error(INSTALL_HINT);
    return kubectl;
  }

  /** Runs kubectl isolated from the user's own config and discovery cache. */
  async function kubectlJson(binary: string, ...args: string[]): Promise<KubeList> {
    const { stdout } = await run(binary, [...baseArgs, ...args, '-o', 'json'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') },
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(stdout) as KubeList;
  }

  it('finds kubectl', () => {
    expect(kubectl, INSTALL_HINT).toBeDefined();
  });

  it('get pods -A returns every pod, paging through the emulator', async () => {
    const pods = await kubectlJson(requireKubectl(), 'get', 'pods', '-A');
    expect(pods.items).toHaveLength(612);
    expect(pods.items.every((pod) => pod.kind === 'Pod')).toBe(true);
    expect(new Set(pods.items.map((pod) => pod.metadata.namespace))).toEqual(new Set(['default', 'shop']));
    // kubectl asks for 500 at a time, so 612 pods took a continue token.
    expect(
      emulator.requests.some((r) => r.path.startsWith('/api/v1/pods?') && r.path.includes('continue=')),
    ).toBe(true);
    expect(
      emulator.requests
        .filter((r) => r.path.startsWith('/api/v1/pods'))
        .every((r) => r.identity === TEST_ARN),
    ).toBe(true);
  });

  it('get deployments -n shop returns that namespace only', async () => {
    const deployments = await kubectlJson(requireKubectl(), 'get', 'deployments', '-n', 'shop');
    expect(deployments.items.map((d) => d.metadata.name)).toEqual(['cart', 'web']);
  });

  it('get namespaces returns the namespaces', async () => {
    const namespaces = await kubectlJson(requireKubectl(), 'get', 'namespaces');
    expect(namespaces.items.map((ns) => ns.metadata.name)).toEqual(['default', 'shop']);
  });

  it('get secrets fails with the RBAC message', async () => {
    const binary = requireKubectl();
    const failure = await kubectlJson(binary, 'get', 'secrets', '-n', 'shop').catch(
      (error: unknown) => error,
    );
    expect(String((failure as { stderr?: unknown }).stderr)).toContain(
      `Error from server (Forbidden): secrets is forbidden: User "${TEST_ARN}" cannot list resource "secrets"`,
    );
  });
});
