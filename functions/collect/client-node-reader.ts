import type { Cluster, RequestContext, User } from '@kubernetes/client-node';
// The modules themselves, not the package's index: the index re-exports exec, attach, cp,
// port-forward and the informers too (ws, tar-stream, socks …), which the bundler cannot drop
// (no `sideEffects` field) — 134 kB of the scan-cluster bundle. The version is pinned exactly
// in package.json; a layout change fails the type check.
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { HttpMethod } from '@kubernetes/client-node/dist/gen/http/http.js';
import { IsomorphicFetchHttpLibrary } from '@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js';
import { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
import { isRecord } from '../core/is-record.ts';
import type { K8sKind } from '../core/kinds.ts';
import { DEFAULT_CONCURRENCY } from './collector.ts';
import type {
  KubeGetRequest,
  KubeListPage,
  KubeListRequest,
  KubeReader,
  KubeReadFailure,
} from './kube-reader.ts';
import { configzPathOf, KubeReadError, listPathOf, safeMessage } from './kube-reader.ts';
import {
  type DecodedPage,
  PageDecoder,
  PageDecoderLostError,
  type PageDecoderOptions,
} from './page-decoder.ts';
import { unreadArrayMembers } from './project.ts';

/*
 * Why this adapter sends its list calls itself instead of using the typed APIs
 * (`CoreV1Api.listPodForAllNamespaces` …) or `KubernetesObjectApi.list`:
 *
 * - One code path for every kind: the path comes from the `K8S_KINDS` table (plural, group,
 *   version), so a new kind is one table row, not one more generated method to wire up.
 * - `KubernetesObjectApi.list` first sends a discovery GET per API version to learn the
 *   plural the table already holds, and ignores per-call middleware (it sends with the
 *   client's own configuration), so a per-call timeout would need one client per call.
 * - Both deserialize every item into model classes (Date objects, renamed fields such as
 *   `_from`) that the projection then turns back into plain JSON; with 150,000 pods that
 *   is a lot of throw-away objects. Here a page is `JSON.parse`d once, without its
 *   `managedFields` and the status arrays no check reads (`unread-members.ts`; cut in a
 *   worker thread for large pages, `page-decoder.ts`), and projected; the next page is asked
 *   for as soon as this one has arrived, from the continue token in its head (`#readAhead`).
 *
 * Everything that matters for security still comes from client-node: `KubeConfig` resolves
 * the server, CA, client certificates, proxies and authentication (kubeconfig users, exec
 * plugins, and our per-request EKS token authenticator) in `applySecurityAuthentication`,
 * and the request goes out through its undici-based `IsomorphicFetchHttpLibrary`.
 */

const USER_NAME = 'watchkeeper-eks';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ClientNodeReaderOptions {
  /** Timeout of one list call (one page), in ms. */
  requestTimeoutMs?: number;
  /** Where large list pages are decoded and cut (`page-decoder.ts`); the defaults suit a scan. */
  pageDecoding?: PageDecoderOptions;
}

export interface KubeconfigSource extends ClientNodeReaderOptions {
  /** Context to use; the kubeconfig's current context when omitted. */
  context?: string;
  /** A loaded kubeconfig; `KubeConfig.loadFromDefault()` when omitted. */
  kubeConfig?: KubeConfig;
}

export interface EndpointSource extends ClientNodeReaderOptions {
  /** `https://…` endpoint of the API server (EKS `cluster.endpoint`). */
  server: string;
  /** Base64 PEM of the cluster CA (EKS `cluster.certificateAuthority.data`). */
  caData: string;
  /** Called before every request, so a token is never older than the provider allows. */
  token: () => Promise<string>;
  /** SNI/verification name when it differs from the endpoint's host. */
  tlsServerName?: string;
}

/** The kubeconfig has no context with the requested name (or no current context). */
export class KubeContextNotFoundError extends Error {
  override readonly name = 'KubeContextNotFoundError';
}

/** The cluster configuration cannot be used safely or at all (no TLS verification, bad CA …). */
export class KubeClusterConfigError extends Error {
  override readonly name = 'KubeClusterConfigError';
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** A page asked for before its caller asked. */
interface AheadPage {
  request: KubeListRequest;
  pending: Promise<DecodedPage>;
  stop: AbortController;
  /** Its continue token once its bytes are in (null: it names none); undefined until then. */
  next: string | null | undefined;
}

/** Pages per kind asked for ahead of their caller: one being decoded, one on its way. */
const PAGES_AHEAD = 2;

/**
 * Reads a cluster through `@kubernetes/client-node`. Build one per cluster per scan (the
 * static factories), and `close()` it when the scan is over.
 */
export class ClientNodeKubeReader implements KubeReader {
  readonly server: string;
  readonly #kubeConfig: KubeConfig;
  readonly #serverConfig: ServerConfiguration<Record<string, string>>;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #requestTimeoutMs: number;
  /** One connection pool per reader: client-node builds a new one for every request. */
  #dispatcher: Dispatcher | undefined;
  readonly #pages: PageDecoder;
  /** Per kind, the next pages asked for before their caller asks, in order (`#readAhead`). */
  readonly #ahead = new Map<K8sKind, AheadPage[]>();
  #closed = false;

  constructor(kubeConfig: KubeConfig, options: ClientNodeReaderOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeContextNotFoundError('the kubeconfig has no current cluster');
    assertVerifiedTls(cluster);
    this.#kubeConfig = kubeConfig;
    this.server = withoutUserInfo(cluster.server);
    this.#serverConfig = new ServerConfiguration(cluster.server, {});
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#pages = new PageDecoder(options.pageDecoding);
  }

  /** A kubeconfig context, as kubectl would use it. */
  static fromKubeconfig(source: KubeconfigSource = {}): ClientNodeKubeReader {
    const kubeConfig = source.kubeConfig ?? loadDefaultKubeConfig();
    const available = kubeConfig.getContexts().map((context) => context.name);
    const wanted = source.context ?? kubeConfig.getCurrentContext();
    if (!wanted || !available.includes(wanted)) {
      const list = available.length > 0 ? available.join(', ') : 'none';
      throw new KubeContextNotFoundError(
        wanted
          ? `no kubeconfig context named "${wanted}"; available contexts: ${list}`
          : `the kubeconfig has no current context; pass one of: ${list}`,
      );
    }
    kubeConfig.setCurrentContext(wanted);
    return new ClientNodeKubeReader(kubeConfig, source);
  }

  /** An EKS endpoint with its CA and a bearer-token provider (the EKS IAM token). */
  static fromEndpoint(source: EndpointSource): ClientNodeKubeReader {
    let url: URL;
    try {
      url = new URL(source.server);
    } catch {
      throw new KubeClusterConfigError(`the API server endpoint is not a URL: ${safeMessage(source.server)}`);
    }
    if (url.protocol !== 'https:') {
      throw new KubeClusterConfigError(`the API server endpoint must use https: ${url.origin}`);
    }
    if (!Buffer.from(source.caData, 'base64').toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
      throw new KubeClusterConfigError('the cluster CA data is not a base64-encoded PEM certificate');
    }
    const cluster: Cluster = {
      name: 'cluster',
      server: source.server.replace(/\/$/, ''),
      caData: source.caData,
      skipTLSVerify: false,
      ...(source.tlsServerName ? { tlsServerName: source.tlsServerName } : {}),
    };
    const user: User = { name: USER_NAME };
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [cluster],
      users: [user],
      contexts: [{ name: 'watchkeeper', cluster: cluster.name, user: user.name }],
      currentContext: 'watchkeeper',
    });
    const provider = source.token;
    // Custom authenticators are consulted on every request (aws-notes §4.2), so each call
    // carries a token from the provider, which decides when to mint a new one.
    kubeConfig.addAuthenticator({
      isAuthProvider: (candidate) => candidate.name === USER_NAME,
      applyAuthentication: async (_user, opts) => {
        let token: string;
        try {
          token = await provider();
        } catch (error) {
          throw new Error(`the token provider failed: ${describe(error)}`);
        }
        opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
      },
    });
    return new ClientNodeKubeReader(kubeConfig, source);
  }

  async listPage(kind: K8sKind, request: KubeListRequest): Promise<KubeListPage> {
    const what = listingWhat(kind);
    try {
      const fetched = this.#takeAhead(kind, request) ?? this.#fetchPage(kind, request, request.signal);
      return await parseListPage(what, await fetched);
    } catch (error) {
      if (!(error instanceof PageDecoderLostError)) throw error;
      // The decoding worker exited holding this page: ask again (it is then decoded in place).
      return await parseListPage(what, await this.#fetchPage(kind, request, request.signal));
    }
  }

  /**
   * One page of `kind`, decoded. As soon as its bytes are in, the page after it is asked for
   * (`#readAhead`) and the bytes go to the decoder, whether or not anyone has asked for this page
   * yet: a page read ahead is decoded while the one before it is parsed and projected.
   * `arrived` hears the page's continue token (null: none) once its bytes are in.
   */
  async #fetchPage(
    kind: K8sKind,
    request: KubeListRequest,
    signal: AbortSignal | undefined,
    arrived?: (next: string | null) => void,
  ): Promise<DecodedPage> {
    const bytes = await this.#get(listPathOf(kind), listingWhat(kind), listQuery(request), signal);
    // Before the page is decoded (which hands its bytes over): the continue token is in its head.
    const next = continueTokenOf(bytes);
    arrived?.(next ?? null);
    // A page dropped as it came (`#dropAhead`) leads nowhere.
    if (!signal?.aborted) this.#readAhead(kind, request, next);
    return this.#pages.decode(bytes, unreadArrayMembers(kind), kind === 'pods');
  }

  /**
   * Asks for the page after one whose bytes just came (`request`, naming `next`), while that one
   * is decoded and parsed: its continue token is in the list's metadata, which the API server
   * writes before the items. Up to `PAGES_AHEAD` pages per kind are asked for ahead, each from
   * the one before, and only the call for exactly a page's token and limit takes it
   * (`#takeAhead`); anything else drops them. A page whose head names no token is not read ahead.
   */
  #readAhead(kind: K8sKind, request: KubeListRequest, next: string | undefined): void {
    if (this.#closed || next === undefined) return;
    const chain = this.#ahead.get(kind) ?? [];
    const last = chain.at(-1);
    // Only from the last page asked for: any other page's successor is asked for already.
    if (last !== undefined && !samePage(last.request, request)) return;
    if (chain.length >= PAGES_AHEAD) return;
    const stop = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
    const nextRequest: KubeListRequest = { ...request, continueToken: next };
    const ahead: AheadPage = {
      request: nextRequest,
      stop,
      next: undefined,
      pending: this.#fetchPage(kind, nextRequest, signal, (token) => {
        ahead.next = token;
      }),
    };
    // Settled either way: a page read ahead and then dropped must not reject unheard.
    ahead.pending.catch(() => undefined);
    chain.push(ahead);
    this.#ahead.set(kind, chain);
  }

  /** The page read ahead for exactly this request, if any; pages read ahead for another are dropped. */
  #takeAhead(kind: K8sKind, request: KubeListRequest): Promise<DecodedPage> | undefined {
    const chain = this.#ahead.get(kind);
    const first = chain?.[0];
    if (!chain || !first) return undefined;
    if (!samePage(first.request, request)) {
      this.#dropAhead(kind);
      return undefined;
    }
    chain.shift();
    // The last page asked for may have come already, with room now to ask for its successor.
    const last = chain.at(-1) ?? first;
    if (typeof last.next === 'string') this.#readAhead(kind, last.request, last.next);
    return first.pending;
  }

  /** Stops the pages read ahead for `kind`, and lets the decoder drop those it decoded. */
  #dropAhead(kind: K8sKind): void {
    for (const ahead of this.#ahead.get(kind) ?? []) {
      ahead.stop.abort();
      ahead.pending.then(
        (page) => page.release(),
        () => undefined,
      );
    }
    this.#ahead.delete(kind);
  }

  async getKubeletConfigz(nodeName: string, request: KubeGetRequest): Promise<unknown> {
    const path = configzPathOf(nodeName);
    const what = `reading the kubelet configuration of node ${nodeName} (GET ${path})`;
    const text = utf8.decode(await this.#get(path, what, {}, request.signal));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeReadError(`${what}: the answer is not JSON (${text.length} bytes)`, {
        failure: 'protocol',
      });
    }
  }

  /** One authenticated GET with the per-call timeout: the body of a 2xx answer, else a KubeReadError. */
  async #get(
    path: string,
    what: string,
    query: Readonly<Record<string, string>>,
    callerSignal: AbortSignal | undefined,
  ): Promise<Uint8Array> {
    if (this.#closed) throw new Error('the reader is closed');
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;

    const context = this.#serverConfig.makeRequestContext(path, HttpMethod.GET);
    for (const [name, value] of Object.entries(query)) context.setQueryParam(name, value);
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('User-Agent', 'watchkeeper');

    const stopped = (): KubeReadError | undefined => {
      if (callerSignal?.aborted)
        return new KubeReadError(`${what}: stopped at the deadline`, { failure: 'aborted' });
      if (timeout.aborted) {
        return new KubeReadError(`${what}: no answer within ${this.#requestTimeoutMs} ms`, {
          failure: 'timeout',
        });
      }
      return undefined;
    };

    try {
      // Credentials first: a failing token provider or kubeconfig auth plugin sends nothing.
      // Raced with the signal, so a provider that hangs cannot outlast the deadline.
      await untilAborted(this.#kubeConfig.applySecurityAuthentication(context), signal);
    } catch (error) {
      throw (
        stopped() ??
        new KubeReadError(`${what}: could not authenticate: ${describe(error)}`, { failure: 'auth' })
      );
    }
    const dispatcher = this.#shareDispatcher(context);
    context.setSignal(signal);

    try {
      const { status, body, headers } = dispatcher
        ? await send(dispatcher, context, signal)
        : await this.#sendWithFetch(context);
      if (status < 200 || status > 299) throw httpError(what, status, utf8.decode(body), headers);
      return body;
    } catch (error) {
      if (error instanceof KubeReadError) throw error;
      throw stopped() ?? transportError(what, error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const kind of [...this.#ahead.keys()]) this.#dropAhead(kind);
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    await Promise.all([dispatcher?.destroy(), this.#pages.close()]);
  }

  /**
   * client-node creates a new undici Agent (and so a new TLS connection) for every request
   * (aws-notes §4.3). Keep the first one and reuse it, so the pages of a large list share
   * keep-alive connections; the CA and client certificate do not change during a scan.
   */
  #shareDispatcher(context: RequestContext): Dispatcher | undefined {
    const fresh = context.getDispatcher();
    if (!fresh) return undefined;
    if (!this.#dispatcher) {
      this.#dispatcher = fresh;
      return fresh;
    }
    context.setDispatcher(this.#dispatcher);
    fresh.close().catch(() => undefined);
    return this.#dispatcher;
  }

  /** client-node's own path, for a configuration that brings no dispatcher. */
  async #sendWithFetch(context: RequestContext): Promise<RawResponse> {
    const response = await this.#http.send(context).toPromise();
    return { status: response.httpStatusCode, body: await response.body.binary(), headers: response.headers };
  }
}

const utf8 = new TextDecoder();

/** What a list call is, for messages: `listing pods (GET /api/v1/pods)`. */
function listingWhat(kind: K8sKind): string {
  return `listing ${kind} (GET ${listPathOf(kind)})`;
}

/** Whether two list calls ask for the same page: the same continue token and limit. */
function samePage(a: KubeListRequest, b: KubeListRequest): boolean {
  return a.continueToken === b.continueToken && a.limit === b.limit;
}

function listQuery(request: KubeListRequest): Record<string, string> {
  const query: Record<string, string> = { limit: String(request.limit) };
  if (request.continueToken) query.continue = request.continueToken;
  return query;
}

/** Bytes of a page's head searched for its list metadata. */
const HEAD_BYTES = 16 * 1024;

/**
 * The continue token of a list page from its head (`{"kind":…,"metadata":{…},"items":[`), or
 * undefined when the head is not laid out so or names none. Only a hint for reading ahead:
 * the token the caller acts on is the one parsed from the whole page.
 */
export function continueTokenOf(bytes: Uint8Array): string | undefined {
  const head = utf8.decode(bytes.subarray(0, Math.min(bytes.length, HEAD_BYTES)));
  const items = head.indexOf('"items":');
  if (items < 0) return undefined;
  const before = head.slice(0, items).trimEnd();
  if (!before.endsWith(',')) return undefined;
  try {
    const list: unknown = JSON.parse(`${before.slice(0, -1)}}`);
    const metadata = isRecord(list) && isRecord(list.metadata) ? list.metadata : undefined;
    const token = metadata?.continue;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

interface RawResponse {
  status: number;
  body: Uint8Array;
  headers: Record<string, string>;
}

/**
 * Sends the request client-node prepared (URL, headers, credentials) through the connection
 * pool it configured (CA, client certificate, proxy), with the pool's own `request()` rather
 * than client-node's `fetch`: the same undici underneath, without the WHATWG stream and
 * Response layers, which cost more than the JSON parse itself on multi-megabyte list pages
 * (measured with bench/: a 10,000-pod cluster's lists took about half again as long through
 * `fetch`).
 */
async function send(
  dispatcher: Dispatcher,
  context: RequestContext,
  signal: AbortSignal,
): Promise<RawResponse> {
  const url = new URL(context.getUrl());
  const response = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: context.getHeaders(),
    signal,
  });
  const body = await readBody(response.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, body, headers };
}

/**
 * A response body in one buffer of its own. Each piece (one per TLS record) is copied as it
 * arrives into a buffer kept for the next responses, so the pieces are garbage at once: read
 * whole (`arrayBuffer()`), they were all kept until the page was complete — long enough to
 * outlive young-generation collections — and then freed only by full ones, which V8 starts
 * after every 64 MB of such memory.
 */
export async function readBody(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  let buffer = SPARE_BODY_BUFFERS.pop() ?? new Uint8Array(MIN_BODY_BUFFER_BYTES);
  let size = 0;
  try {
    for await (const piece of body) {
      if (size + piece.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, size + piece.byteLength));
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(piece, size);
      size += piece.byteLength;
    }
    // A copy of exactly the page, which the decoding worker can take over.
    return buffer.slice(0, size);
  } finally {
    if (buffer.byteLength <= MAX_SPARE_BODY_BYTES && SPARE_BODY_BUFFERS.length < MAX_SPARE_BODY_BUFFERS) {
      SPARE_BODY_BUFFERS.push(buffer);
    }
  }
}

const MIN_BODY_BUFFER_BYTES = 1024 * 1024;
const MAX_SPARE_BODY_BYTES = 32 * 1024 * 1024;
/** A list call per kind and those read ahead for it, at the collector's default kinds at a time. */
const MAX_SPARE_BODY_BUFFERS = (1 + PAGES_AHEAD) * DEFAULT_CONCURRENCY;
const SPARE_BODY_BUFFERS: Uint8Array[] = [];

/** The server URL for messages, without any `user:password@` a kubeconfig might carry. */
function withoutUserInfo(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return safeMessage(server);
  }
}

/** Settles like `promise`, or rejects as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function loadDefaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

function assertVerifiedTls(cluster: Cluster): void {
  if (cluster.skipTLSVerify) {
    throw new KubeClusterConfigError(
      `cluster "${cluster.name}" sets insecure-skip-tls-verify; Watchkeeper never reads a cluster without verifying its certificate (set certificate-authority-data instead)`,
    );
  }
  if (!cluster.server.startsWith('https://')) {
    throw new KubeClusterConfigError(`cluster "${cluster.name}" is not served over https: ${cluster.server}`);
  }
  // Node would otherwise silently accept any certificate.
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new KubeClusterConfigError(
      'NODE_TLS_REJECT_UNAUTHORIZED=0 disables certificate verification; unset it to read clusters',
    );
  }
}

/** The page's text is decoded with its unread members cut out; its original is the page as received. */
async function parseListPage(what: string, decoded: DecodedPage): Promise<KubeListPage> {
  let data: unknown;
  let cutParsed = true;
  try {
    data = JSON.parse(decoded.text);
    if (decoded.putBackContainers) {
      const items = isRecord(data) && Array.isArray(data.items) ? data.items : [];
      cutParsed = decoded.putBackContainers(items);
    }
  } catch {
    cutParsed = false;
  }
  if (cutParsed) {
    decoded.release();
  } else {
    // Whatever the cut did, the page as sent decides: parse it whole, or report it.
    const bytes = await decoded.original();
    try {
      data = JSON.parse(utf8.decode(bytes));
    } catch {
      throw new KubeReadError(`${what}: the answer is not JSON (${bytes.byteLength} bytes)`, {
        failure: 'protocol',
      });
    }
  }
  if (!isRecord(data) || !(Array.isArray(data.items) || data.items === null)) {
    throw new KubeReadError(`${what}: the answer is not a Kubernetes list`, { failure: 'protocol' });
  }
  const metadata = isRecord(data.metadata) ? data.metadata : {};
  const page: KubeListPage = { items: Array.isArray(data.items) ? data.items : [] };
  if (typeof metadata.continue === 'string' && metadata.continue !== '')
    page.continueToken = metadata.continue;
  if (typeof metadata.remainingItemCount === 'number') page.remainingItemCount = metadata.remainingItemCount;
  return page;
}

function httpError(
  what: string,
  status: number,
  body: string,
  headers: Record<string, string>,
): KubeReadError {
  let statusReason: string | undefined;
  let serverMessage: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      if (typeof parsed.reason === 'string') statusReason = parsed.reason;
      if (typeof parsed.message === 'string') serverMessage = parsed.message;
    }
  } catch {
    // Not a Status object (e.g. a proxy's HTML page): report the status alone.
  }
  const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
  const label = statusReason ?? STATUS_TEXT[status] ?? 'error';
  return new KubeReadError(`${what}: HTTP ${status} ${label}${serverMessage ? `: ${serverMessage}` : ''}`, {
    failure: 'http',
    status,
    ...(statusReason !== undefined ? { statusReason } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Gone',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** The first error code in the cause chain (`fetch failed` → SocketError → …). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (!isRecordLike(error) || depth > 5) return undefined;
  if (typeof error.code === 'string') return error.code;
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const code = errorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return errorCode(error.cause, depth + 1);
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

function transportError(what: string, error: unknown): KubeReadError {
  const code = errorCode(error);
  const failure: KubeReadFailure = code && TLS_CODES.test(code) ? 'tls' : 'network';
  const detail = failure === 'tls' ? 'TLS verification of the API server failed' : 'connection failed';
  return new KubeReadError(`${what}: ${detail}${code ? ` (${code})` : ''}: ${describe(error)}`, {
    failure,
    ...(code ? { code } : {}),
  });
}
