import type { Framework, FrameworkRequirement } from '../core/model.ts';

/**
 * Pod Security Standards as Pod Security Admission implements them: one requirement per PSA
 * check, with the PSA check id as the requirement id, evaluated over containers, init
 * containers and ephemeral containers of Pods and of every controller's pod template.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
const PSS_URL = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

function control(id: string, title: string, how: string): FrameworkRequirement {
  return { id, title, evaluation: 'automated', how };
}

export const PSS_BASELINE: Framework = {
  id: 'pss-baseline',
  title: 'Pod Security Standards — Baseline',
  version: 'latest',
  url: `${PSS_URL}#baseline`,
  sections: [
    {
      id: 'baseline',
      title: 'Baseline: no known privilege escalation',
      requirements: [
        control(
          'windowsHostProcess',
          'Windows pods do not run as HostProcess containers',
          'windowsOptions.hostProcess is unset or false at pod and container level.',
        ),
        control(
          'hostNamespaces',
          "Pods do not share the host's network, process or IPC namespaces",
          'hostNetwork, hostPID and hostIPC are unset or false.',
        ),
        control(
          'privileged',
          'Containers do not run privileged',
          'securityContext.privileged is unset or false.',
        ),
        control(
          'capabilities_baseline',
          'Containers add no capability beyond the runtime defaults',
          'capabilities.add lists only the baseline default set.',
        ),
        control('hostPathVolumes', 'Pods mount no hostPath volumes', 'No volume has a hostPath source.'),
        control('hostPorts', 'Containers bind no host ports', 'ports[].hostPort is unset or 0.'),
        control(
          'hostProbesAndHostLifecycle',
          'Probes and lifecycle hooks do not target another host',
          'The host field of httpGet and tcpSocket probes and hooks is empty (policy v1.34 and later).',
        ),
        control(
          'appArmorProfile',
          'AppArmor is not switched off',
          'AppArmor profile fields and annotations are unset, RuntimeDefault or Localhost — never Unconfined.',
        ),
        control(
          'seLinuxOptions',
          'SELinux options stay within the container types',
          'seLinuxOptions.type is a container type; user and role are unset.',
        ),
        control('procMount', 'Containers use the default /proc mount', 'procMount is unset or Default.'),
        control(
          'seccompProfile_baseline',
          'Seccomp is not switched off',
          'seccompProfile.type is never Unconfined at pod or container level.',
        ),
        control(
          'sysctls',
          'Pods set only safe sysctls',
          'securityContext.sysctls names only the sysctls the policy version allows.',
        ),
      ],
    },
  ],
};

export const PSS_RESTRICTED: Framework = {
  id: 'pss-restricted',
  title: 'Pod Security Standards — Restricted',
  version: 'latest',
  url: `${PSS_URL}#restricted`,
  sections: [
    {
      id: 'restricted',
      title: 'Restricted: hardened pods (in addition to Baseline)',
      requirements: [
        control(
          'restrictedVolumes',
          'Pods use only the core volume types',
          'Volumes are configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret.',
        ),
        control(
          'allowPrivilegeEscalation',
          'Containers cannot escalate their privileges',
          'Every container sets allowPrivilegeEscalation to false (Windows pods exempt from v1.25).',
        ),
        control(
          'runAsNonRoot',
          'Containers must run as a non-root user',
          'runAsNonRoot is true at pod level or on every container.',
        ),
        control(
          'runAsUser',
          'Containers do not run as user ID 0',
          'runAsUser is unset or non-zero at pod and container level.',
        ),
        control(
          'seccompProfile_restricted',
          'A seccomp profile confines every container',
          'seccompProfile.type is RuntimeDefault or Localhost at pod level or on every container.',
        ),
        control(
          'capabilities_restricted',
          'Containers drop ALL capabilities and add back at most NET_BIND_SERVICE',
          'capabilities.drop includes ALL; capabilities.add holds nothing but NET_BIND_SERVICE.',
        ),
        control(
          'procMount_restricted',
          'Containers use the default /proc mount, even in a user namespace',
          'procMount is unset or Default whatever hostUsers says (policy v1.35 and later).',
        ),
      ],
    },
  ],
};
