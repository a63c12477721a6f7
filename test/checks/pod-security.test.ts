import { describe, expect, it } from 'vitest';
import {
  atLeast,
  dangerousHostPath,
  handlerHosts,
  imagePinning,
  normaliseHostPath,
  type PolicyVersion,
  parseImageReference,
  policyVersions,
  resolvePolicyVersion,
  runAsRootViolations,
  seccompViolations,
  seLinuxTypeAllowedSince,
  sysctlAllowedSince,
  versionRange,
  volumeSources,
} from '../../functions/checks/lib/pod-security.ts';
import { namespaceDefaultNotUsed } from '../../functions/checks/namespaces/namespace-default-not-used.ts';
import { podCapabilitiesRestricted } from '../../functions/checks/pods/pod-capabilities-restricted.ts';
import { podContainersNotPrivileged } from '../../functions/checks/pods/pod-containers-not-privileged.ts';
import { podContainersReadOnlyRootFilesystem } from '../../functions/checks/pods/pod-containers-read-only-root-filesystem.ts';
import { podContainersRunAsNonRoot } from '../../functions/checks/pods/pod-containers-run-as-non-root.ts';
import { podHostNamespacesNotShared } from '../../functions/checks/pods/pod-host-namespaces-not-shared.ts';
import { podPrivilegeEscalationDisallowed } from '../../functions/checks/pods/pod-privilege-escalation-disallowed.ts';
import { podProbeHostsNotSet } from '../../functions/checks/pods/pod-probe-hosts-not-set.ts';
import { podProcMountDefault } from '../../functions/checks/pods/pod-proc-mount-default.ts';
import { podSeccompProfileSet } from '../../functions/checks/pods/pod-seccomp-profile-set.ts';
import { podSecretsNotInEnv } from '../../functions/checks/pods/pod-secrets-not-in-env.ts';
import { podSelinuxOptionsRestricted } from '../../functions/checks/pods/pod-selinux-options-restricted.ts';
import { podSysctlsSafe } from '../../functions/checks/pods/pod-sysctls-safe.ts';
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

// ---------------------------------------------------------------------------------------------
// Policy versions and the variants PSA evaluates

const version = (minor: number): PolicyVersion => ({ min: minor, max: minor, text: `v1.${minor}` });

/** A snapshot of one namespace (optionally pinned) on a cluster of the given version. */
function versioned(
  clusterVersion: string | undefined,
  label: string | undefined,
  spec: PodSpec,
): ClusterSnapshot {
  const snapshot = snapshotOf(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'shop',
        labels: label ? { 'pod-security.kubernetes.io/enforce-version': label } : {},
      },
    },
    pod('p', spec),
  );
  if (clusterVersion) snapshot.eks = { cluster: { version: clusterVersion } };
  return snapshot;
}

describe('policy version of a namespace', () => {
  it.each([
    [undefined, '1.33', 33, 33],
    ['latest', '1.33', 33, 33],
    ['v1.30', '1.33', 30, 30],
    // PSA on a 1.33 API server knows no newer variant than its own.
    ['v1.35', '1.33', 33, 33],
    // Not PSA's grammar: evaluated as latest.
    ['1.30', '1.33', 33, 33],
    ['v1.030', '1.33', 33, 33],
    ['v2.0', '1.33', 33, 33],
    // Without the cluster's version, latest is anything from the oldest EKS version on.
    [undefined, undefined, 25, Number.POSITIVE_INFINITY],
    ['v1.31', undefined, 25, 31],
    ['v1.20', undefined, 20, 20],
    ['v1.0', undefined, 0, 0],
    [undefined, 'v1.34.2-eks-1234', 34, 34],
  ])('label %s on cluster %s → v1.%s to v1.%s', (label, cluster, min, max) => {
    const resolved = resolvePolicyVersion(label, cluster);
    expect([resolved.min, resolved.max]).toEqual([min, max]);
  });

  it('says where the version comes from', () => {
    expect(resolvePolicyVersion(undefined, '1.33').text).toBe("latest (v1.33, the cluster's version)");
    expect(resolvePolicyVersion('v1.35', '1.33').text).toBe(
      "v1.35 (namespace label, evaluated as the cluster's v1.33)",
    );
    expect(resolvePolicyVersion('1.30', '1.33').text).toContain('not a version');
    expect(versionRange(resolvePolicyVersion(undefined, undefined))).toBe('v1.25 or later');
    expect(versionRange(resolvePolicyVersion('v1.31', undefined))).toBe('v1.25 to v1.31');
  });

  it('answers at-least questions in three ways', () => {
    expect(atLeast(version(34), 34)).toBe(true);
    expect(atLeast(version(33), 34)).toBe(false);
    expect(atLeast({ min: 25, max: Number.POSITIVE_INFINITY, text: '' }, 34)).toBeUndefined();
    expect(atLeast({ min: 25, max: Number.POSITIVE_INFINITY, text: '' }, 25)).toBe(true);
  });

  it("reads the enforce-version label of the pod's namespace; unknown namespaces are latest", () => {
    const snapshot = versioned('1.33', 'v1.29', { containers: [] });
    const versionOf = policyVersions(snapshot);
    expect(versionOf('shop').min).toBe(29);
    expect(versionOf('elsewhere').min).toBe(33);
  });
});

