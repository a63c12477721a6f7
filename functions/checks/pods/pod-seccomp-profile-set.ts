import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import {
  atLeast,
  containerLabel,
  failure,
  isWindowsPod,
  outcomesOf,
  POD_SECURITY_KINDS,
  PSA_SINCE,
  policyVersions,
  requirementEvidence,
  type SeccompViolation,
  seccompViolations,
  windowsExempt,
} from '../lib/pod-security.ts';
import { workloads } from '../lib/workloads.ts';

const BASELINE: FrameworkRef = { framework: 'pss-baseline', requirement: 'seccompProfile_baseline' };
const RESTRICTED: FrameworkRef = { framework: 'pss-restricted', requirement: 'seccompProfile_restricted' };
const FRAMEWORKS: readonly FrameworkRef[] = [
  BASELINE,
  RESTRICTED,
  { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
  { framework: 'eks-best-practices', requirement: 'pod-security' },
];
/** A missing profile breaks only the restricted rule: it must not count against the baseline. */
const RESTRICTED_ONLY = FRAMEWORKS.filter((ref) => ref !== BASELINE);
/** An Unconfined profile where the restricted rule does not apply (Windows pods, policy before v1.19). */
const BASELINE_ONLY = FRAMEWORKS.filter((ref) => ref !== RESTRICTED);

const shown = (type: string) => (type === '' ? 'a profile without a type' : `type ${type}`);

function message(violation: SeccompViolation): string {
  switch (violation.kind) {
    case 'pod-disallowed':
      return (
        `the pod sets seccomp profile ${shown(violation.type)}, turning off the syscall filter for every ` +
        'container that does not set its own'
      );
    case 'container-disallowed':
      return `${containerLabel(violation.container)} sets seccomp profile ${shown(violation.type)}, turning off the syscall filter`;
    case 'unset':
      return (
        `neither ${containerLabel(violation.container)} nor the pod sets a RuntimeDefault or Localhost ` +
        'seccomp profile'
      );
    case 'annotation-disallowed':
      return `annotation ${violation.annotation} asks for seccomp profile "${violation.type}", turning off the syscall filter`;
  }
}

/**
 * Seccomp filters the syscalls a container can make. PSS baseline `seccompProfile_baseline`
 * (no explicit Unconfined) and restricted `seccompProfile_restricted` (RuntimeDefault or
 * Localhost on the pod or every container), at the namespace's policy version: the alpha
 * annotations below v1.19, Windows pods exempt from the restricted rule from v1.25. A missing
 * profile breaks only the restricted requirement; an Unconfined one breaks both.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const podSeccompProfileSet: Check = {
  id: 'pod-seccomp-profile-set',
  title: 'Pods run under the RuntimeDefault or a Localhost seccomp profile',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: FRAMEWORKS,
  reads: POD_SECURITY_KINDS,
  rationale:
    'Seccomp blocks the system calls a container has no use for, and with them a large share of the ' +
    'kernel attack surface that container escapes exploit. Kubernetes runs containers Unconfined unless ' +
    "the pod or the container asks for a profile, so a pod that sets nothing has no filter at all; the runtime's " +
    'RuntimeDefault profile is a safe choice for nearly every workload.',
  remediation: {
    summary:
      'Set `securityContext.seccompProfile.type: RuntimeDefault` at pod level (or a reviewed Localhost ' +
      'profile), and remove every `Unconfined` profile from pods and containers.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=restricted',
    iac: 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://kubernetes.io/docs/tutorials/security/seccomp/',
    'https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    const versionOf = policyVersions(snapshot);
    for (const workload of workloads(snapshot)) {
      const version = versionOf(workload.resource.namespace);
      const restricted =
        atLeast(version, PSA_SINCE.seccompFields) !== false && !windowsExempt(workload.spec, version);
      const failures = seccompViolations(workload, version).map((violation) =>
        failure(workload, message(violation), {
          path: violation.path,
          evidence: {
            ...('container' in violation ? { container: violation.container.container.name } : {}),
            ...('type' in violation ? { type: violation.type } : {}),
            ...requirementEvidence(violation.kind === 'unset' ? RESTRICTED : BASELINE),
          },
          requirements:
            violation.kind === 'unset' ? RESTRICTED_ONLY : restricted ? FRAMEWORKS : BASELINE_ONLY,
        }),
      );
      const passMessage = isWindowsPod(workload.spec)
        ? 'sets no Unconfined seccomp profile (a Windows pod: seccomp does not apply).'
        : restricted
          ? 'runs every container under a RuntimeDefault or Localhost seccomp profile.'
          : `asks for no Unconfined seccomp profile (policy ${version.text} predates the restricted rule).`;
      outcomes.push(...outcomesOf(workload, failures, passMessage));
    }
    return outcomes;
  },
};
