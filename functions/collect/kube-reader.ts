import type { K8sKind, K8sKindInfo } from '../core/kinds.ts';
import { K8S_KINDS } from '../core/kinds.ts';

/**
 * The port through which the collector reads a cluster: one cluster-wide list call (one
 * page) at a time. Paging, retries, deadlines and the mapping of failures to gaps are policy
 * and live in `list-kind.ts`/`collector.ts`, so an adapter only has to speak HTTP and report
 * failures as a `KubeReadError`.
 */
export interface KubeReader {
  /** The API server's URL, for messages (never carries credentials). */
  readonly server: string;
  /** One page of `kind`, listed across all namespaces. Throws `KubeReadError` on failure. */
  listPage(kind: K8sKind, request: KubeListRequest): Promise<KubeListPage>;
  /**
   * One node's kubelet configuration through the API server's node proxy
   * (`GET /api/v1/nodes/{name}/proxy/configz`, RBAC `get nodes/proxy`): the parsed JSON body.
   * Optional, for readers that cannot reach kubelets. Throws `KubeReadError` on failure.
   */
  getKubeletConfigz?(nodeName: string, request: KubeGetRequest): Promise<unknown>;
  /** Releases connections. The reader cannot be used afterwards. */
  close(): Promise<void>;
}

export interface KubeListRequest {
  /** `limit` query parameter. */
  limit: number;
  /** `continue` token from the previous page; absent for the first page. */
  continueToken?: string;
  /** The caller's deadline; the adapter adds its own per-call timeout. */
  signal?: AbortSignal;
}

export interface KubeGetRequest {
  /** The caller's deadline; the adapter adds its own per-call timeout. */
  signal?: AbortSignal;
}

export interface KubeListPage {
  /** Raw items as the API server sent them (untrusted, without `apiVersion`/`kind`). */
  items: unknown[];
  /** Set when more pages follow. */
  continueToken?: string;
  /** The API server's estimate of the items still to come, when it gives one. */
  remainingItemCount?: number;
}

/**
 * What went wrong with one call:
 * - `http`: the API server answered with a non-2xx status (`status`, `statusReason`);
 * - `network`: connection refused/reset/dropped, DNS failure;
 * - `tls`: the server's certificate could not be verified (never retried);
 * - `timeout`: the per-call timeout fired;
 * - `aborted`: the caller's signal fired (its deadline);
 * - `auth`: credentials could not be obtained (token provider, kubeconfig exec plugin),
 *   nothing was sent;
 * - `protocol`: a 2xx answer that is not a Kubernetes list (e.g. a truncated body).
 */
export type KubeReadFailure = 'http' | 'network' | 'tls' | 'timeout' | 'aborted' | 'auth' | 'protocol';

export interface KubeReadErrorDetails {
  failure: KubeReadFailure;
  status?: number;
  /** `reason` of the Kubernetes `Status` body, e.g. `Forbidden`, `Expired`. */
  statusReason?: string;
  /** `Retry-After`, in seconds, when the server sent one. */
  retryAfterSeconds?: number;
  /** Low-level error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, `CERT_HAS_EXPIRED` …). */
  code?: string;
}

/** A failed call. `message` is meant for a gap: safe to store (no token, capped length). */
export class KubeReadError extends Error {
  override readonly name = 'KubeReadError';
  readonly failure: KubeReadFailure;
  readonly status: number | undefined;
  readonly statusReason: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, details: KubeReadErrorDetails) {
    super(safeMessage(message));
    this.failure = details.failure;
    this.status = details.status;
    this.statusReason = details.statusReason;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.code = details.code;
  }
}

const MAX_MESSAGE = 500;

/** Credentials that must never reach a gap message, whatever produced the text. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /k8s-aws-v1\.[A-Za-z0-9_-]+/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /(X-Amz-(Signature|Credential|Security-Token)=)[^&\s"]+/gi,
];

/** Scrubs anything token-like and caps the length: for text that goes into gaps and progress. */
export function safeMessage(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: unknown) =>
      typeof prefix === 'string' && prefix.endsWith('=') ? `${prefix}[removed]` : '[removed]',
    );
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

/** `/api/v1/pods`, `/apis/apps/v1/deployments`: the cluster-wide list path of a kind. */
export function listPathOf(kind: K8sKind): string {
  const info: K8sKindInfo = K8S_KINDS[kind];
  const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  return `${prefix}/${kind}`;
}

/** A DNS-1123 subdomain, as Kubernetes requires of node names. */
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a node name may go into a request path: cluster data is untrusted. */
export function isValidNodeName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && NODE_NAME.test(name);
}

/** `/api/v1/nodes/{name}/proxy/configz`; throws for a name that is not a valid node name. */
export function configzPathOf(nodeName: string): string {
  if (!isValidNodeName(nodeName)) {
    throw new KubeReadError(`node name ${JSON.stringify(nodeName.slice(0, 80))} is not a valid node name`, {
      failure: 'protocol',
    });
  }
  return `/api/v1/nodes/${nodeName}/proxy/configz`;
}
