import { computeTypeOf, isAwsOperated, KUBELET_CONFIG_OPT_IN_REASON } from '../checks/lib/nodes.ts';
import { isRecord } from '../core/is-record.ts';
import type { KubeletConfiguration, Node } from '../core/k8s-types.ts';
import type { NodeKind } from '../core/kinds.ts';
import type { Gap, GapReason, NodeKubeletConfig } from '../core/model.ts';
import type { KubeReader } from './kube-reader.ts';
import { isValidNodeName, KubeReadError, safeMessage } from './kube-reader.ts';
import { createLimiter } from './limit.ts';
import type { RetryEvent, RetryPolicy } from './list-kind.ts';
import { nextAttempt, sleep } from './list-kind.ts';

/**
 * CIS EKS 3.2 reads the kubelet's own configuration, which only the kubelet knows: the
 * collector asks each node's kubelet for `/configz` through the API server's node proxy. This
 * is opt-in (`kubeletConfig: true`), because the `get nodes/proxy` grant it needs also opens
 * the rest of the kubelet API (CIS EKS 4.1.10). Nodes AWS operates (Fargate, Auto Mode) are
 * never asked. One node that cannot be read is that node's problem (`not_evaluated` for it),
 * not the whole kind's — unless every node is refused for lack of permission, which is.
 * https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/#viewing-the-kubelet-configuration
 */

export const KUBELET_CONFIG_KIND: NodeKind = 'kubelet:configz';

/** Nodes whose configz is fetched at the same time. */
export const DEFAULT_KUBELET_CONCURRENCY = 8;

/** The gap a scan records when the operator has not opted in. */
export function kubeletConfigNotRequestedGap(): Gap {
  return { kind: KUBELET_CONFIG_KIND, reason: 'not_collected', message: KUBELET_CONFIG_OPT_IN_REASON };
}

export interface KubeletRetryEvent extends RetryEvent {
  node: string;
}

export interface CollectKubeletConfigsInput {
  reader: KubeReader;
  nodes: readonly Node[];
  concurrency?: number;
  /** Fires at the deadline of the kubelet reads (or the scan's). */
  signal: AbortSignal;
  /** Epoch ms at which `signal` fires at the latest, to tell whether a retry still fits. */
  deadlineAt: number;
  /** Says which deadline passed, for the message. */
  describeDeadline: () => string;
  retry: RetryPolicy;
  onRetry?: (event: KubeletRetryEvent) => void;
}

export interface KubeletConfigsResult {
  /** Per node name, for every node asked (AWS-operated nodes are not). */
  configs: Record<string, NodeKubeletConfig>;
  /** Set when the kind as a whole could not be read; `configs` is then empty. */
  gap?: Gap;
  read: number;
  failed: number;
  /** AWS-operated nodes, not asked. */
  skipped: number;
}

type FetchResult =
  | { ok: true; config: KubeletConfiguration }
  | { ok: false; reason: GapReason; message: string };

export async function collectKubeletConfigs(
  input: CollectKubeletConfigsInput,
): Promise<KubeletConfigsResult> {
  const targets = input.nodes.filter((node) => !isAwsOperated(computeTypeOf(node)));
  const skipped = input.nodes.length - targets.length;
  const reader = input.reader;
  if (reader.getKubeletConfigz === undefined) {
    return {
      configs: {},
      gap: {
        kind: KUBELET_CONFIG_KIND,
        reason: 'not_collected',
        message:
          'this way of reading the cluster cannot reach kubelets, so no kubelet configuration was read',
      },
      read: 0,
      failed: 0,
      skipped,
    };
  }
  const limit = createLimiter(input.concurrency ?? DEFAULT_KUBELET_CONCURRENCY);
  const results = await Promise.all(
    targets.map((node) =>
      limit(async (): Promise<[string, FetchResult]> => {
        const name = node.metadata.name;
        if (!isValidNodeName(name)) {
          return [
            name,
            {
              ok: false,
              reason: 'error',
              message: 'not fetched: the node name is not a valid DNS subdomain name',
            },
          ];
        }
        return [name, await fetchOne(reader, name, input)];
      }),
    ),
  );

  const failures = results.flatMap(([, result]) => (result.ok ? [] : [result]));
  const first = failures[0];
  // A refusal for every node is a permission problem of the scanner, not of any node.
  if (first !== undefined && failures.length === targets.length) {
    const permission = failures.every((f) => f.reason === first.reason) && isPermission(first.reason);
    if (permission) {
      return {
        configs: {},
        gap: {
          kind: KUBELET_CONFIG_KIND,
          reason: first.reason,
          message: safeMessage(`all ${targets.length} node(s) refused: ${first.message}`),
        },
        read: 0,
        failed: failures.length,
        skipped,
      };
    }
  }
  const configs = Object.fromEntries(
    results.map(([name, result]): [string, NodeKubeletConfig] => [
      name,
      result.ok
        ? { config: result.config }
        : { error: { reason: result.reason, message: safeMessage(result.message) } },
    ]),
  );
  return { configs, read: results.length - failures.length, failed: failures.length, skipped };
}

