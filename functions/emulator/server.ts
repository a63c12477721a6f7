import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { K8sKind } from '../core/kinds.ts';
import { groupVersionOf, type ServedResource } from './discovery.ts';
import type { FaultInjector } from './faults.ts';
import { pathSegments, publicRoute, type Route, resolveRoute } from './routes.ts';
import { ApiStatusError, notFoundPath, reasonForServerError, unauthorized } from './status.ts';
import type { ObjectStore, StoredObject } from './store.ts';
import type { StsTokenVerifier } from './sts-verifier.ts';

/** One line of the request log tests read; `status` is 0 for a dropped connection. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  identity?: string;
}

export interface HandlerDeps {
  store: ObjectStore;
  verifier: StsTokenVerifier;
  faults: FaultInjector;
  allowedKinds: ReadonlySet<K8sKind>;
  /** Subresources the identity may `get` (only `nodes/proxy` is emulated). */
  allowedSubresources: ReadonlySet<string>;
  /** Node name → its kubelet's configz body (JSON text). */
  kubeletConfigz: ReadonlyMap<string, string>;
  apiVersions: unknown;
  requests: RequestRecord[];
  /** Aborted on stop, so slow faults do not keep the process alive. */
  stopping: AbortSignal;
}

/** Verbs the scanner's read-only ClusterRole holds; everything else is refused like RBAC. */
const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

// Items are written in batches: one string per list would double the memory of a big list
// for nothing, one write per item would cost a syscall each.
const WRITE_BATCH = 256;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendStatus(res: ServerResponse, error: ApiStatusError): void {
  sendJson(res, error.code, error.toBody(), { ...error.headers });
}

async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}

