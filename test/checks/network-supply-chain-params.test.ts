import { describe, expect, it } from 'vitest';
import { imagesRegistriesAllowed } from '../../functions/checks/images/images-registries-allowed.ts';
import { likelyConfigurationName } from '../../functions/checks/lib/credentials.ts';
import { stageOf } from '../../functions/checks/lib/environments.ts';
import {
  allowedBy,
  clusterAccountAndRegion,
  deprecatedRegistry,
  imageSource,
  resolveAllowList,
} from '../../functions/checks/lib/images.ts';
import { namespacesPodSecurityEnforced } from '../../functions/checks/namespaces/namespaces-pod-security-enforced.ts';
import { namespacesProductionSeparated } from '../../functions/checks/namespaces/namespaces-production-separated.ts';
import { networkSensitiveInterfacesNotExposed } from '../../functions/checks/network/network-sensitive-interfaces-not-exposed.ts';
import { secretsNoHardcodedCredentials } from '../../functions/checks/workloads/secrets-no-hardcoded-credentials.ts';
import { evaluate } from '../../functions/core/engine.ts';
import type { CheckParams, ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { REDACTED } from '../../functions/core/redaction.ts';
import { addObject } from '../../functions/core/snapshot.ts';
import { buildSnapshot } from '../helpers/fixtures.ts';

// The fixture runner uses the default parameters; these tests show the network, image and
// namespace checks read their tunables from params, and pin the helpers behind them.

const params = (overrides: Partial<CheckParams>): CheckParams => ({ ...DEFAULT_PARAMS, ...overrides });

function withObjects(...objects: ({ kind: string } & Record<string, unknown>)[]): ClusterSnapshot {
  const snapshot = buildSnapshot();
  for (const object of objects) addObject(snapshot, structuredClone(object));
  return snapshot;
}

function deployment(name: string, image: string, env: { name: string; value: string }[] = []) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, env }] } } },
  };
}

