import { describe, expect, it } from 'vitest';
import {
  dangerousHostPath,
  imagePinning,
  normaliseHostPath,
  parseImageReference,
  runAsRootViolations,
  seccompViolations,
} from '../../functions/checks/lib/pod-security.ts';
import { namespaceDefaultNotUsed } from '../../functions/checks/namespaces/namespace-default-not-used.ts';
import { podCapabilitiesRestricted } from '../../functions/checks/pods/pod-capabilities-restricted.ts';
import { podContainersReadOnlyRootFilesystem } from '../../functions/checks/pods/pod-containers-read-only-root-filesystem.ts';
import { podContainersRunAsNonRoot } from '../../functions/checks/pods/pod-containers-run-as-non-root.ts';
import { podPrivilegeEscalationDisallowed } from '../../functions/checks/pods/pod-privilege-escalation-disallowed.ts';
import { podSeccompProfileSet } from '../../functions/checks/pods/pod-seccomp-profile-set.ts';
import { podSecretsNotInEnv } from '../../functions/checks/pods/pod-secrets-not-in-env.ts';
import type { PodSpec } from '../../functions/core/k8s-types.ts';
import type { Check, ClusterSnapshot, Outcome } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { REDACTED } from '../../functions/core/redaction.ts';
import { addObject, newSnapshot } from '../../functions/core/snapshot.ts';

const DIGEST = 'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

/** A snapshot holding only the given objects (no baseline), for focused assertions. */
function snapshotOf(...objects: Array<{ kind: string } & Record<string, unknown>>): ClusterSnapshot {
  const snapshot = newSnapshot({ name: 'test' }, '2026-01-15T00:00:00.000Z', 'test');
  for (const object of objects) {
    if (!addObject(snapshot, structuredClone(object))) throw new Error(`unreadable kind ${object.kind}`);
  }
  return snapshot;
}

function pod(name: string, spec: PodSpec) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec };
}

function run(check: Check, snapshot: ClusterSnapshot): Outcome[] {
  return check.evaluate(snapshot, DEFAULT_PARAMS);
}

const statuses = (outcomes: Outcome[]) => outcomes.map((o) => `${o.status} ${o.path ?? ''}`.trim());

describe('image references', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['library/nginx:latest', { repository: 'library/nginx', tag: 'latest' }],
    ['registry:5000/app', { registry: 'registry:5000', repository: 'app' }],
    ['registry:5000/team/app:1.0', { registry: 'registry:5000', repository: 'team/app', tag: '1.0' }],
    ['localhost/app:dev', { registry: 'localhost', repository: 'app', tag: 'dev' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    [
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:2.0',
      { registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com', repository: 'web', tag: '2.0' },
    ],
    [`nginx@${DIGEST}`, { repository: 'nginx', digest: DIGEST }],
    [
      `ghcr.io/org/app:1.2@${DIGEST}`,
      { registry: 'ghcr.io', repository: 'org/app', tag: '1.2', digest: DIGEST },
    ],
  ])('parses %s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it.each([
    ['nginx', 'none'],
    ['nginx:', 'none'],
    ['nginx:latest', 'latest'],
    ['nginx:LATEST', 'latest'],
    ['nginx:1.27.3', 'tag'],
    ['registry.internal:5000/team/app', 'none'],
    ['registry.internal:5000/team/app:latest', 'latest'],
    ['registry.internal:5000/team/app:2024.11.3', 'tag'],
    [`nginx@${DIGEST}`, 'digest'],
    [`nginx:latest@${DIGEST}`, 'digest'],
    // A malformed digest pins nothing: sha256 needs exactly 64 lowercase hex characters.
    ['nginx@sha256:4f53cda18c2baa0c', 'none'],
    [`nginx:1.0@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`, 'tag'],
  ])('%s is pinned by %s', (image, pinning) => {
    expect(imagePinning(image)).toBe(pinning);
  });
});

