import type { Check } from '../../core/model.ts';
import { podApparmorProfileNotUnconfined } from './pod-apparmor-profile-not-unconfined.ts';
import { podCapabilitiesRestricted } from './pod-capabilities-restricted.ts';
import { podContainersNotPrivileged } from './pod-containers-not-privileged.ts';
import { podContainersReadOnlyRootFilesystem } from './pod-containers-read-only-root-filesystem.ts';
import { podContainersRunAsNonRoot } from './pod-containers-run-as-non-root.ts';
import { podHostNamespacesNotShared } from './pod-host-namespaces-not-shared.ts';
import { podHostPathVolumesNotUsed } from './pod-host-path-volumes-not-used.ts';
import { podHostPortsNotUsed } from './pod-host-ports-not-used.ts';
import { podImagesPinned } from './pod-images-pinned.ts';
import { podPrivilegeEscalationDisallowed } from './pod-privilege-escalation-disallowed.ts';
import { podProbeHostsNotSet } from './pod-probe-hosts-not-set.ts';
import { podProcMountDefault } from './pod-proc-mount-default.ts';
import { podSeccompProfileSet } from './pod-seccomp-profile-set.ts';
import { podSecretsNotInEnv } from './pod-secrets-not-in-env.ts';
import { podSelinuxOptionsRestricted } from './pod-selinux-options-restricted.ts';
import { podSysctlsSafe } from './pod-sysctls-safe.ts';
import { podVolumeTypesRestricted } from './pod-volume-types-restricted.ts';
import { podWindowsHostProcessDisabled } from './pod-windows-host-process-disabled.ts';

/** Pod security checks, in report order. */
export const POD_CHECKS: readonly Check[] = [
  podContainersNotPrivileged,
  podHostNamespacesNotShared,
  podPrivilegeEscalationDisallowed,
  podContainersRunAsNonRoot,
  podCapabilitiesRestricted,
  podHostPathVolumesNotUsed,
  podHostPortsNotUsed,
  podSeccompProfileSet,
  podImagesPinned,
  podSecretsNotInEnv,
  podContainersReadOnlyRootFilesystem,
  // Pod Security Standards controls added with the complete catalog (baseline, then restricted).
  podWindowsHostProcessDisabled,
  podProbeHostsNotSet,
  podApparmorProfileNotUnconfined,
  podSelinuxOptionsRestricted,
  podProcMountDefault,
  podSysctlsSafe,
  podVolumeTypesRestricted,
];