describe('image sources', () => {
  it('resolves Docker Hub names the way the runtimes do', () => {
    expect(imageSource('nginx:1.27').location).toBe('docker.io/library/nginx');
    expect(imageSource('index.docker.io/grafana/grafana:11').location).toBe('docker.io/grafana/grafana');
    expect(imageSource('localhost:5000/app').registry).toBe('localhost:5000');
    expect(
      imageSource(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`).location,
    ).toBe('111122223333.dkr.ecr.eu-west-1.amazonaws.com/web');
  });

  it('works an image out once and shares the frozen answer with every check that asks', () => {
    const image = `registry.example:5000/team/api:2.1@sha256:${'b'.repeat(64)}`;
    const source = imageSource(image);

    expect(imageSource(image)).toBe(source);
    expect(Object.isFrozen(source) && Object.isFrozen(source.reference)).toBe(true);
    expect(source.reference).toEqual({
      registry: 'registry.example:5000',
      repository: 'team/api',
      tag: '2.1',
      digest: `sha256:${'b'.repeat(64)}`,
    });
    expect(imageSource(' nginx ').reference).toEqual({ repository: 'nginx' });
  });

  it("fills the cluster's account and region into the allow-list, and leaves out what it cannot fill", () => {
    const snapshot = buildSnapshot();
    expect(clusterAccountAndRegion(snapshot)).toEqual({ account: '111122223333', region: 'eu-west-1' });
    const resolved = resolveAllowList(['{account}.dkr.ecr.{region}.amazonaws.com'], snapshot);
    expect(resolved.patterns).toEqual(['111122223333.dkr.ecr.eu-west-1.amazonaws.com']);

    const anonymous = { ...snapshot, cluster: { name: 'local' }, eks: {} };
    expect(resolveAllowList(['{account}.dkr.ecr.{region}.amazonaws.com'], anonymous).unresolved).toHaveLength(
      1,
    );
  });

  it('matches hosts and repository paths, not look-alikes', () => {
    const patterns = ['602401143452.dkr.ecr.*.amazonaws.com', 'public.ecr.aws/eks/*'];
    expect(
      allowedBy(imageSource('602401143452.dkr.ecr.ap-south-1.amazonaws.com/eks/coredns:v1'), patterns),
    ).toBe(patterns[0]);
    expect(allowedBy(imageSource('public.ecr.aws/eks/aws-load-balancer-controller:v2'), patterns)).toBe(
      patterns[1],
    );
    expect(allowedBy(imageSource('public.ecr.aws/eksfoo/tool:1'), patterns)).toBeUndefined();
    expect(allowedBy(imageSource('602401143452.dkr.ecr.evil.example/x:1'), patterns)).toBeUndefined();
  });

  it('knows the frozen k8s.gcr.io registry', () => {
    expect(deprecatedRegistry(imageSource('k8s.gcr.io/pause:3.2'))).toBe('registry.k8s.io');
    expect(deprecatedRegistry(imageSource('eu.k8s.gcr.io/pause:3.2'))).toBe('registry.k8s.io');
    expect(deprecatedRegistry(imageSource('registry.k8s.io/pause:3.9'))).toBeUndefined();
  });

  it('allowedRegistries decides which registries pass', () => {
    const snapshot = withObjects(deployment('cache', 'redis:7.4'));
    const status = (p: CheckParams) =>
      imagesRegistriesAllowed
        .evaluate(snapshot, p)
        .filter((o) => o.resource.name === 'cache')
        .map((o) => o.status);
    expect(status(DEFAULT_PARAMS)).toEqual(['fail']);
    expect(
      status(params({ allowedRegistries: [...DEFAULT_PARAMS.allowedRegistries, 'docker.io/library/*'] })),
    ).toEqual(['pass']);
  });
});

describe('sensitive interfaces', () => {
  it('sensitiveInterfaces decides what counts as an admin UI', () => {
    const snapshot = withObjects(
      deployment('console', '111122223333.dkr.ecr.eu-west-1.amazonaws.com/acme/console:1'),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'console', namespace: 'shop' },
        spec: { type: 'NodePort', selector: { app: 'console' }, ports: [{ port: 80, nodePort: 30080 }] },
      },
    );
    const status = (p: CheckParams) =>
      networkSensitiveInterfacesNotExposed
        .evaluate(snapshot, p)
        .filter((o) => o.resource.name === 'console')
        .map((o) => o.status);
    expect(status(DEFAULT_PARAMS)).toEqual(['pass']);
    expect(status(params({ sensitiveInterfaces: ['console'] }))).toEqual(['fail']);
  });
});

describe('stages', () => {
  it('reads whole name parts, non-production words first', () => {
    expect(stageOf('checkout-staging', DEFAULT_PARAMS)).toBe('non-production');
    expect(stageOf('pre-prod', DEFAULT_PARAMS)).toBe('non-production');
    expect(stageOf('payments-prod', DEFAULT_PARAMS)).toBe('production');
    expect(stageOf('prodigy', DEFAULT_PARAMS)).toBe('unknown');
    expect(stageOf('devices', DEFAULT_PARAMS)).toBe('unknown');
  });

  it('productionStages and nonProductionStages are configurable', () => {
    const snapshot = withObjects({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop-acceptance' },
    });
    snapshot.eks.cluster = { ...snapshot.eks.cluster, tags: { environment: 'prd' } };
    const statuses = (p: CheckParams) =>
      namespacesProductionSeparated.evaluate(snapshot, p).map((o) => o.status);
    expect(statuses(DEFAULT_PARAMS)).toEqual(['pass']);
    expect(statuses(params({ nonProductionStages: ['acceptance'] }))).toEqual(['fail']);
    // Without `prd` among the production words the cluster's tag no longer marks production.
    expect(statuses(params({ productionStages: ['live'], nonProductionStages: ['acceptance'] }))).toEqual([
      'pass',
    ]);
  });
});

describe('redacted values', () => {
  it('tells configuration names from credentials', () => {
    expect(likelyConfigurationName('GF_AUTH_ANONYMOUS_ORG_ROLE')).toBe(true);
    expect(likelyConfigurationName('OAUTH_TOKEN_URL')).toBe(true);
    expect(likelyConfigurationName('DB_PASSWORD')).toBe(false);
    expect(likelyConfigurationName('AWS_ACCESS_KEY_ID')).toBe(false);
    // Not sensitive by name: the collector redacted it for its shape, so it is a credential.
    expect(likelyConfigurationName('DATABASE_URL')).toBe(false);
  });

  it('does not report a redacted configuration value as a hard-coded credential', () => {
    const snapshot = withObjects(
      deployment('grafana', 'grafana/grafana:11', [{ name: 'GF_AUTH_ANONYMOUS_ORG_ROLE', value: REDACTED }]),
      deployment('reporting', 'app:1', [{ name: 'DATABASE_URL', value: REDACTED }]),
    );
    const byName = new Map(
      secretsNoHardcodedCredentials
        .evaluate(snapshot, DEFAULT_PARAMS)
        .map((o) => [o.resource.name, o.status]),
    );
    expect(byName.get('grafana')).toBe('pass');
    expect(byName.get('reporting')).toBe('fail');
  });
});

describe('pod security enforcement', () => {
  it('a baseline namespace counts for CIS 4.2.1-4.2.4 only', () => {
    const snapshot = withObjects({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'orders', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    });
    const result = evaluate({
      snapshot,
      checks: [namespacesPodSecurityEnforced],
      policy: { params: DEFAULT_PARAMS, waivers: [], severityOverrides: {} },
      scanId: 'test',
      startedAt: snapshot.collectedAt,
      now: () => snapshot.collectedAt,
    });
    const requirements = (name: string) =>
      result.findings
        .find((f) => f.resource.name === name)
        ?.frameworks.filter((ref) => ref.framework === 'cis-eks-1.8.0')
        .map((ref) => ref.requirement);
    expect(requirements('orders')).toEqual(['4.2.1', '4.2.2', '4.2.3', '4.2.4']);
    expect(requirements('shop')).toEqual(['4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5']);
  });
});