describe('runAsNonRoot / runAsUser, as PSA decides them', () => {
  const reasons = (spec: PodSpec) =>
    runAsRootViolations({ spec, specPath: 'spec' }).map((v) => `${v.reason} ${v.path}`);

  it('containers inherit a pod-level runAsNonRoot: true', () => {
    expect(
      reasons({
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'a' }],
        initContainers: [{ name: 'b', securityContext: {} }],
      }),
    ).toEqual([]);
  });

  it("a container's explicit false wins over the pod's true", () => {
    expect(
      reasons({
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: false } }],
      }),
    ).toEqual(['container-run-as-non-root-false spec.containers[1].securityContext.runAsNonRoot']);
  });

  it('a container with neither pod nor container setting fails, one that sets true passes', () => {
    expect(
      reasons({
        containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }],
        ephemeralContainers: [{ name: 'debug' }],
      }),
    ).toEqual(['run-as-non-root-unset spec.ephemeralContainers[0].securityContext.runAsNonRoot']);
  });

  it("the pod's explicit false fails even when every container sets true", () => {
    expect(
      reasons({
        securityContext: { runAsNonRoot: false },
        containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }],
      }),
    ).toEqual(['pod-run-as-non-root-false spec.securityContext.runAsNonRoot']);
  });

  it('UID 0 fails at either level; a container UID 0 overrides a non-root pod', () => {
    expect(
      reasons({
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsUser: 0 } }],
      }),
    ).toEqual(['container-run-as-user-zero spec.containers[1].securityContext.runAsUser']);
    expect(
      reasons({
        securityContext: { runAsNonRoot: true, runAsUser: 0 },
        containers: [{ name: 'a', securityContext: { runAsUser: 1000 } }],
      }),
    ).toEqual(['pod-run-as-user-zero spec.securityContext.runAsUser']);
  });

  it('pods in a user namespace (hostUsers: false) are exempt', () => {
    expect(
      reasons({ hostUsers: false, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }] }),
    ).toEqual([]);
  });

  it('Windows pods are not exempt (PSA has no Windows exemption for runAsNonRoot)', () => {
    const outcomes = run(
      podContainersRunAsNonRoot,
      snapshotOf(pod('win', { os: { name: 'windows' }, containers: [{ name: 'a' }] })),
    );
    expect(statuses(outcomes)).toEqual(['fail spec.containers[0].securityContext.runAsNonRoot']);
  });
});