describe('version tables', () => {
  it.each([
    ['kernel.shm_rmid_forced', 0],
    ['net.ipv4.ip_unprivileged_port_start', 0],
    ['net.ipv4.ip_local_reserved_ports', 27],
    ['net.ipv4.tcp_keepalive_time', 29],
    ['net.ipv4.tcp_keepalive_probes', 29],
    ['net.ipv4.tcp_wmem', 32],
    ['net.ipv4.tcp_notsent_lowat', 37],
    ['kernel.msgmax', undefined],
    ['net.core.somaxconn', undefined],
    // PSA compares names exactly: the slash spelling the kernel accepts is not in the set.
    ['net/ipv4/tcp_syncookies', undefined],
  ])('sysctl %s is safe from v1.%s', (name, since) => {
    expect(sysctlAllowedSince(name)).toBe(since);
  });

  it.each([
    ['', 0],
    ['container_t', 0],
    ['container_kvm_t', 0],
    ['container_engine_t', 31],
    ['spc_t', undefined],
    ['unconfined_t', undefined],
  ])('SELinux type "%s" is allowed from v1.%s', (type, since) => {
    expect(seLinuxTypeAllowedSince(type)).toBe(since);
  });

  it('reads hosts of probe and hook handlers, ignoring empty ones', () => {
    expect(handlerHosts({ httpGet: { host: '10.0.0.1', port: 80 }, tcpSocket: { host: '' } })).toEqual([
      { field: 'httpGet', host: '10.0.0.1' },
    ]);
    expect(handlerHosts({ exec: { command: ['true'] } })).toEqual([]);
    expect(handlerHosts(undefined)).toEqual([]);
  });

  it('lists the sources a volume sets', () => {
    expect(volumeSources({ name: 'a', nfs: { server: 'x' } } as never)).toEqual(['nfs']);
    expect(volumeSources({ name: 'a' })).toEqual([]);
  });
});

