import type { Check, FrameworkRef, Outcome } from '../../core/model.ts';
import { fail } from '../lib/outcomes.ts';
import {
  containerLabel,
  isWindowsPod,
  outcomesOf,
  requirementEvidence,
  type SeccompViolation,
  seccompViolations,
} from '../lib/pod-security.ts';
import { describe, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const BASELINE: FrameworkRef = { framework: 'pss-baseline', requirement: 'seccompProfile_baseline' };
const RESTRICTED: FrameworkRef = { framework: 'pss-restricted', requirement: 'seccompProfile_restricted' };

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
  }
}

/**
 * Seccomp filters the syscalls a container can make. PSS baseline `seccompProfile_baseline`
 * (no explicit Unconfined) and restricted `seccompProfile_restricted` (RuntimeDefault or
 * Localhost on the pod or every container; Windows pods exempt).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const podSeccompProfileSet: Check = {
  id: 'pod-seccomp-profile-set',
  title: 'Pods run under the RuntimeDefault or a Localhost seccomp profile',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    BASELINE,
    RESTRICTED,
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
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
    for (const workload of workloads(snapshot)) {
      const failures = seccompViolations(workload).map((violation) =>
        fail(workload.resource, `${describe(workload.resource)}: ${message(violation)}.`, {
          path: violation.path,
          evidence: {
            ...('container' in violation ? { container: violation.container.container.name } : {}),
            ...('type' in violation ? { type: violation.type } : {}),
            ...requirementEvidence(violation.kind === 'unset' ? RESTRICTED : BASELINE),
          },
        }),
      );
      const passMessage = isWindowsPod(workload.spec)
        ? 'sets no Unconfined seccomp profile (a Windows pod: seccomp does not apply).'
        : 'runs every container under a RuntimeDefault or Localhost seccomp profile.';
      outcomes.push(...outcomesOf(workload, failures, passMessage));
    }
    return outcomes;
  },
};
