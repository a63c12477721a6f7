/**
 * Shared logic of the Pod Security Standards checks. Where a rule comes from the Pod Security
 * Standards, it follows the Pod Security Admission code (`k8s.io/pod-security-admission`,
 * `policy/check_*.go`), the implementation the API server enforces, including the variant PSA
 * picks for the namespace's policy version:
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import type { Container, PodSpec, SeccompProfile } from '../../core/k8s-types.ts';
import { memoised } from '../../core/memo.ts';
import type { DeepReadonly, FrameworkRef, Outcome, Snapshot } from '../../core/model.ts';
import { outcome } from './outcomes.ts';
import {
  type ContainerRef,
  containersOf,
  describeWorkload,
  divergenceEvidence,
  WORKLOAD_KINDS,
  type Workload,
} from './workloads.ts';

type Spec = DeepReadonly<PodSpec>;
type ReadonlyContainer = DeepReadonly<Container>;
type Evidence = Record<string, string | number | boolean | null>;

/**
 * The kinds a Pod Security Standards check reads: every pod spec, and the Namespaces whose
 * `pod-security.kubernetes.io/enforce-version` label selects the policy version.
 */
export const POD_SECURITY_KINDS = [...WORKLOAD_KINDS, 'namespaces'] as const;

// ---------------------------------------------------------------------------------------------
// Policy versions

/**
 * The policy version PSA evaluates a namespace's pods at, as a range of 1.x minor versions
 * (`min` = `max` when it is known). PSA runs each check's newest variant whose minimum
 * version is at most the policy version.
 */
export interface PolicyVersion {
  min: number;
  max: number;
  /** For messages and evidence: `v1.31 (namespace label)`, `latest (v1.33, the cluster's version)`. */
  text: string;
}

/** Evaluates every variant at its newest: for direct calls that name no namespace. */
export const LATEST_POLICY: PolicyVersion = {
  min: Number.POSITIVE_INFINITY,
  max: Number.POSITIVE_INFINITY,
  text: 'latest',
};

/**
 * The oldest Kubernetes minor an EKS cluster can still run: clusters past the end of extended
 * support are upgraded automatically, and 1.24's ended in January 2025
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Used as the
 * lower bound of `latest` when the snapshot lacks the cluster's version, so every version
 * threshold up to 1.25 still decides.
 */
export const OLDEST_EKS_MINOR = 25;

/** The 1.x minor versions at which PSA checks change (`policy/check_*.go`). */
export const PSA_SINCE = {
  /** `allowPrivilegeEscalation` exists from policy v1.8. */
  allowPrivilegeEscalation: 8,
  /** Seccomp checks read the fields from v1.19 (the alpha annotations before); `seccompProfile_restricted` starts. */
  seccompFields: 19,
  /** `capabilities_restricted` exists from v1.22. */
  capabilitiesRestricted: 22,
  /** `runAsUser` exists from v1.23. */
  runAsUser: 23,
  /** Pods with `spec.os.name: windows` are exempt from allowPrivilegeEscalation, capabilities_restricted and seccompProfile_restricted. */
  windowsExemptions: 25,
  /** `container_engine_t` joins the allowed SELinux types. */
  seLinuxContainerEngine: 31,
  /** `hostProbesAndHostLifecycle` exists from v1.34. */
  hostProbesAndHostLifecycle: 34,
  /**
   * Pods in a user namespace (`hostUsers: false`) are exempt from runAsNonRoot, runAsUser and
   * the baseline `procMount`; `procMount_restricted` starts, keeping the strict rule.
   */
  userNamespaces: 35,
} as const;

const VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';
/** PSA's grammar for a version label value (`api.ParseVersion`). */
const VERSION_VALUE = /^v1\.(0|[1-9][0-9]*)$/;