async function sendList(res: ServerResponse, head: string, items: readonly StoredObject[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  await write(res, `${head},"items":[`);
  for (let i = 0; i < items.length && !res.destroyed; i += WRITE_BATCH) {
    const batch = items.slice(i, i + WRITE_BATCH).map((item) => item.json);
    await write(res, (i === 0 ? '' : ',') + batch.join(','));
  }
  res.end(']}');
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function qualifiedResource(resource: ServedResource): string {
  return resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
}

/** The message RBAC gives, word for word, so collectors can be tested against real text. */
function forbidden(
  user: string,
  verb: string,
  resource: ServedResource,
  namespace: string | undefined,
  name: string | undefined,
  subresource: string | undefined,
): ApiStatusError {
  const subject =
    name === undefined ? qualifiedResource(resource) : `${qualifiedResource(resource)} "${name}"`;
  const what = subresource === undefined ? resource.resource : `${resource.resource}/${subresource}`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  return new ApiStatusError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${what}" in API group "${resource.group}" ${scope}`,
    {
      ...(name === undefined ? {} : { name }),
      ...(resource.group === '' ? {} : { group: resource.group }),
      kind: resource.resource,
    },
  );
}

function objectNotFound(resource: ServedResource, name: string): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`, {
    name,
    ...(resource.group === '' ? {} : { group: resource.group }),
    kind: resource.resource,
  });
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new ApiStatusError(400, 'BadRequest', `invalid limit "${value}"`);
  return Number(value);
}

/** The RBAC verb a request needs, as the API server's request-info resolver names it. */
function verbOf(method: string, name: string | undefined, watch: boolean): string {
  if (method === 'GET' || method === 'HEAD') {
    if (name !== undefined) return 'get';
    return watch ? 'watch' : 'list';
  }
  if (method === 'DELETE' && name === undefined) return 'deletecollection';
  return METHOD_VERBS[method] ?? method.toLowerCase();
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

export function createRequestHandler(deps: HandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: RequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 };
    deps.requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    try {
      await handle(deps, req, res, record);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(
        res,
        error instanceof ApiStatusError
          ? error
          : new ApiStatusError(500, 'InternalError', 'Internal error occurred: the emulator failed'),
      );
    }
  };
}

async function handle(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const segments = pathSegments(url.pathname);
  if (segments === undefined) throw notFoundPath();

  let route = publicRoute(segments);
  let user: string | undefined;
  if (route === undefined) {
    // Authentication comes before routing, as in the API server: an anonymous caller
    // learns nothing about which paths exist.
    const token = bearerToken(req.headers.authorization);
    const verdict = token === undefined ? undefined : await deps.verifier.verify(token);
    if (verdict === undefined || !verdict.ok) throw unauthorized();
    user = verdict.arn;
    record.identity = user;
    route = resolveRoute(segments, deps.apiVersions);
  }

  const kind = route.type === 'resource' ? route.resource.key : undefined;
  const plan = deps.faults.plan(url.pathname, kind);
  if (plan.delayMs > 0) {
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    try {
      await sleep(plan.delayMs, undefined, { signal: AbortSignal.any([closed.signal, deps.stopping]) });
    } catch {
      res.destroy();
      return;
    }
  }
  const fault = plan.terminal;
  if (fault?.type === 'drop') {
    req.socket.destroy();
    return;
  }
  if (fault?.type === 'throttle') {
    const seconds = fault.retryAfterSeconds ?? 1;
    throw new ApiStatusError(
      429,
      'TooManyRequests',
      'Too many requests, please try again later.',
      { retryAfterSeconds: seconds },
      { 'retry-after': String(seconds) },
    );
  }
  if (fault?.type === 'error') {
    const code = fault.status ?? 500;
    throw new ApiStatusError(code, reasonForServerError(code), 'Internal error occurred: injected fault');
  }

  await serve(deps, route, user ?? '', req, url, res);
}

async function serve(
  deps: HandlerDeps,
  route: Route,
  user: string,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const reading = method === 'GET' || method === 'HEAD';
  switch (route.type) {
    case 'notFound':
      throw notFoundPath();
    case 'public':
    case 'discovery':
      if (!reading)
        throw new ApiStatusError(405, 'MethodNotAllowed', `the server does not allow ${method} here`);
      if (route.type === 'public' && route.contentType === 'text') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(String(route.body));
        return;
      }
      sendJson(res, 200, route.body);
      return;
    case 'nodeProxy':
      serveNodeProxy(deps, route, user, method, res);
      return;
    case 'resource':
      break;
  }

  const { resource, namespace, name, subresource } = route;
  const params = url.searchParams;
  const verb = verbOf(method, name, isTrue(params.get('watch')));
  // The scanner's role: get and list on allowed kinds, never secrets, never subresources.
  const allowed =
    resource.key !== undefined &&
    deps.allowedKinds.has(resource.key) &&
    subresource === undefined &&
    (verb === 'get' || verb === 'list');
  if (!allowed || resource.key === undefined)
    throw forbidden(user, verb, resource, namespace, name, subresource);
  const kind = resource.key;

  if (name !== undefined) {
    const object = deps.store.get(kind, resource.namespaced ? (namespace ?? '') : '', name);
    if (object === undefined) throw objectNotFound(resource, name);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(object.json);
    return;
  }

  const page = deps.store.list(kind, {
    ...(namespace === undefined ? {} : { namespace }),
    labelSelector: params.get('labelSelector') ?? '',
    fieldSelector: params.get('fieldSelector') ?? '',
    ...optional('limit', parseLimit(params.get('limit'))),
    ...optional('continueToken', params.get('continue') ?? undefined),
  });
  const metadata = {
    resourceVersion: page.resourceVersion,
    ...optional('continue', page.continueToken),
    ...optional('remainingItemCount', page.remainingItemCount),
  };
  const head = `{"kind":${JSON.stringify(`${resource.kind}List`)},"apiVersion":${JSON.stringify(
    groupVersionOf(resource.group, resource.version),
  )},"metadata":${JSON.stringify(metadata)}`;
  await sendList(res, head, page.items);
}

/**
 * `nodes/{name}/proxy/configz`, as the API server passes it to the kubelet: RBAC on the
 * `nodes/proxy` subresource first (verb `get` for GET), then the node must exist, then the
 * emulated kubelet answers — only `/configz`, and a 503 like an unreachable kubelet when the
 * node has no configuration.
 */
function serveNodeProxy(
  deps: HandlerDeps,
  route: Extract<Route, { type: 'nodeProxy' }>,
  user: string,
  method: string,
  res: ServerResponse,
): void {
  const verb = verbOf(method, route.node, false);
  if (verb !== 'get' || !deps.allowedSubresources.has('nodes/proxy')) {
    throw forbidden(user, verb, route.resource, undefined, route.node, 'proxy');
  }
  if (deps.store.get('nodes', '', route.node) === undefined) throw objectNotFound(route.resource, route.node);
  if (route.path.length !== 1 || route.path[0] !== 'configz') {
    throw new ApiStatusError(404, 'NotFound', 'the emulated kubelet serves only /configz');
  }
  const body = deps.kubeletConfigz.get(route.node);
  if (body === undefined) {
    throw new ApiStatusError(
      503,
      'ServiceUnavailable',
      `error trying to reach service: dial tcp ${route.node}:10250: connect: connection refused`,
    );
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `{ key: value }` when the value is set, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
