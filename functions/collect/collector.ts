import { computeTypeOf, isAwsOperated } from '../checks/lib/nodes.ts';
import type { EksFacts } from '../core/eks-types.ts';
import type { K8sObject } from '../core/k8s-types.ts';
import type { EksKind, K8sKind, NodeKind, ReadKind } from '../core/kinds.ts';
import { ALL_K8S_KINDS, EKS_KINDS, isEksKind, isK8sKind, NODE_KINDS } from '../core/kinds.ts';
import type { ClusterRef, ClusterSnapshot, Gap, GapReason } from '../core/model.ts';
import { newSnapshot } from '../core/snapshot.ts';
import type { KubeReader } from './kube-reader.ts';
import { safeMessage } from './kube-reader.ts';
import type { KubeletRetryEvent } from './kubelet-config.ts';
import {
  collectKubeletConfigs,
  KUBELET_CONFIG_KIND,
  kubeletConfigNotRequestedGap,
} from './kubelet-config.ts';
import type { RetryPolicy } from './list-kind.ts';
import { DEFAULT_PAGE_SIZE, DEFAULT_RETRY_POLICY, listKind } from './list-kind.ts';
import { ProjectionCache, toSnapshotObject } from './project.ts';

export const DEFAULT_CONCURRENCY = 4;
/** Leaves a 15-minute Lambda time to evaluate, store and report. */
export const DEFAULT_SCAN_DEADLINE_MS = 10 * 60_000;
export const DEFAULT_KIND_DEADLINE_MS = 5 * 60_000;

export const SOURCE_KUBERNETES_API = 'kubernetes-api';

/** What the CLI prints on stderr while a cluster is read. */
export type CollectProgressEvent =
  | { type: 'kind-started'; kind: K8sKind }
  | { type: 'kind-page'; kind: K8sKind; page: number; items: number }
  | {
      type: 'kind-retry';
      kind: K8sKind;
      attempt: number;
      delayMs: number;
      reason: GapReason;
      status?: number;
      message: string;
    }
  | { type: 'kind-restarted'; kind: K8sKind; message: string }
  | { type: 'kind-finished'; kind: K8sKind; count: number; pages: number; durationMs: number }
  | { type: 'kind-failed'; kind: K8sKind; gap: Gap; durationMs: number }
  | { type: 'kubelet-started'; nodes: number }
  | ({ type: 'kubelet-retry' } & KubeletRetryEvent)
  | { type: 'kubelet-finished'; read: number; failed: number; skipped: number; durationMs: number }
  | { type: 'kubelet-failed'; gap: Gap; durationMs: number };

export interface CollectInput {
  reader: KubeReader;
  cluster: ClusterRef;
  /** Kinds to read: the union of the registered checks' `reads`. Nothing else is listed. */
  kinds: readonly ReadKind[];
  /** Facts already read from the AWS APIs, and the gaps met there. */
  eks?: { facts: EksFacts; gaps: Gap[] };
  now: () => Date;
  onProgress?: (event: CollectProgressEvent) => void;
  /** Kinds listed at the same time. */
  concurrency?: number;
  /** The whole collection's deadline, in ms. */
  deadlineMs?: number;
  /** One kind's deadline (all its pages and retries), in ms. */
  kindDeadlineMs?: number;
  /** `limit` per list call. */
  pageSize?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Opt-in for CIS EKS 3.2: read each EC2 node's kubelet configuration through
   * `/api/v1/nodes/{name}/proxy/configz` (kind `kubelet:configz`). Needs `get nodes/proxy`,
   * which also reaches the rest of the kubelet API (CIS EKS 4.1.10). Off: the kind is a
   * `not_collected` gap saying so — unless no node runs a customer-operated kubelet (only
   * Fargate and Auto Mode nodes, or none), when there is nothing to read either way.
   */
  kubeletConfig?: boolean;
  /** Nodes whose kubelet configuration is read at the same time. */
  kubeletConcurrency?: number;
}

const EKS_FACT: Record<EksKind, keyof EksFacts> = {
  'eks:cluster': 'cluster',
  'eks:clusterVersions': 'clusterVersions',
  'eks:nodegroups': 'nodegroups',
  'eks:addons': 'addons',
  'eks:accessEntries': 'accessEntries',
  'eks:fargateProfiles': 'fargateProfiles',
  'eks:insights': 'insights',
  'ec2:launchTemplates': 'launchTemplates',
};

/** The kinds that usually dominate a scan go first, so the slowest list starts early. */
const LARGEST_FIRST: readonly K8sKind[] = [
  'pods',
  'replicasets',
  'configmaps',
  'serviceaccounts',
  'rolebindings',
];

