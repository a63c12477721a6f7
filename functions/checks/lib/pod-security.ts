/**
 * Shared logic of the Pod Security Standards checks. Where a rule comes from the Pod Security
 * Standards, it follows the Pod Security Admission code (`k8s.io/pod-security-admission`,
 * `policy/check_*.go`), the implementation the API server enforces, at policy version
 * `latest`: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import type { Container, PodSpec, SeccompProfile } from '../../core/k8s-types.ts';
import type { DeepReadonly, FrameworkRef, Outcome } from '../../core/model.ts';
import { pass } from './outcomes.ts';
import { type ContainerRef, containersOf, describe, type Workload } from './workloads.ts';

type Spec = DeepReadonly<PodSpec>;
type ReadonlyContainer = DeepReadonly<Container>;

/**
 * Pods that declare `spec.os.name: windows`. PSA (policy v1.25+) exempts them from the
 * restricted controls that Linux-only fields implement (allowPrivilegeEscalation,
 * capabilities_restricted, seccompProfile_restricted): the API server rejects those fields on
 * Windows pods, so there is nothing the owner could set.
 */
export function isWindowsPod(spec: Spec): boolean {
  return spec.os?.name === 'windows';
}

/**
 * Pods in their own user namespace (`hostUsers: false`): PSA relaxes runAsNonRoot and
 * runAsUser for them, since UID 0 in the pod maps to an unprivileged UID on the node
 * (KEP-127).
 */
export function usesUserNamespace(spec: Spec): boolean {
  return spec.hostUsers === false;
}

/** A workload the rule does not apply to, e.g. a Windows pod for a Linux-only field. */
export function notApplicable(workload: Workload, reason: string): Outcome {
  return {
    status: 'not_applicable',
    resource: workload.resource,
    message: `${describe(workload.resource)} ${reason}`,
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

/** One pass outcome when nothing offends, else the failures. */
export function outcomesOf(workload: Workload, failures: Outcome[], passMessage: string): Outcome[] {
  if (failures.length > 0) return failures;
  return [pass(workload.resource, `${describe(workload.resource)} ${passMessage}`)];
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
}

/**
 * PSA `runAsNonRoot` and `runAsUser`, field by field: the pod-level `runAsNonRoot: true` is
 * inherited by containers that leave it unset, a container's explicit `false` wins over the
 * pod, an explicit `false` on the pod is a violation even when every container says `true`,
 * and UID 0 is forbidden at either level. Pods with `hostUsers: false` are exempt.
 */
export function runAsRootViolations(workload: Pick<Workload, 'spec' | 'specPath'>): RunAsRootViolation[] {
  const { spec, specPath } = workload;
  if (usesUserNamespace(spec)) return [];
  const violations: RunAsRootViolation[] = [];
  const pod = spec.securityContext;
  if (pod?.runAsNonRoot === false) {
    violations.push({
      reason: 'pod-run-as-non-root-false',
      requirement: 'runAsNonRoot',
      path: `${specPath}.securityContext.runAsNonRoot`,
    });
  }
  if (pod?.runAsUser === 0) {
    violations.push({
      reason: 'pod-run-as-user-zero',
      requirement: 'runAsUser',
      path: `${specPath}.securityContext.runAsUser`,
    });
  }
  const podRunAsNonRoot = pod?.runAsNonRoot === true;
  for (const ref of containersOf(workload)) {
    const context = ref.container.securityContext;
    if (context?.runAsNonRoot === false) {
      violations.push({
        reason: 'container-run-as-non-root-false',
        requirement: 'runAsNonRoot',
        path: `${ref.path}.securityContext.runAsNonRoot`,
        container: ref,
      });
    } else if (context?.runAsNonRoot === undefined && !podRunAsNonRoot) {
      violations.push({
        reason: 'run-as-non-root-unset',
        requirement: 'runAsNonRoot',
        path: `${ref.path}.securityContext.runAsNonRoot`,
        container: ref,
      });
    }
    if (context?.runAsUser === 0) {
      violations.push({
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

// ---------------------------------------------------------------------------------------------
// Seccomp (PSS baseline and restricted)

/** PSA `validSeccomp`: the only profile types either level allows once a type is given. */
export function isAllowedSeccompProfile(profile: DeepReadonly<SeccompProfile>): boolean {
  return profile.type === 'RuntimeDefault' || profile.type === 'Localhost';
}

export type SeccompViolation =
  /** The pod sets a profile other than RuntimeDefault/Localhost (baseline). */
  | { kind: 'pod-disallowed'; path: string; type: string }
  /** A container sets a profile other than RuntimeDefault/Localhost (baseline). */
  | { kind: 'container-disallowed'; path: string; type: string; container: ContainerRef }
  /** Neither the container nor the pod sets an allowed profile (restricted). */
  | { kind: 'unset'; path: string; container: ContainerRef };

/**
 * PSA `seccompProfile_baseline` (an explicit profile must be RuntimeDefault or Localhost) and
 * `seccompProfile_restricted` (every container must end up with one, set on the container
 * or inherited from a valid pod-level profile). Windows pods are exempt from the restricted
 * half only.
 */
export function seccompViolations(workload: Pick<Workload, 'spec' | 'specPath'>): SeccompViolation[] {
  const { spec, specPath } = workload;
  const violations: SeccompViolation[] = [];
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
  const restricted = !isWindowsPod(spec);
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
 * contains `.` or `:` or is `localhost`.
 */
export function parseImageReference(image: string): ImageReference {
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
