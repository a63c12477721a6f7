import { apiGroup, apiGroupList, apiResourceList, findResource, type ServedResource } from './discovery.ts';

/**
 * Turns a request path into what it asks for, following the API server's URL layout:
 * `/api/v1/...` for the core group, `/apis/{group}/{version}/...` for the others, then
 * `[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]`.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
 */
export type Route =
  | { type: 'public'; body: unknown; contentType: 'json' | 'text' }
  | { type: 'discovery'; body: unknown }
  | {
      type: 'resource';
      resource: ServedResource;
      /** Set for namespaced requests (and, as in Kubernetes, for `namespaces/{name}`). */
      namespace: string | undefined;
      name: string | undefined;
      subresource: string | undefined;
    }
  /** `nodes/{name}/proxy/{path…}`: a request passed on to the node's kubelet. */
  | { type: 'nodeProxy'; resource: ServedResource; node: string; path: readonly string[] }
  | { type: 'notFound' };

const NOT_FOUND: Route = { type: 'notFound' };

/** Subresources that exist somewhere in Kubernetes; any other name is a 404, not a 403. */
const KNOWN_SUBRESOURCES = new Set([
  'status',
  'scale',
  'log',
  'exec',
  'attach',
  'portforward',
  'proxy',
  'eviction',
  'binding',
  'ephemeralcontainers',
  'resize',
  'token',
  'finalize',
]);

/** What `/version` reports: an EKS-looking server, new enough for every client we test. */
export const SERVER_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-eks-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Paths EKS answers without authentication (bound to system:unauthenticated). */
export function publicRoute(segments: readonly string[]): Route | undefined {
  const [first] = segments;
  if (first === 'version' && segments.length === 1) {
    return { type: 'public', body: SERVER_VERSION, contentType: 'json' };
  }
  if ((first === 'healthz' || first === 'readyz' || first === 'livez') && segments.length <= 2) {
    return { type: 'public', body: 'ok', contentType: 'text' };
  }
  return undefined;
}

/** Splits a path into decoded segments; undefined when a segment is not valid percent-encoding. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/** `apiVersions` is the `/api` document, which names the server's own address. */
export function resolveRoute(segments: readonly string[], apiVersions: unknown): Route {
  const [root, ...rest] = segments;
  if (root === 'api') {
    if (rest.length === 0) return { type: 'discovery', body: apiVersions };
    const [version, ...tail] = rest;
    return version === undefined ? NOT_FOUND : resourceRoute('', version, tail);
  }
  if (root === 'apis') {
    if (rest.length === 0) return { type: 'discovery', body: apiGroupList() };
    const [group, version, ...tail] = rest;
    if (group === undefined) return NOT_FOUND;
    if (version === undefined) {
      const document = apiGroup(group);
      return document === undefined ? NOT_FOUND : { type: 'discovery', body: document };
    }
    return resourceRoute(group, version, tail);
  }
  return NOT_FOUND;
}

function resourceRoute(group: string, version: string, tail: readonly string[]): Route {
  if (tail.length === 0) {
    const document = apiResourceList(group, version);
    return document === undefined ? NOT_FOUND : { type: 'discovery', body: document };
  }
  const [first, second, third, fourth, ...more] = tail;
  if (first === undefined) return NOT_FOUND;

  // The node proxy takes a path of its own after `proxy`, handed to the kubelet.
  if (group === '' && version === 'v1' && first === 'nodes' && second !== undefined && third === 'proxy') {
    const resource = findResource(group, version, first);
    if (resource === undefined) return NOT_FOUND;
    return {
      type: 'nodeProxy',
      resource,
      node: second,
      path: [fourth, ...more].filter((part): part is string => part !== undefined),
    };
  }

  // namespaces/{ns}/{resource}[/{name}[/{subresource}]] — unless {resource} is not a
  // resource at all, in which case it is a subresource of the namespace (status, finalize).
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const resource = findResource(group, version, third);
    if (resource !== undefined) {
      const subresource = more[0];
      if (!resource.namespaced || more.length > 1) return NOT_FOUND;
      if (subresource !== undefined && !KNOWN_SUBRESOURCES.has(subresource)) return NOT_FOUND;
      return { type: 'resource', resource, namespace: second, name: fourth, subresource };
    }
  }

  const resource = findResource(group, version, first);
  if (resource === undefined) return NOT_FOUND;
  if (second === undefined) {
    return { type: 'resource', resource, namespace: undefined, name: undefined, subresource: undefined };
  }
  // A namespaced resource has no `{resource}/{name}` form outside a namespace.
  if (resource.namespaced || fourth !== undefined || more.length > 0) return NOT_FOUND;
  if (third !== undefined && !KNOWN_SUBRESOURCES.has(third)) return NOT_FOUND;
  return {
    type: 'resource',
    resource,
    namespace: resource.resource === 'namespaces' ? second : undefined,
    name: second,
    subresource: third,
  };
}