describe('version-dependent variants, as PSA picks them', () => {
  const userNamespacePod: PodSpec = {
    hostUsers: false,
    containers: [{ name: 'a', securityContext: { runAsUser: 0 } }],
  };

  it('relaxes runAsNonRoot/runAsUser for user-namespace pods only from v1.35', () => {
    expect(runAsRootViolations({ spec: userNamespacePod, specPath: 'spec' }, version(35))).toEqual([]);
    expect(
      runAsRootViolations({ spec: userNamespacePod, specPath: 'spec' }, version(34)).map(
        (v) => v.requirement,
      ),
    ).toEqual(['runAsNonRoot', 'runAsUser']);
    const unknown = runAsRootViolations(
      { spec: userNamespacePod, specPath: 'spec' },
      { min: 25, max: Number.POSITIVE_INFINITY, text: 'latest' },
    );
    expect(unknown.every((v) => v.undetermined)).toBe(true);
    expect(
      statuses(run(podContainersRunAsNonRoot, versioned(undefined, undefined, userNamespacePod))),
    ).toEqual([
      'not_evaluated spec.containers[0].securityContext.runAsNonRoot',
      'not_evaluated spec.containers[0].securityContext.runAsUser',
    ]);
  });

  it('checks runAsUser only from v1.23', () => {
    const spec: PodSpec = {
      securityContext: { runAsNonRoot: true, runAsUser: 0 },
      containers: [{ name: 'a' }],
    };
    expect(runAsRootViolations({ spec, specPath: 'spec' }, version(22))).toEqual([]);
    expect(runAsRootViolations({ spec, specPath: 'spec' }, version(23))).toHaveLength(1);
  });

  it('reads the alpha seccomp annotations below v1.19, the fields from v1.19', () => {
    const workload = {
      spec: { containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }] },
      specPath: 'spec.template.spec',
      podAnnotations: {
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/a': 'localhost/profile.json',
      },
    };
    expect(seccompViolations(workload, version(18)).map((v) => `${v.kind} ${v.path}`)).toEqual([
      "annotation-disallowed spec.template.metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']",
    ]);
    expect(seccompViolations(workload, version(19)).map((v) => v.kind)).toEqual(['container-disallowed']);
  });

  it('exempts Windows pods from the Linux-only restricted rules only from v1.25', () => {
    const windows: PodSpec = { os: { name: 'windows' }, containers: [{ name: 'iis' }] };
    expect(statuses(run(podPrivilegeEscalationDisallowed, versioned('1.33', 'v1.24', windows)))).toEqual([
      'fail spec.containers[0].securityContext.allowPrivilegeEscalation',
    ]);
    expect(statuses(run(podPrivilegeEscalationDisallowed, versioned('1.33', 'v1.25', windows)))).toEqual([
      'not_applicable',
    ]);
    expect(statuses(run(podCapabilitiesRestricted, versioned('1.33', 'v1.24', windows)))).toEqual([
      'fail spec.containers[0].securityContext.capabilities.drop',
    ]);
    expect(statuses(run(podSeccompProfileSet, versioned('1.33', 'v1.24', windows)))).toEqual([
      'fail spec.containers[0].securityContext.seccompProfile.type',
    ]);
  });

  it('has no allowPrivilegeEscalation rule before v1.8 and no restricted capabilities rule before v1.22', () => {
    const spec: PodSpec = { containers: [{ name: 'a' }] };
    expect(statuses(run(podPrivilegeEscalationDisallowed, versioned('1.33', 'v1.7', spec)))).toEqual([
      'not_applicable',
    ]);
    expect(statuses(run(podCapabilitiesRestricted, versioned('1.33', 'v1.21', spec)))).toEqual(['pass']);
  });

  it('judges probe hosts from v1.34, and cannot tell without the version', () => {
    const spec: PodSpec = {
      containers: [{ name: 'a', readinessProbe: { httpGet: { port: 80, host: 'x' } } }],
    };
    expect(statuses(run(podProbeHostsNotSet, versioned('1.34', undefined, spec)))).toEqual([
      'fail spec.containers[0].readinessProbe.httpGet.host',
    ]);
    expect(statuses(run(podProbeHostsNotSet, versioned('1.35', 'v1.33', spec)))).toEqual(['not_applicable']);
    expect(statuses(run(podProbeHostsNotSet, versioned(undefined, undefined, spec)))).toEqual([
      'not_evaluated spec.containers[0].readinessProbe.httpGet.host',
    ]);
    expect(
      statuses(run(podProbeHostsNotSet, versioned(undefined, undefined, { containers: [{ name: 'a' }] }))),
    ).toEqual(['pass']);
  });

  it('allows newer safe sysctls and SELinux types only from their version', () => {
    const sysctl: PodSpec = {
      securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096' }] },
      containers: [],
    };
    expect(statuses(run(podSysctlsSafe, versioned('1.32', undefined, sysctl)))).toEqual(['pass']);
    expect(statuses(run(podSysctlsSafe, versioned('1.31', undefined, sysctl)))).toEqual([
      'fail spec.securityContext.sysctls[0].name',
    ]);
    expect(statuses(run(podSysctlsSafe, versioned(undefined, undefined, sysctl)))).toEqual([
      'not_evaluated spec.securityContext.sysctls[0].name',
    ]);
    const engine: PodSpec = {
      containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }],
    };
    expect(statuses(run(podSelinuxOptionsRestricted, versioned('1.31', undefined, engine)))).toEqual([
      'pass',
    ]);
    expect(statuses(run(podSelinuxOptionsRestricted, versioned('1.30', undefined, engine)))).toEqual([
      'fail spec.containers[0].securityContext.seLinuxOptions.type',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Requirements per finding: a restricted-only failure must not count against pss-baseline.

const requirementsOf = (outcome: Outcome | undefined) =>
  (outcome?.requirements ?? []).map((ref) => `${ref.framework}:${ref.requirement}`);

describe('requirements per finding', () => {
  it('capabilities: an added SYS_ADMIN breaks both levels, a missing drop ALL only restricted', () => {
    const snapshot = snapshotOf(
      pod('p', { containers: [{ name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }),
    );
    const [added, dropped] = run(podCapabilitiesRestricted, snapshot);
    expect(requirementsOf(added)).toEqual([
      'pss-baseline:capabilities_baseline',
      'pss-restricted:capabilities_restricted',
      'nsa-cisa-1.2:pod-security',
      'eks-best-practices:pod-security',
    ]);
    expect(requirementsOf(dropped)).toEqual([
      'pss-restricted:capabilities_restricted',
      'nsa-cisa-1.2:pod-security',
      'eks-best-practices:pod-security',
    ]);
  });

  it('capabilities: a Windows pod breaks only the baseline rule', () => {
    const snapshot = snapshotOf(
      pod('w', {
        os: { name: 'windows' },
        containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      }),
    );
    expect(requirementsOf(run(podCapabilitiesRestricted, snapshot)[0])).toEqual([
      'pss-baseline:capabilities_baseline',
      'nsa-cisa-1.2:pod-security',
      'eks-best-practices:pod-security',
    ]);
  });

  it('seccomp: an unset profile is restricted-only, an Unconfined one breaks both', () => {
    const snapshot = snapshotOf(
      pod('p', {
        containers: [
          { name: 'a' },
          { name: 'b', securityContext: { seccompProfile: { type: 'Unconfined' } } },
        ],
      }),
    );
    const [unset, unconfined] = run(podSeccompProfileSet, snapshot);
    expect(requirementsOf(unset)).not.toContain('pss-baseline:seccompProfile_baseline');
    expect(requirementsOf(unset)).toContain('pss-restricted:seccompProfile_restricted');
    expect(requirementsOf(unconfined)).toContain('pss-baseline:seccompProfile_baseline');
    expect(requirementsOf(unconfined)).toContain('pss-restricted:seccompProfile_restricted');
  });

  it('runAsNonRoot and runAsUser findings name only their own PSA check', () => {
    const snapshot = snapshotOf(pod('p', { containers: [{ name: 'a', securityContext: { runAsUser: 0 } }] }));
    const outcomes = run(podContainersRunAsNonRoot, snapshot);
    expect(outcomes.map((o) => requirementsOf(o).filter((r) => r.startsWith('pss')))).toEqual([
      ['pss-restricted:runAsNonRoot'],
      ['pss-restricted:runAsUser'],
    ]);
  });

  it('host namespaces: hostPID breaks CIS 4.2.2 only', () => {
    const snapshot = snapshotOf(pod('p', { hostPID: true, containers: [{ name: 'a' }] }));
    expect(
      requirementsOf(run(podHostNamespacesNotShared, snapshot)[0]).filter((r) => r.startsWith('cis')),
    ).toEqual(['cis-eks-1.8.0:4.2.2']);
  });

  it('procMount: the requirement broken follows the version and the user namespace', () => {
    const unmasked = (hostUsers?: boolean): PodSpec => ({
      ...(hostUsers === undefined ? {} : { hostUsers }),
      containers: [{ name: 'a', securityContext: { procMount: 'Unmasked' } }],
    });
    const pss = (snapshot: ClusterSnapshot) =>
      run(podProcMountDefault, snapshot).map((o) =>
        `${o.status} ${requirementsOf(o)
          .filter((r) => r.startsWith('pss'))
          .join(' ')}`.trim(),
      );
    expect(pss(versioned('1.35', undefined, unmasked()))).toEqual([
      'fail pss-baseline:procMount pss-restricted:procMount_restricted',
    ]);
    expect(pss(versioned('1.34', undefined, unmasked()))).toEqual(['fail pss-baseline:procMount']);
    expect(pss(versioned('1.35', undefined, unmasked(false)))).toEqual([
      'fail pss-restricted:procMount_restricted',
    ]);
    expect(pss(versioned('1.34', undefined, unmasked(false)))).toEqual(['fail pss-baseline:procMount']);
    expect(pss(versioned(undefined, undefined, unmasked(false)))).toEqual(['not_evaluated']);
  });

  it('checks that serve one requirement set leave requirements out', () => {
    const snapshot = snapshotOf(
      pod('p', { containers: [{ name: 'a', securityContext: { privileged: true } }] }),
    );
    expect(run(podContainersNotPrivileged, snapshot)[0]?.requirements).toBeUndefined();
  });
});