function isPermission(reason: GapReason): boolean {
  return reason === 'forbidden' || reason === 'unauthorized';
}

/** One node's configz with the list rules: backoff on 429/5xx/network errors, Retry-After, one 401 retry, the deadline. */
async function fetchOne(
  reader: KubeReader,
  node: string,
  input: CollectKubeletConfigsInput,
): Promise<FetchResult> {
  const { retry, signal } = input;
  const deadline = (): FetchResult => ({
    ok: false,
    reason: 'timeout',
    message: `not read: ${input.describeDeadline()}`,
  });
  let attempt = 1;
  let retriedUnauthorized = false;
  for (;;) {
    if (signal.aborted) return deadline();
    let body: unknown;
    try {
      body = await reader.getKubeletConfigz?.(node, { signal });
    } catch (error) {
      if (signal.aborted) return deadline();
      const message = safeMessage(error instanceof Error ? error.message : String(error));
      const status = error instanceof KubeReadError ? error.status : undefined;
      if (status === 401 && !retriedUnauthorized) {
        retriedUnauthorized = true;
        continue;
      }
      const next = nextAttempt(error, { attempt, message, retry, deadlineAt: input.deadlineAt });
      if (!next.retry) return { ok: false, reason: next.reason, message: `${message}${next.why}` };
      const { delayMs } = next.event;
      input.onRetry?.({ node, ...next.event });
      attempt += 1;
      if (!(await sleep(delayMs, signal))) return deadline();
      continue;
    }
    const root = isRecord(body) ? body.kubeletconfig : undefined;
    if (!isRecord(root)) {
      return { ok: false, reason: 'error', message: 'the configz answer has no "kubeletconfig" object' };
    }
    return { ok: true, config: projectKubeletConfig(root) };
  }
}

// ---- projection: only the fields the checks read, of the right type (the body is untrusted) ----

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const MAX_STRING = 1024;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_STRING) : undefined;
}

/** Drops undefined values, so the snapshot holds only what the kubelet reported. */
function compact<T extends Record<string, unknown>>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

/** The `kubeletconfig` object of a configz answer, reduced to `KubeletConfiguration`. */
export function projectKubeletConfig(raw: Record<string, unknown>): KubeletConfiguration {
  const authn = isRecord(raw.authentication) ? raw.authentication : {};
  const anonymous = isRecord(authn.anonymous) ? authn.anonymous : {};
  const webhook = isRecord(authn.webhook) ? authn.webhook : {};
  const x509 = isRecord(authn.x509) ? authn.x509 : {};
  const authz = isRecord(raw.authorization) ? raw.authorization : {};
  const gates = isRecord(raw.featureGates)
    ? Object.fromEntries(
        Object.entries(raw.featureGates).filter(
          (entry): entry is [string, boolean] => typeof entry[1] === 'boolean',
        ),
      )
    : undefined;
  const ciphers = Array.isArray(raw.tlsCipherSuites)
    ? raw.tlsCipherSuites
        .filter((item): item is string => typeof item === 'string')
        .map((item) => item.slice(0, 100))
    : undefined;
  const config: KubeletConfiguration = {
    authentication: compact({
      anonymous: compact({ enabled: bool(anonymous.enabled) }),
      webhook: compact({ enabled: bool(webhook.enabled) }),
      x509: compact({ clientCAFile: str(x509.clientCAFile) }),
    }),
    authorization: compact({ mode: str(authz.mode) }),
    readOnlyPort: num(raw.readOnlyPort),
    streamingConnectionIdleTimeout: str(raw.streamingConnectionIdleTimeout),
    makeIPTablesUtilChains: bool(raw.makeIPTablesUtilChains),
    eventRecordQPS: num(raw.eventRecordQPS),
    rotateCertificates: bool(raw.rotateCertificates),
    serverTLSBootstrap: bool(raw.serverTLSBootstrap),
    featureGates: gates !== undefined && Object.keys(gates).length > 0 ? gates : undefined,
    protectKernelDefaults: bool(raw.protectKernelDefaults),
    tlsCipherSuites: ciphers,
    tlsMinVersion: str(raw.tlsMinVersion),
    podPidsLimit: num(raw.podPidsLimit),
  };
  return compact(config as Record<string, unknown>) ?? {};
}