/** The order in which kinds are listed: the usually largest first, then the rest as given. */
export function listingOrder(kinds: readonly K8sKind[]): K8sKind[] {
  return [
    ...LARGEST_FIRST.filter((kind) => kinds.includes(kind)),
    ...kinds.filter((kind) => !LARGEST_FIRST.includes(kind)),
  ];
}

const READ_KIND_ORDER: readonly ReadKind[] = [
  ...(Object.keys(EKS_KINDS) as EksKind[]),
  ...ALL_K8S_KINDS,
  ...(Object.keys(NODE_KINDS) as NodeKind[]),
];

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Reads one cluster into a snapshot. Never throws because a kind could not be read: each
 * failure becomes a gap (forbidden, unauthorized, not_found, timeout, throttled,
 * unreachable, error) and that kind's list stays empty, even when some pages had arrived,
 * so no check can mistake half a list for the whole cluster.
 */
export async function collectSnapshot(input: CollectInput): Promise<ClusterSnapshot> {
  const started = input.now();
  const snapshot = newSnapshot(input.cluster, started.toISOString(), SOURCE_KUBERNETES_API);
  const requested = [...new Set(input.kinds)];
  const gaps = new Map<ReadKind, Gap>();

  collectEks(input, requested, snapshot, gaps);

  const deadlineMs = input.deadlineMs ?? DEFAULT_SCAN_DEADLINE_MS;
  const kindDeadlineMs = input.kindDeadlineMs ?? DEFAULT_KIND_DEADLINE_MS;
  const scanSignal = AbortSignal.timeout(deadlineMs);
  const scanDeadlineAt = Date.now() + deadlineMs;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...input.retry };
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;

  const emit = (event: CollectProgressEvent): void => {
    try {
      input.onProgress?.(event);
    } catch {
      // Progress is for people watching; it must never stop a scan.
    }
  };

  const k8sKinds = requested.filter(isK8sKind);
  const queue = listingOrder(k8sKinds);
  // Shared strings and remembered redactions, for this collection only.
  const cache = new ProjectionCache();

  let anyPageRead = false;
  /** Set when the API server could not be reached at all: the kinds not started yet are not tried. */
  let unreachable: string | undefined;

  const fail = (kind: K8sKind, reason: GapReason, message: string, startedAt: number): void => {
    const gap: Gap = { kind, reason, message: safeMessage(message) };
    gaps.set(kind, gap);
    emit({ type: 'kind-failed', kind, gap, durationMs: Date.now() - startedAt });
  };

  const collectKind = async (kind: K8sKind): Promise<void> => {
    const startedAt = Date.now();
    if (scanSignal.aborted) {
      fail(kind, 'timeout', `not listed: the scan deadline (${seconds(deadlineMs)}) had passed`, startedAt);
      return;
    }
    if (unreachable !== undefined) {
      fail(
        kind,
        'unreachable',
        `not listed: the API server could not be reached (${unreachable})`,
        startedAt,
      );
      return;
    }
    emit({ type: 'kind-started', kind });
    const kindSignal = AbortSignal.any([scanSignal, AbortSignal.timeout(kindDeadlineMs)]);
    let items: K8sObject[] = [];
    let page = 0;
    const result = await listKind(input.reader, kind, {
      pageSize,
      signal: kindSignal,
      deadlineAt: Math.min(scanDeadlineAt, startedAt + kindDeadlineMs),
      describeDeadline: () =>
        scanSignal.aborted
          ? `the scan deadline (${seconds(deadlineMs)}) passed`
          : `the per-kind deadline (${seconds(kindDeadlineMs)}) passed`,
      retry,
      onPage: (raw) => {
        anyPageRead = true;
        page += 1;
        // Project each page as it arrives, so only one raw page is ever held.
        for (const entry of raw) {
          const object = toSnapshotObject(kind, entry, cache);
          if (object) items.push(object);
        }
        emit({ type: 'kind-page', kind, page, items: items.length });
      },
      onRestart: (message) => {
        items = [];
        page = 0;
        emit({ type: 'kind-restarted', kind, message: safeMessage(message) });
      },
      onRetry: (event) => emit({ type: 'kind-retry', kind, ...event }),
    });
    if (!result.ok) {
      if (result.reason === 'unreachable' && !anyPageRead && unreachable === undefined) {
        unreachable = `listing ${kind} failed`;
      }
      fail(kind, result.reason, result.message, startedAt);
      return;
    }
    (snapshot.k8s as unknown as Record<K8sKind, K8sObject[]>)[kind] = items;
    emit({
      type: 'kind-finished',
      kind,
      count: items.length,
      pages: result.pages,
      durationMs: Date.now() - startedAt,
    });
  };

  const worker = async (): Promise<void> => {
    for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) {
      const startedAt = Date.now();
      try {
        await collectKind(kind);
      } catch (error) {
        // A bug of ours (e.g. in projection) costs one kind, never the scan.
        fail(
          kind,
          'error',
          `listing ${kind} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
          startedAt,
        );
      }
    }
  };
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_CONCURRENCY));
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  if (requested.includes(KUBELET_CONFIG_KIND)) {
    const startedAt = Date.now();
    const failKubelet = (reason: GapReason, message: string): void => {
      const gap: Gap = { kind: KUBELET_CONFIG_KIND, reason, message: safeMessage(message) };
      gaps.set(KUBELET_CONFIG_KIND, gap);
      emit({ type: 'kubelet-failed', gap, durationMs: Date.now() - startedAt });
    };
    const nodesGap = gaps.get('nodes');
    const nodesKnown = k8sKinds.includes('nodes') && nodesGap === undefined;
    if (nodesKnown && snapshot.k8s.nodes.every((node) => isAwsOperated(computeTypeOf(node)))) {
      // No node whose kubelet the customer runs (none at all, or only Fargate and Auto Mode):
      // there is nothing to read, with or without the opt-in.
      snapshot.kubelet = {};
    } else if (input.kubeletConfig !== true) {
      // Not a failure: the operator chose not to grant nodes/proxy.
      gaps.set(KUBELET_CONFIG_KIND, kubeletConfigNotRequestedGap());
    } else if (!k8sKinds.includes('nodes')) {
      failKubelet(
        'not_collected',
        'nodes were not listed for this scan, so no kubelet configuration was read',
      );
    } else if (nodesGap !== undefined) {
      failKubelet(
        nodesGap.reason,
        `the node list could not be read, so no kubelet configuration was read (${nodesGap.message})`,
      );
    } else if (scanSignal.aborted) {
      failKubelet('timeout', `not read: the scan deadline (${seconds(deadlineMs)}) had passed`);
    } else {
      const nodes = snapshot.k8s.nodes;
      emit({ type: 'kubelet-started', nodes: nodes.length });
      const result = await collectKubeletConfigs({
        reader: input.reader,
        nodes,
        ...(input.kubeletConcurrency !== undefined ? { concurrency: input.kubeletConcurrency } : {}),
        signal: AbortSignal.any([scanSignal, AbortSignal.timeout(kindDeadlineMs)]),
        deadlineAt: Math.min(scanDeadlineAt, startedAt + kindDeadlineMs),
        describeDeadline: () =>
          scanSignal.aborted
            ? `the scan deadline (${seconds(deadlineMs)}) passed`
            : `the per-kind deadline (${seconds(kindDeadlineMs)}) passed`,
        retry,
        onRetry: (event) => emit({ type: 'kubelet-retry', ...event }),
      }).catch((error: unknown) => ({
        // A bug of ours costs the kind, never the scan.
        configs: {},
        gap: {
          kind: KUBELET_CONFIG_KIND,
          reason: 'error' as const,
          message: `reading kubelet configuration failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
        },
        read: 0,
        failed: 0,
        skipped: 0,
      }));
      if (result.gap !== undefined) {
        failKubelet(result.gap.reason, result.gap.message);
      } else {
        snapshot.kubelet = result.configs;
        emit({
          type: 'kubelet-finished',
          read: result.read,
          failed: result.failed,
          skipped: result.skipped,
          durationMs: Date.now() - startedAt,
        });
      }
    }
  }

  snapshot.gaps = READ_KIND_ORDER.flatMap((kind) => {
    const gap = gaps.get(kind);
    return gap ? [gap] : [];
  });
  return snapshot;
}

/** EKS facts come from the AWS side; a requested kind with neither facts nor a gap is `not_collected`. */
function collectEks(
  input: CollectInput,
  requested: readonly ReadKind[],
  snapshot: ClusterSnapshot,
  gaps: Map<ReadKind, Gap>,
): void {
  const facts = input.eks?.facts ?? {};
  snapshot.eks = { ...facts };
  for (const gap of input.eks?.gaps ?? []) {
    if (!gaps.has(gap.kind)) gaps.set(gap.kind, { ...gap, message: safeMessage(gap.message) });
  }
  for (const kind of requested.filter(isEksKind)) {
    if (gaps.has(kind) || facts[EKS_FACT[kind]] !== undefined) continue;
    gaps.set(kind, {
      kind,
      reason: 'not_collected',
      message: `${EKS_KINDS[kind]} was not read for this scan`,
    });
  }
}