describe('seccomp, baseline and restricted', () => {
  const kinds = (spec: PodSpec) =>
    seccompViolations({ spec, specPath: 'spec' }).map((v) => `${v.kind} ${v.path}`);

  it('a valid pod-level profile covers containers that set none', () => {
    expect(
      kinds({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a' }] }),
    ).toEqual([]);
  });

  it('an explicit Unconfined or an empty type is a baseline violation wherever it is set', () => {
    expect(
      kinds({
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'a', securityContext: { seccompProfile: {} } }],
        initContainers: [{ name: 'b', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
      }),
    ).toEqual([
      'container-disallowed spec.containers[0].securityContext.seccompProfile.type',
      'container-disallowed spec.initContainers[0].securityContext.seccompProfile.type',
    ]);
  });

  it('a container inherits nothing from an Unconfined pod profile', () => {
    expect(
      kinds({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a' }] }),
    ).toEqual([
      'pod-disallowed spec.securityContext.seccompProfile.type',
      'unset spec.containers[0].securityContext.seccompProfile.type',
    ]);
  });
});

describe('Windows pods', () => {
  const windows = (spec: Omit<PodSpec, 'os'>) => snapshotOf(pod('win', { os: { name: 'windows' }, ...spec }));

  it('are not applicable to allowPrivilegeEscalation and readOnlyRootFilesystem', () => {
    const snapshot = windows({ containers: [{ name: 'iis' }] });
    expect(statuses(run(podPrivilegeEscalationDisallowed, snapshot))).toEqual(['not_applicable']);
    expect(statuses(run(podContainersReadOnlyRootFilesystem, snapshot))).toEqual(['not_applicable']);
  });

  it('are exempt from the restricted seccomp and capabilities rules only', () => {
    const snapshot = windows({ containers: [{ name: 'iis' }] });
    expect(statuses(run(podSeccompProfileSet, snapshot))).toEqual(['pass']);
    expect(statuses(run(podCapabilitiesRestricted, snapshot))).toEqual(['pass']);

    const adding = windows({
      containers: [{ name: 'iis', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
    });
    expect(statuses(run(podCapabilitiesRestricted, adding))).toEqual([
      'fail spec.containers[0].securityContext.capabilities.add',
    ]);
    const unconfined = windows({
      containers: [{ name: 'iis', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
    });
    expect(statuses(run(podSeccompProfileSet, unconfined))).toEqual([
      'fail spec.containers[0].securityContext.seccompProfile.type',
    ]);
  });

  it('a Linux pod is evaluated as usual', () => {
    const snapshot = snapshotOf(pod('linux', { os: { name: 'linux' }, containers: [{ name: 'a' }] }));
    expect(statuses(run(podPrivilegeEscalationDisallowed, snapshot))).toEqual([
      'fail spec.containers[0].securityContext.allowPrivilegeEscalation',
    ]);
  });
});

describe('capabilities', () => {
  it('reports a baseline and a restricted violation of one container under different paths', () => {
    const snapshot = snapshotOf(
      pod('p', { containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] }),
    );
    const outcomes = run(podCapabilitiesRestricted, snapshot);
    expect(statuses(outcomes)).toEqual([
      'fail spec.containers[0].securityContext.capabilities.add',
      'fail spec.containers[0].securityContext.capabilities.drop',
    ]);
    expect(outcomes.map((o) => o.evidence?.requirement)).toEqual([
      'capabilities_baseline',
      'capabilities_restricted',
    ]);
  });

  it('compares names exactly, as PSA does: lower-case "all" is not ALL', () => {
    const snapshot = snapshotOf(
      pod('p', { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['all'] } } }] }),
    );
    expect(statuses(run(podCapabilitiesRestricted, snapshot))).toEqual([
      'fail spec.containers[0].securityContext.capabilities.drop',
    ]);
  });
});

describe('host paths', () => {
  it.each([
    ['/', true],
    ['/var', true],
    ['/var/run', true],
    ['/var/run/docker.sock', true],
    ['/run/containerd/containerd.sock', true],
    ['//var//lib/kubelet/pods/', true],
    ['/etc/kubernetes', true],
    ['/var/log', false],
    ['/srv/data', false],
    ['/data/../etc', true],
  ])('%s especially dangerous: %s', (path, dangerous) => {
    expect(dangerousHostPath(path) !== undefined).toBe(dangerous);
  });

  it('normalises paths', () => {
    expect(normaliseHostPath('//var/./run/../lib//kubelet/')).toBe('/var/lib/kubelet');
    expect(normaliseHostPath('/..')).toBe('/');
  });
});

describe('secrets in env', () => {
  it('reports a redacted literal without ever carrying the value or the marker', () => {
    const snapshot = snapshotOf(
      pod('p', { containers: [{ name: 'a', env: [{ name: 'API_TOKEN', value: REDACTED }] }] }),
    );
    const outcomes = run(podSecretsNotInEnv, snapshot);
    expect(statuses(outcomes)).toEqual(['fail spec.containers[0].env[0].value']);
    expect(outcomes[0]?.message).toContain('credential-like literal value is set in env var API_TOKEN');
    expect(JSON.stringify(outcomes)).not.toContain(REDACTED);
  });

  it('ignores ordinary literals and ConfigMap references', () => {
    const snapshot = snapshotOf(
      pod('p', {
        containers: [
          {
            name: 'a',
            env: [
              { name: 'MODE', value: 'prod' },
              { name: 'X', valueFrom: { configMapKeyRef: { name: 'c', key: 'x' } } },
            ],
            envFrom: [{ configMapRef: { name: 'c' } }],
          },
        ],
      }),
    );
    expect(statuses(run(podSecretsNotInEnv, snapshot))).toEqual(['pass']);
  });
});

describe('default namespace', () => {
  it('reports a Deployment once, not its ReplicaSet and Pods, and leaves NetworkPolicies alone', () => {
    const template = { spec: { containers: [{ name: 'a', image: 'nginx:1.27' }] } };
    const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, controller: true }];
    const snapshot = snapshotOf(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'hello', namespace: 'default' },
        spec: { template },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'hello-1', namespace: 'default', ownerReferences: owner('Deployment', 'hello') },
        spec: { template },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'hello-1-a',
          namespace: 'default',
          ownerReferences: owner('ReplicaSet', 'hello-1'),
        },
        spec: template.spec,
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'default' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'shop' } },
    );
    const outcomes = run(namespaceDefaultNotUsed, snapshot);
    expect(outcomes.map((o) => `${o.status} ${o.resource.kind}/${o.resource.name}`)).toEqual([
      'fail Deployment/hello',
    ]);
  });
});
