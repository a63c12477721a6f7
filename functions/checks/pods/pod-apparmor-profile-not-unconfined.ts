import type { Check, Outcome } from '../../core/model.ts';
import {
  appArmorAnnotations,
  containerLabel,
  failure,
  isAllowedAppArmorAnnotation,
  isAllowedAppArmorType,
  outcomesOf,
  podMetadataPath,
} from '../lib/pod-security.ts';
import { containersOf, WORKLOAD_KINDS, workloads } from '../lib/workloads.ts';

const shown = (type: string | undefined) => (type ? `"${type}"` : 'a profile without a type');

/**
 * PSS baseline `appArmorProfile`: the `appArmorProfile.type` of the pod and of every container
 * must be RuntimeDefault or Localhost where set, and the deprecated
 * `container.apparmor.security.beta.kubernetes.io/<container>` annotations must be empty,
 * `runtime/default` or `localhost/<profile>`. Unconfined (or anything else) is forbidden.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const podApparmorProfileNotUnconfined: Check = {
  id: 'pod-apparmor-profile-not-unconfined',
  title: 'Pods keep AppArmor confinement (RuntimeDefault or Localhost, never Unconfined)',
  severity: 'medium',
  responsibility: 'customer',
  frameworks: [
    { framework: 'pss-baseline', requirement: 'appArmorProfile' },
    { framework: 'nsa-cisa-1.2', requirement: 'pod-security' },
    { framework: 'eks-best-practices', requirement: 'pod-security' },
  ],
  reads: WORKLOAD_KINDS,
  rationale:
    'On nodes with AppArmor, the container runtime confines every container with its default profile, which ' +
    'blocks writes to /proc and /sys, mounts and other moves container escapes rely on. A pod that asks for ' +
    'Unconfined switches that layer off, leaving only capabilities and seccomp between a compromised process ' +
    'and the kernel.',
  remediation: {
    summary:
      'Remove `appArmorProfile` with type Unconfined from pod and container security contexts (and any ' +
      '`container.apparmor.security.beta.kubernetes.io/*: unconfined` annotation); leave the runtime default ' +
      'or use a reviewed Localhost profile.',
    cli: 'kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline',
    iac: 'spec:\n  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault',
  },
  docs: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tutorials/security/apparmor/',
  ],
  evaluate(snapshot) {
    const outcomes: Outcome[] = [];
    for (const workload of workloads(snapshot)) {
      const failures: Outcome[] = [];
      const podProfile = workload.spec.securityContext?.appArmorProfile;
      if (podProfile && !isAllowedAppArmorType(podProfile.type)) {
        failures.push(
          failure(
            workload,
            `the pod sets AppArmor profile ${shown(podProfile.type)} for every container that sets none`,
            {
              path: `${workload.specPath}.securityContext.appArmorProfile.type`,
              evidence: { type: podProfile.type ?? '' },
            },
          ),
        );
      }
      for (const ref of containersOf(workload)) {
        const profile = ref.container.securityContext?.appArmorProfile;
        if (!profile || isAllowedAppArmorType(profile.type)) continue;
        failures.push(
          failure(workload, `${containerLabel(ref)} sets AppArmor profile ${shown(profile.type)}`, {
            path: `${ref.path}.securityContext.appArmorProfile.type`,
            evidence: { container: ref.container.name, type: profile.type ?? '' },
          }),
        );
      }
      for (const [annotation, value] of appArmorAnnotations(workload.podAnnotations)) {
        if (isAllowedAppArmorAnnotation(value)) continue;
        failures.push(
          failure(workload, `annotation ${annotation} asks for AppArmor profile "${value}"`, {
            path: `${podMetadataPath(workload)}.annotations['${annotation}']`,
            evidence: { annotation, value },
          }),
        );
      }
      outcomes.push(...outcomesOf(workload, failures, 'keeps every container under an AppArmor profile.'));
    }
    return outcomes;
  },
};
