/**
 * Where container images come from: the registry and repository of an image reference (the
 * reference grammar itself is parsed in `pod-security.ts`), the registry allow-list with the
 * scanned cluster's account and region filled in, and the registries that no longer receive
 * updates.
 */
import { globMatch } from '../../core/glob.ts';
import { memoised } from '../../core/memo.ts';
import type { Snapshot } from '../../core/model.ts';
import { type ImageReference, parseImageReference } from './pod-security.ts';

/** Docker Hub, under the names the runtimes accept for it. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

export interface ImageSource {
  reference: Readonly<ImageReference>;
  /** Lower-case registry host (with port); `docker.io` when the reference names none. */
  registry: string;
  /** Repository path as the registry knows it: `library/nginx` for Docker Hub's `nginx`. */
  repository: string;
  /** `registry/repository`, what allow-list globs with a `/` are matched against. */
  location: string;
}

/**
 * Resolves the registry the runtime pulls from: a reference without a registry host is on
 * Docker Hub, and a one-part Docker Hub name lives under `library/`. Worked out once per image
 * per process, as `parseImageReference` is.
 */
export const imageSource: (image: string) => Readonly<ImageSource> = memoised(
  (image) => Object.freeze(sourceOf(image)),
  20_000,
);

function sourceOf(image: string): ImageSource {
  const reference = parseImageReference(image);
  const host = reference.registry?.toLowerCase();
  const registry = host === undefined || DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
  const repository =
    registry === DOCKER_HUB && !reference.repository.includes('/')
      ? `library/${reference.repository}`
      : reference.repository;
  return { reference, registry, repository, location: `${registry}/${repository}` };
}

/** The cluster's AWS account and region, from the cluster reference or its ARN. */
export function clusterAccountAndRegion(snapshot: Snapshot): { account?: string; region?: string } {
  const arn = snapshot.cluster.arn ?? snapshot.eks.cluster?.arn ?? '';
  // arn:<partition>:eks:<region>:<account>:cluster/<name>
  const [, , , arnRegion, arnAccount] = arn.split(':');
  const account = snapshot.cluster.accountId ?? (arnAccount || undefined);
  const region = snapshot.cluster.region ?? (arnRegion || undefined);
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

export interface AllowList {
  /** Patterns in effect, with `{account}` and `{region}` filled in. */
  patterns: string[];
  /** Patterns left out because the cluster's account or region is unknown. */
  unresolved: string[];
}

/** The allow-list for one cluster: placeholders filled in from the cluster's ARN. */
export function resolveAllowList(patterns: readonly string[], snapshot: Snapshot): AllowList {
  const { account, region } = clusterAccountAndRegion(snapshot);
  const resolved: AllowList = { patterns: [], unresolved: [] };
  for (const pattern of patterns) {
    if ((pattern.includes('{account}') && !account) || (pattern.includes('{region}') && !region)) {
      resolved.unresolved.push(pattern);
      continue;
    }
    resolved.patterns.push(
      pattern
        .replaceAll('{account}', account ?? '')
        .replaceAll('{region}', region ?? '')
        .toLowerCase(),
    );
  }
  return resolved;
}

/**
 * The first allow-list pattern that admits the image, or undefined. A pattern without `/`
 * names registry hosts; one with `/` is matched against `registry/repository`, so
 * `public.ecr.aws/eks/*` admits `public.ecr.aws/eks/coredns` but not `public.ecr.aws/eksfoo/x`.
 */
export function allowedBy(source: ImageSource, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => patternMatches(pattern, source));
}

function patternMatches(pattern: string, source: ImageSource): boolean {
  return globMatch(pattern, pattern.includes('/') ? source.location : source.registry);
}

/**
 * Registries frozen by their owners: images there get no more security fixes. `k8s.gcr.io`
 * stopped receiving images on 2023-04-03 in favour of `registry.k8s.io`, and the older
 * `gcr.io/google_containers` names redirect to it.
 * https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/
 */
const DEPRECATED_SOURCES: ReadonlyArray<{ pattern: string; replacement: string }> = [
  { pattern: 'k8s.gcr.io', replacement: 'registry.k8s.io' },
  { pattern: '*.k8s.gcr.io', replacement: 'registry.k8s.io' },
  { pattern: 'gcr.io/google_containers/*', replacement: 'registry.k8s.io' },
  { pattern: 'gcr.io/google-containers/*', replacement: 'registry.k8s.io' },
];

/** The replacement registry when the image comes from a frozen one, else undefined. */
export function deprecatedRegistry(source: ImageSource): string | undefined {
  return DEPRECATED_SOURCES.find(({ pattern }) => patternMatches(pattern, source))?.replacement;
}
