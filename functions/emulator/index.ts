import { createServer } from 'node:https';
import { type AddressInfo, isIP } from 'node:net';
import { loadManifests } from '../collect/manifests.ts';
import { ALL_K8S_KINDS, type K8sKind } from '../core/kinds.ts';
import { apiVersions } from './discovery.ts';
import { type Fault, FaultInjector } from './faults.ts';
import { type EmulatedSubresource, emulatedKubelets } from './kubelet.ts';
import { createRequestHandler, type HandlerDeps, type RequestRecord } from './server.ts';
import { EmulatorConfigError, ObjectStore } from './store.ts';
import { StsTokenVerifier } from './sts-verifier.ts';
import { createEmulatorTls } from './tls.ts';

/**
 * A Kubernetes API server emulator for the demo and the tests: real HTTPS with its own CA,
 * EKS IAM bearer tokens verified end to end (shape and SigV4 signature), read-only list/get
 * with real paging semantics, RBAC-style refusals and injected faults. Loopback only.
 */

export type { Fault } from './faults.ts';
export type { EmulatedSubresource } from './kubelet.ts';
export { KUBELET_CONFIG_ANNOTATION } from './kubelet.ts';
export type { RequestRecord } from './server.ts';
export { EmulatorConfigError } from './store.ts';

export interface EmulatorOptions {
  /** Tokens must be signed for this cluster (the `x-k8s-aws-id` header). */
  clusterName: string;
  /** The region whose STS host (`sts.<region>.amazonaws.com`) tokens may name, besides the global one. Default us-east-1. */
  region?: string;
  /** The fake STS user base: access key id → secret and the identity ARN it authenticates as. */
  credentials: Record<string, { secretAccessKey: string; arn: string }>;
  /**
   * Initial objects (plain Kubernetes JSON). Kinds outside K8S_KINDS, Secrets included, are
   * never served. Any iterable: a generator is read once, one object at a time.
   */
  objects?: Iterable<object>;
  /** And/or a folder of manifests, read with loadManifests(); a broken document fails the start. */
  manifestsDir?: string;
  /** Files in manifestsDir to leave out by name (e.g. the EKS API JSON kept beside the manifests). */
  skipManifest?: (fileName: string) => boolean;
  /** Kinds the identity may get/list; other kinds answer 403 like RBAC. Default: all. */
  allowedKinds?: readonly K8sKind[];
  /**
   * Subresources the identity may `get`, besides its kinds. Default: none, like the scanner's
   * default role; `['nodes/proxy']` is what the kubelet config opt-in needs.
   */
  allowedSubresources?: readonly EmulatedSubresource[];
  /**
   * Node name → the kubelet configuration its `/configz` reports (under `kubeletconfig`). Also
   * read from the Node annotation `emulator.watchkeeper.dev/kubelet-config` (JSON); this option
   * wins. A node with neither answers 503, like an unreachable kubelet.
   */
  kubeletConfigs?: Readonly<Record<string, object>>;
  faults?: readonly Fault[];
  /** Continue tokens older than this (from the list's first page) answer 410 Expired. Default 5 min. */
  continueTtlMs?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a random free port. */
  port?: number;
}

export interface RunningEmulator {
  url: string;
  caPem: string;
  /** base64 of caPem, as EKS DescribeCluster's certificateAuthority.data. */
  caData: string;
  clusterName: string;
  requests: readonly RequestRecord[];
  /** Replaces all faults, with fresh `times` counters. */
  setFaults(faults: readonly Fault[]): void;
  stop(): Promise<void>;
}

const DEFAULT_CONTINUE_TTL_MS = 5 * 60 * 1000;

async function initialObjects(options: EmulatorOptions): Promise<Iterable<object>> {
  const given = options.objects ?? [];
  if (options.manifestsDir === undefined) return given;
  const loaded = await loadManifests(options.manifestsDir, options.skipManifest);
  if (loaded.problems.length > 0) {
    const list = loaded.problems.map((p) => `${p.file}#${p.document}: ${p.message}`).join('; ');
    throw new EmulatorConfigError(`manifests in ${options.manifestsDir} have problems: ${list}`);
  }
  return (function* () {
    yield* given;
    yield* loaded.objects;
  })();
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const kubelets = emulatedKubelets(await initialObjects(options), options.kubeletConfigs);
  const store = new ObjectStore(kubelets.objects, {
    continueTtlMs: options.continueTtlMs ?? DEFAULT_CONTINUE_TTL_MS,
  });
  const verifier = new StsTokenVerifier({
    clusterName: options.clusterName,
    region: options.region ?? 'us-east-1',
    users: { ...options.credentials },
  });
  const faults = new FaultInjector(options.faults);
  const hostIsIp = isIP(host) !== 0;
  // The certificate names the address clients will use, besides the usual loopback names.
  const tls = await createEmulatorTls({
    ips: [...new Set(['127.0.0.1', ...(hostIsIp ? [host] : [])])],
    dns: [...new Set(['localhost', ...(hostIsIp ? [] : [host])])],
  });

  const requests: RequestRecord[] = [];
  const stopping = new AbortController();
  const deps: HandlerDeps = {
    store,
    verifier,
    faults,
    allowedKinds: new Set(options.allowedKinds ?? ALL_K8S_KINDS),
    allowedSubresources: new Set(options.allowedSubresources ?? []),
    kubeletConfigz: kubelets.configz,
    // Replaced once the port is known; no request can arrive before that.
    apiVersions: apiVersions(host),
    requests,
    stopping: stopping.signal,
  };
  const handler = createRequestHandler(deps);
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    void handler(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  deps.apiVersions = apiVersions(authority);

  return {
    url: `https://${authority}`,
    caPem: tls.caPem,
    caData: Buffer.from(tls.caPem, 'utf8').toString('base64'),
    clusterName: options.clusterName,
    requests,
    setFaults: (next) => faults.set(next),
    stop: async () => {
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