function clusterMinor(version: string | undefined): number | undefined {
  const match = /^v?1\.(\d+)(?:\.|$|-)/.exec(version?.trim() ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The policy version of a namespace from its `enforce-version` label and the cluster's
 * Kubernetes version. `latest` (also what an absent label means under the default admission
 * configuration, and what PSA falls back to for an unparsable label) is the API server's own
 * version; a pinned version newer than the API server is evaluated as the server's, the newest
 * variant it knows.
 */
export function resolvePolicyVersion(
  label: string | undefined,
  clusterVersion: string | undefined,
): PolicyVersion {
  const cluster = clusterMinor(clusterVersion);
  const value = label?.trim();
  const pinned = value !== undefined ? VERSION_VALUE.exec(value) : null;
  if (pinned?.[1] !== undefined) {
    const minor = Number(pinned[1]);
    if (cluster === undefined) {
      // The server runs at least OLDEST_EKS_MINOR; PSA evaluates min(label, server).
      return { min: Math.min(minor, OLDEST_EKS_MINOR), max: minor, text: `v1.${minor} (namespace label)` };
    }
    const effective = Math.min(minor, cluster);
    const capped = minor > cluster ? `, evaluated as the cluster's v1.${cluster}` : '';
    return { min: effective, max: effective, text: `v1.${minor} (namespace label${capped})` };
  }
  const why =
    value === undefined || value === 'latest'
      ? ''
      : `; the label value "${value}" is not a version, so PSA uses latest`;
  if (cluster === undefined) {
    return {
      min: OLDEST_EKS_MINOR,
      max: Number.POSITIVE_INFINITY,
      text: `latest (cluster version unknown${why})`,
    };
  }
  return { min: cluster, max: cluster, text: `latest (v1.${cluster}, the cluster's version${why})` };
}

/**
 * Whether the policy version is at least `1.minor`: undefined when the version is only known
 * as a range that straddles it.
 */
export function atLeast(version: PolicyVersion, minor: number): boolean | undefined {
  if (version.min >= minor) return true;
  if (version.max < minor) return false;
  return undefined;
}

/** `v1.25 to v1.31`, `v1.25 or later`, for messages about an undetermined version. */
export function versionRange(version: PolicyVersion): string {
  if (version.max === Number.POSITIVE_INFINITY) return `v1.${version.min} or later`;
  if (version.min === version.max) return `v1.${version.min}`;
  return `v1.${version.min} to v1.${version.max}`;
}

/**
 * A resolver of namespaces' policy versions over one snapshot: Namespaces are indexed once.
 * A namespace missing from the snapshot counts as unlabelled (`latest`).
 */
export function policyVersions(snapshot: Snapshot): (namespace: string | undefined) => PolicyVersion {
  const labels = new Map<string, string | undefined>();
  for (const namespace of snapshot.k8s.namespaces) {
    labels.set(namespace.metadata.name, namespace.metadata.labels?.[VERSION_LABEL]);
  }
  const clusterVersion = snapshot.eks.cluster?.version;
  const cache = new Map<string, PolicyVersion>();
  return (namespace) => {
    const name = namespace ?? 'default';
    let version = cache.get(name);
    if (!version) {
      version = resolvePolicyVersion(labels.get(name), clusterVersion);
      cache.set(name, version);
    }
    return version;
  };
}

/**
 * Safe sysctls by the policy version that first allows them (`check_sysctls.go`). The
 * v1.37 pair is in PSA's main branch (kubernetes/kubernetes#138389) and applies only on
 * clusters that run it.
 */
const SAFE_SYSCTLS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [
    0,
    [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  ],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [
    29,
    [
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_fin_timeout',
      'net.ipv4.tcp_keepalive_intvl',
      'net.ipv4.tcp_keepalive_probes',
    ],
  ],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

const SYSCTL_SINCE: ReadonlyMap<string, number> = new Map(
  SAFE_SYSCTLS.flatMap(([since, names]) => names.map((name) => [name, since] as const)),
);

/** The policy version from which PSA allows a sysctl, or undefined if it never does. Names compare exactly. */
export function sysctlAllowedSince(name: string): number | undefined {
  return SYSCTL_SINCE.get(name);
}

/** SELinux types the baseline allows, by the policy version that first allows them (`check_seLinuxOptions.go`). */
const SELINUX_TYPE_SINCE: ReadonlyMap<string, number> = new Map([
  ['', 0],
  ['container_t', 0],
  ['container_init_t', 0],
  ['container_kvm_t', 0],
  ['container_engine_t', PSA_SINCE.seLinuxContainerEngine],
]);

/** The policy version from which PSA allows an SELinux type, or undefined if it never does. */
export function seLinuxTypeAllowedSince(type: string): number | undefined {
  return SELINUX_TYPE_SINCE.get(type);
}

/**
 * Whether something PSA allows from policy `since` (or never, when undefined) is allowed at
 * `version`: undefined when the version is not known precisely enough to tell.
 */
export function allowedAt(since: number | undefined, version: PolicyVersion): boolean | undefined {
  return since === undefined ? false : atLeast(version, since);
}

// ---------------------------------------------------------------------------------------------
// Pod shapes

/**
 * Pods that declare `spec.os.name: windows`. PSA (policy v1.25+) exempts them from the
 * restricted controls that Linux-only fields implement (allowPrivilegeEscalation,
 * capabilities_restricted, seccompProfile_restricted): the API server rejects those fields on
 * Windows pods, so there is nothing the owner could set.
 */
export function isWindowsPod(spec: Spec): boolean {
  return spec.os?.name === 'windows';
}

/** Whether PSA applies its Windows exemptions to this pod at this policy version. */
export function windowsExempt(spec: Spec, version: PolicyVersion = LATEST_POLICY): boolean {
  return isWindowsPod(spec) && atLeast(version, PSA_SINCE.windowsExemptions) === true;
}

/**
 * Pods in their own user namespace (`hostUsers: false`): from policy v1.35 PSA relaxes
 * runAsNonRoot, runAsUser and the baseline procMount for them, since UID 0 in the pod maps to
 * an unprivileged UID on the node (KEP-127).
 */
export function usesUserNamespace(spec: Spec): boolean {
  return spec.hostUsers === false;
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/** A workload the rule does not apply to, e.g. a Windows pod for a Linux-only field. */
export function notApplicable(workload: Workload, reason: string): Outcome {
  return {
    status: 'not_applicable',
    resource: workload.resource,
    message: `${describeWorkload(workload)} ${reason}`,
    ...(workload.divergence ? { evidence: divergenceEvidence(workload) } : {}),
  };
}

/**
 * Evidence naming the one framework requirement a finding breaks, for checks that serve
 * several (a finding of a baseline rule does not break the restricted one and vice versa).
 */
export function requirementEvidence(ref: FrameworkRef): { framework: string; requirement: string } {
  return { framework: ref.framework, requirement: ref.requirement };
}

/** `container "web"` / `init container "setup"` / `ephemeral container "debugger"`, for messages. */
export function containerLabel(ref: Pick<ContainerRef, 'container' | 'list'>): string {
  const kind =
    ref.list === 'initContainers'
      ? 'init container'
      : ref.list === 'ephemeralContainers'
        ? 'ephemeral container'
        : 'container';
  return `${kind} "${ref.container.name}"`;
}

export interface FindingOptions {
  path?: string;
  evidence?: Evidence;
  /** The subset of the check's frameworks the finding concerns; absent: all of them. */
  requirements?: readonly FrameworkRef[];
}

function workloadOutcome(
  status: Outcome['status'],
  workload: Workload,
  detail: string,
  options: FindingOptions,
): Outcome {
  const evidence = workload.divergence
    ? { ...divergenceEvidence(workload), ...options.evidence }
    : options.evidence;
  return outcome(status, workload.resource, `${describeWorkload(workload)}: ${detail}.`, {
    path: options.path,
    evidence: evidence !== undefined && Object.keys(evidence).length > 0 ? evidence : undefined,
    requirements: options.requirements?.map((ref) => ({ ...ref })),
  });
}

/** A failed finding about a workload: `<workload>: <detail>.` */
export function failure(workload: Workload, detail: string, options: FindingOptions = {}): Outcome {
  return workloadOutcome('fail', workload, detail, options);
}

/** A finding whose verdict depends on a policy version the snapshot does not pin down. */
export function undetermined(
  workload: Workload,
  detail: string,
  version: PolicyVersion,
  options: FindingOptions = {},
): Outcome {
  return workloadOutcome(
    'not_evaluated',
    workload,
    `${detail}; whether Pod Security Admission allows it depends on the policy version, which is ` +
      `${version.text} and so somewhere in ${versionRange(version)}`,
    { ...options, evidence: { ...options.evidence, policyVersion: version.text } },
  );
}

/**
 * A volume whose source the snapshot does not record. The API server gives every volume a
 * source (emptyDir when none is named), so a volume without one was cut by the collector's
 * projection or comes from a hand-written manifest: its type cannot be told.
 */
export function notEvaluatedVolume(workload: Workload, name: string, path: string): Outcome {
  return workloadOutcome(
    'not_evaluated',
    workload,
    `the snapshot records no source for volume "${name}" (the collector did not keep its type), so ` +
      'whether the restricted standard allows it cannot be told',
    { path, evidence: { volume: name } },
  );
}

/** One pass outcome when nothing offends, else the findings. */
export function outcomesOf(workload: Workload, findings: Outcome[], passMessage: string): Outcome[] {
  if (findings.length > 0) return findings;
  const evidence = divergenceEvidence(workload);
  return [
    {
      status: 'pass',
      resource: workload.resource,
      message: `${describeWorkload(workload)} ${passMessage}`,
      ...(Object.keys(evidence).length > 0 ? { evidence } : {}),
    },
  ];
}

/** Where a workload's pod metadata lives: `metadata` for a Pod, `spec.template.metadata` for a controller. */
export function podMetadataPath(workload: Pick<Workload, 'specPath'>): string {
  return workload.specPath === 'spec' ? 'metadata' : workload.specPath.replace(/\.spec$/, '.metadata');
}

// ---------------------------------------------------------------------------------------------
// runAsNonRoot / runAsUser (PSS restricted)

export type RunAsRootReason =
  /** The pod sets `securityContext.runAsNonRoot: false`. */
  | 'pod-run-as-non-root-false'
  /** A container sets `securityContext.runAsNonRoot: false` (whatever the pod says). */
  | 'container-run-as-non-root-false'
  /** Neither the container nor the pod sets `runAsNonRoot: true`. */
  | 'run-as-non-root-unset'
  /** The pod sets `securityContext.runAsUser: 0`. */
  | 'pod-run-as-user-zero'
  /** A container sets `securityContext.runAsUser: 0` (overriding any pod-level UID). */
  | 'container-run-as-user-zero';

export interface RunAsRootViolation {
  reason: RunAsRootReason;
  /** The PSA check id the violation belongs to. */
  requirement: 'runAsNonRoot' | 'runAsUser';
  /** The offending or missing field. */
  path: string;
  /** The container, unless the violation is at pod level. */
  container?: ContainerRef;
  /**
   * Set when the pod runs in a user namespace and the policy version is not known to be below
   * or from v1.35: PSA would check it below v1.35 and exempt it from v1.35.
   */
  undetermined?: true;
}

/**
 * PSA `runAsNonRoot` and `runAsUser`, field by field: the pod-level `runAsNonRoot: true` is
 * inherited by containers that leave it unset, a container's explicit `false` wins over the
 * pod, an explicit `false` on the pod is a violation even when every container says `true`,
 * and UID 0 is forbidden at either level (`runAsUser` from policy v1.23). From policy v1.35
 * pods with `hostUsers: false` are exempt from both.
 */
export function runAsRootViolations(
  workload: Pick<Workload, 'spec' | 'specPath'>,
  version: PolicyVersion = LATEST_POLICY,
): RunAsRootViolation[] {
  const { spec, specPath } = workload;
  let undetermined = false;
  if (usesUserNamespace(spec)) {
    const relaxed = atLeast(version, PSA_SINCE.userNamespaces);
    if (relaxed === true) return [];
    undetermined = relaxed === undefined;
  }
  const checksUser = atLeast(version, PSA_SINCE.runAsUser) !== false;
  const violations: RunAsRootViolation[] = [];
  const add = (violation: RunAsRootViolation) =>
    violations.push(undetermined ? { ...violation, undetermined: true } : violation);
  const pod = spec.securityContext;
  if (pod?.runAsNonRoot === false) {
    add({
      reason: 'pod-run-as-non-root-false',
      requirement: 'runAsNonRoot',
      path: `${specPath}.securityContext.runAsNonRoot`,
    });
  }
  if (checksUser && pod?.runAsUser === 0) {
    add({
      reason: 'pod-run-as-user-zero',
      requirement: 'runAsUser',
      path: `${specPath}.securityContext.runAsUser`,
    });
  }
  const podRunAsNonRoot = pod?.runAsNonRoot === true;
  for (const ref of containersOf(workload)) {
    const context = ref.container.securityContext;
    if (context?.runAsNonRoot === false) {
      add({
        reason: 'container-run-as-non-root-false',
        requirement: 'runAsNonRoot',
        path: `${ref.path}.securityContext.runAsNonRoot`,
        container: ref,
      });
    } else if (context?.runAsNonRoot === undefined && !podRunAsNonRoot) {
      add({
        reason: 'run-as-non-root-unset',
        requirement: 'runAsNonRoot',
        path: `${ref.path}.securityContext.runAsNonRoot`,
        container: ref,
      });
    }
    if (checksUser && context?.runAsUser === 0) {
      add({
        reason: 'container-run-as-user-zero',
        requirement: 'runAsUser',
        path: `${ref.path}.securityContext.runAsUser`,
        container: ref,
      });
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Capabilities (PSS baseline and restricted)

/**
 * The capabilities a baseline pod may add: the container runtimes' default set, less
 * NET_RAW. PSA `capabilities_baseline`; names are compared exactly, as PSA does.
 */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** The one capability a restricted pod may add back after dropping ALL. */
export const RESTRICTED_ALLOWED_CAPABILITY = 'NET_BIND_SERVICE';

/**
 * Capabilities known to let a container break out to the node (with the right kernel or a
 * shared namespace); named in messages so the worst findings stand out. Runtimes accept the
 * `CAP_` prefix too, so both spellings are recognised here.
 */
const ESCAPE_CAPABILITIES: ReadonlySet<string> = new Set(
  ['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'BPF'].flatMap((name) => [
    name,
    `CAP_${name}`,
  ]),
);

export function isEscapeCapability(name: string): boolean {
  return ESCAPE_CAPABILITIES.has(name.toUpperCase());
}

export interface CapabilityFindings {
  /** Added capabilities outside the baseline set (PSA `capabilities_baseline`). */
  baselineForbidden: string[];
  /** Added capabilities other than NET_BIND_SERVICE (PSA `capabilities_restricted`). */
  restrictedForbidden: string[];
  /** `drop` does not contain `ALL` (PSA `capabilities_restricted`). */
  missingDropAll: boolean;
}

export function capabilityFindings(container: ReadonlyContainer): CapabilityFindings {
  const capabilities = container.securityContext?.capabilities;
  const added = capabilities?.add ?? [];
  return {
    baselineForbidden: added.filter((name) => !BASELINE_ALLOWED_CAPABILITIES.has(name)),
    restrictedForbidden: added.filter((name) => name !== RESTRICTED_ALLOWED_CAPABILITY),
    missingDropAll: !(capabilities?.drop ?? []).includes('ALL'),
  };
}

/**
 * Whether PSA's restricted level applies `capabilities_restricted` to this pod: from policy
 * v1.22, Windows pods exempt from v1.25. Where it applies it overrides `capabilities_baseline`.
 */
export function restrictedCapabilitiesApply(spec: Spec, version: PolicyVersion = LATEST_POLICY): boolean {
  return atLeast(version, PSA_SINCE.capabilitiesRestricted) !== false && !windowsExempt(spec, version);
}

// ---------------------------------------------------------------------------------------------
// Seccomp (PSS baseline and restricted)

/** PSA `validSeccomp`: the only profile types either level allows once a type is given. */
export function isAllowedSeccompProfile(profile: DeepReadonly<SeccompProfile>): boolean {
  return profile.type === 'RuntimeDefault' || profile.type === 'Localhost';
}

/** The alpha seccomp annotations PSA reads below policy v1.19, and the values it allows. */
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

function isAllowedSeccompAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

export type SeccompViolation =
  /** The pod sets a profile other than RuntimeDefault/Localhost (baseline). */
  | { kind: 'pod-disallowed'; path: string; type: string }
  /** A container sets a profile other than RuntimeDefault/Localhost (baseline). */
  | { kind: 'container-disallowed'; path: string; type: string; container: ContainerRef }
  /** Neither the container nor the pod sets an allowed profile (restricted). */
  | { kind: 'unset'; path: string; container: ContainerRef }
  /** Below policy v1.19: an alpha seccomp annotation names a profile PSA does not allow (baseline). */
  | { kind: 'annotation-disallowed'; path: string; type: string; annotation: string };

/**
 * PSA `seccompProfile_baseline` (an explicit profile must be RuntimeDefault or Localhost) and
 * `seccompProfile_restricted` (every container must end up with one, set on the container
 * or inherited from a valid pod-level profile). Below policy v1.19 the baseline reads the
 * alpha annotations instead and the restricted check does not exist; from v1.25 Windows pods
 * are exempt from the restricted check (which then also replaces the baseline one).
 */
export function seccompViolations(
  workload: Pick<Workload, 'spec' | 'specPath'> & Partial<Pick<Workload, 'podAnnotations'>>,
  version: PolicyVersion = LATEST_POLICY,
): SeccompViolation[] {
  const { spec, specPath } = workload;
  const violations: SeccompViolation[] = [];
  if (atLeast(version, PSA_SINCE.seccompFields) === false) {
    const annotations = workload.podAnnotations ?? {};
    const metadataPath = podMetadataPath(workload);
    const check = (annotation: string) => {
      const value = annotations[annotation];
      if (value !== undefined && !isAllowedSeccompAnnotation(value)) {
        violations.push({
          kind: 'annotation-disallowed',
          path: `${metadataPath}.annotations['${annotation}']`,
          type: value,
          annotation,
        });
      }
    };
    check(SECCOMP_POD_ANNOTATION);
    for (const ref of containersOf(workload)) check(`${SECCOMP_CONTAINER_ANNOTATION}${ref.container.name}`);
    return violations;
  }
  const podProfile = spec.securityContext?.seccompProfile;
  let podAllowed = false;
  if (podProfile) {
    if (isAllowedSeccompProfile(podProfile)) podAllowed = true;
    else
      violations.push({
        kind: 'pod-disallowed',
        path: `${specPath}.securityContext.seccompProfile.type`,
        type: podProfile.type ?? '',
      });
  }
  const restricted = !windowsExempt(spec, version);
  for (const ref of containersOf(workload)) {
    const profile = ref.container.securityContext?.seccompProfile;
    const path = `${ref.path}.securityContext.seccompProfile.type`;
    if (profile) {
      if (!isAllowedSeccompProfile(profile))
        violations.push({ kind: 'container-disallowed', path, type: profile.type ?? '', container: ref });
    } else if (!podAllowed && restricted) {
      violations.push({ kind: 'unset', path, container: ref });
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// AppArmor, SELinux, /proc mount, sysctls, Windows HostProcess, probe hosts, volume types

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** PSA `appArmorProfile`: a profile type, where set, must be RuntimeDefault or Localhost. */
export function isAllowedAppArmorType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** PSA `appArmorProfile` for the deprecated annotations: empty, `runtime/default` or `localhost/<profile>`. */
export function isAllowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** The deprecated per-container AppArmor annotations of a pod, as `[key, value]`. */
export function appArmorAnnotations(annotations: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(annotations)
    .filter(([key]) => key.startsWith(APPARMOR_ANNOTATION))
    .sort(([a], [b]) => a.localeCompare(b));
}

/** PSA `procMount`: only the default masks (`Default`, or unset) are allowed. */
export function isDefaultProcMount(procMount: string | undefined): boolean {
  return procMount === undefined || procMount === 'Default';
}

/** The `host` a probe or lifecycle handler names (`httpGet.host`, `tcpSocket.host`), with its field. */
export function handlerHosts(handler: unknown): Array<{ field: 'httpGet' | 'tcpSocket'; host: string }> {
  if (typeof handler !== 'object' || handler === null) return [];
  const found: Array<{ field: 'httpGet' | 'tcpSocket'; host: string }> = [];
  for (const field of ['httpGet', 'tcpSocket'] as const) {
    const action = (handler as Record<string, unknown>)[field];
    if (typeof action !== 'object' || action === null) continue;
    const host = (action as Record<string, unknown>).host;
    if (typeof host === 'string' && host !== '') found.push({ field, host });
  }
  return found;
}

/**
 * The inline volume sources the restricted profile allows (`check_restrictedVolumes.go`);
 * `image` since PSA allowed OCI image volumes (kubernetes/kubernetes#130394, Kubernetes 1.33).
 */
export const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** The source fields a volume sets (every key but `name`). */
export function volumeSources(volume: DeepReadonly<{ name: string }>): string[] {
  return Object.keys(volume)
    .filter((key) => key !== 'name' && (volume as Record<string, unknown>)[key] !== undefined)
    .sort();
}

// ---------------------------------------------------------------------------------------------
// hostPath volumes (PSS baseline)

/**
 * Host paths whose exposure hands a pod the node, with the reason shown in the message.
 * A mount is especially dangerous when it is one of these, lies below one, or contains one
 * (mounting `/var` exposes `/var/run/docker.sock` and `/var/lib/kubelet`).
 */
const SENSITIVE_HOST_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['/var/run/docker.sock', 'the Docker socket gives full control of every container on the node'],
  ['/run/docker.sock', 'the Docker socket gives full control of every container on the node'],
  ['/var/run/containerd', 'the containerd socket gives full control of every container on the node'],
  ['/run/containerd', 'the containerd socket gives full control of every container on the node'],
  ['/var/run/crio', 'the CRI-O socket gives full control of every container on the node'],
  ['/run/crio', 'the CRI-O socket gives full control of every container on the node'],
  ['/var/lib/kubelet', "the kubelet's directory holds every pod's mounted secrets and tokens"],
  ['/var/lib/docker', 'the container runtime state includes every container filesystem'],
  ['/var/lib/containerd', 'the container runtime state includes every container filesystem'],
  ['/etc', 'the node configuration includes kubelet credentials and system files'],
  ['/root', "root's home directory on the node"],
  ['/proc', "the node's process tree and kernel interfaces"],
  ['/sys', "the node's kernel and device interfaces"],
  ['/dev', "the node's devices"],
  ['/boot', "the node's kernel and boot loader"],
];

/** `//var/run/../lib/` → `/var/lib`; relative paths are returned as given. */
export function normaliseHostPath(path: string): string {
  if (!path.startsWith('/')) return path;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

const isWithin = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** Why a host path is especially dangerous, or undefined for an ordinary one. */
export function dangerousHostPath(path: string): string | undefined {
  const normal = normaliseHostPath(path);
  if (normal === '/') return "the node's whole filesystem";
  for (const [sensitive, reason] of SENSITIVE_HOST_PATHS) {
    if (isWithin(normal, sensitive)) return reason;
    if (isWithin(sensitive, normal)) return `it contains ${sensitive}: ${reason}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Image references

export interface ImageReference {
  /** Registry host (with port), when the reference names one. */
  registry?: string;
  /** Repository path without registry, tag or digest. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** OCI digest grammar, with the registered algorithms' exact lengths. */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

function isDigest(value: string): boolean {
  if (!DIGEST.test(value)) return false;
  const [algorithm = '', encoded = ''] = value.split(':');
  const length = DIGEST_LENGTHS[algorithm];
  return length === undefined || (encoded.length === length && /^[a-f0-9]+$/.test(encoded));
}

/**
 * Splits an image reference as the container runtimes read it
 * (https://github.com/distribution/reference): the digest follows `@`; the tag follows the
 * last `:` only if that colon comes after the last `/`, so the `:5000` of
 * `registry:5000/app` is a port, not a tag; the first path component is a registry when it
 * contains `.` or `:` or is `localhost`. Parsed once per image per process (bounded, frozen:
 * every caller shares them): a 150,000-pod cluster names a few thousand images, each parsed by
 * half a dozen checks for every container that runs it.
 */
export const parseImageReference: (image: string) => Readonly<ImageReference> = memoised(
  (image) => Object.freeze(parseReference(image)),
  20_000,
);

function parseReference(image: string): ImageReference {
  let name = image.trim();
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    const candidate = name.slice(at + 1);
    name = name.slice(0, at);
    if (isDigest(candidate)) digest = candidate;
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    const candidate = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (candidate !== '') tag = candidate;
  }
  let registry: string | undefined;
  const slash = name.indexOf('/');
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      name = name.slice(slash + 1);
    }
  }
  return {
    repository: name,
    ...(registry !== undefined ? { registry } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

export type ImagePinning =
  /** Pinned by content digest: immutable. */
  | 'digest'
  /** A specific tag: stable unless someone moves it. */
  | 'tag'
  /** `:latest`, which moves with every push. */
  | 'latest'
  /** No tag and no digest: the runtime pulls `:latest`. */
  | 'none';

export function imagePinning(image: string): ImagePinning {
  const reference = parseImageReference(image);
  if (reference.digest) return 'digest';
  if (reference.tag === undefined) return 'none';
  return reference.tag.toLowerCase() === 'latest' ? 'latest' : 'tag';
}
