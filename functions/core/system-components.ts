import { globMatch } from './glob.ts';
import type { AppliedWaiver, ResourceRef, SystemComponent } from './model.ts';

/** Owner shown for a system component that does not name one. */
export const SYSTEM_COMPONENT_OWNER = 'AWS (EKS add-on)';

/** Waiver id prefix of an exemption: `system-component:aws-node`. */
export const SYSTEM_COMPONENT_PREFIX = 'system-component:';

/**
 * System-component exemptions never expire: they last as long as the component is listed in
 * the policy's `systemComponents`. This is the `expires` an applied exemption carries.
 */
export const NEVER_EXPIRES = 'never';

// Check groups, so each component lists what its function needs in one place.
const PRIVILEGED = 'pod-containers-not-privileged';
const HOST_NAMESPACES = 'pod-host-namespaces-not-shared';
const ESCALATION = 'pod-privilege-escalation-disallowed';
const NON_ROOT = 'pod-containers-run-as-non-root';
const CAPABILITIES = 'pod-capabilities-restricted';
const HOST_PATH = 'pod-host-path-volumes-not-used';
const HOST_PORTS = 'pod-host-ports-not-used';
const SECCOMP = 'pod-seccomp-profile-set';
const READ_ONLY_ROOT = 'pod-containers-read-only-root-filesystem';
// hostPath is not among the restricted standard's volume types: it fails with HOST_PATH.
const VOLUME_TYPES = 'pod-volume-types-restricted';

/** Every pod-security check: what a node agent that owns its node's network or storage needs. */
const ALL_POD_SECURITY = [
  PRIVILEGED,
  HOST_NAMESPACES,
  ESCALATION,
  NON_ROOT,
  CAPABILITIES,
  HOST_PATH,
  VOLUME_TYPES,
  HOST_PORTS,
  SECCOMP,
  READ_ONLY_ROOT,
];

/**
 * EKS and AWS add-ons that need what the pod security checks forbid, with the reason. Their
 * failures of the listed checks are reported as `waived` (with this reason and owner), never
 * dropped; any other check still judges them. Matching is by namespace, kind and name, so a
 * Pod that differs from its add-on's template is reported on its own and is not exempted.
 * Operators replace the list with `systemComponents` in the config (`[]` turns it off).
 * https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html
 */
export const DEFAULT_SYSTEM_COMPONENTS: readonly SystemComponent[] = [
  {
    name: 'aws-node',
    namespace: 'kube-system',
    kind: 'DaemonSet',
    resourceName: 'aws-node',
    checks: [...ALL_POD_SECURITY],
    reason:
      'The Amazon VPC CNI must program the node network: it runs as root in the host network namespace ' +
      'with NET_ADMIN and NET_RAW, a privileged init container and hostPath mounts of the CNI ' +
      'directories; EKS defines and reconciles this pod spec.',
  },
  {
    name: 'kube-proxy',
    namespace: 'kube-system',
    kind: 'DaemonSet',
    resourceName: 'kube-proxy',
    checks: [...ALL_POD_SECURITY],
    reason:
      "kube-proxy must write the node's iptables or IPVS rules for Services: it runs privileged as root in " +
      'the host network namespace with hostPath mounts of the xtables lock and kernel modules; EKS ' +
      'defines and reconciles this pod spec.',
  },
  {
    name: 'coredns',
    namespace: 'kube-system',
    kind: 'Deployment',
    resourceName: 'coredns',
    checks: [NON_ROOT, SECCOMP],
    reason:
      "CoreDNS's pod spec is defined and reconciled by the EKS add-on, which sets neither runAsNonRoot " +
      'nor a seccomp profile; changes made in the cluster are overwritten, so hardening goes through ' +
      'add-on updates.',
  },
  {
    name: 'ebs-csi-node',
    namespace: 'kube-system',
    kind: 'DaemonSet',
    resourceName: 'ebs-csi-node*',
    checks: [
      PRIVILEGED,
      ESCALATION,
      NON_ROOT,
      CAPABILITIES,
      HOST_PATH,
      VOLUME_TYPES,
      SECCOMP,
      READ_ONLY_ROOT,
    ],
    reason:
      'The EBS CSI node plugin must format and mount volumes into pods on the node: it runs privileged ' +
      'as root with hostPath mounts of the kubelet directory and /dev and bidirectional mount propagation.',
  },
  {
    name: 'ebs-csi-controller',
    namespace: 'kube-system',
    kind: 'Deployment',
    resourceName: 'ebs-csi-controller',
    checks: [NON_ROOT, CAPABILITIES, SECCOMP],
    reason:
      "The EBS CSI controller's pod spec is defined and reconciled by the EKS add-on, which does not drop " +
      'every capability or set a seccomp profile; changes made in the cluster are overwritten.',
  },
  {
    name: 'efs-csi-node',
    namespace: 'kube-system',
    kind: 'DaemonSet',
    resourceName: 'efs-csi-node*',
    checks: [...ALL_POD_SECURITY],
    reason:
      'The EFS CSI node plugin must mount NFS volumes into pods on the node: it runs privileged as root ' +
      'in the host network namespace with hostPath mounts of the kubelet directory and its state files.',
  },
  {
    name: 'efs-csi-controller',
    namespace: 'kube-system',
    kind: 'Deployment',
    resourceName: 'efs-csi-controller',
    checks: [PRIVILEGED, HOST_NAMESPACES, ESCALATION, NON_ROOT, CAPABILITIES, HOST_PORTS, SECCOMP],
    reason:
      "The EFS CSI controller's pod spec is defined and reconciled by the EKS add-on, which runs it in the " +
      'host network namespace with elevated privileges; changes made in the cluster are overwritten.',
  },
  {
    name: 'eks-pod-identity-agent',
    namespace: 'kube-system',
    kind: 'DaemonSet',
    resourceName: 'eks-pod-identity-agent',
    checks: [PRIVILEGED, HOST_NAMESPACES, ESCALATION, NON_ROOT, CAPABILITIES, HOST_PORTS, SECCOMP],
    reason:
      'The EKS Pod Identity agent must serve credentials on a link-local address of every node: it runs ' +
      'in the host network namespace, binding its port on the host, with a privileged init container ' +
      'that sets the address up.',
  },
  {
    name: 'aws-guardduty-agent',
    namespace: 'amazon-guardduty',
    kind: 'DaemonSet',
    resourceName: 'aws-guardduty-agent',
    checks: [
      PRIVILEGED,
      HOST_NAMESPACES,
      ESCALATION,
      NON_ROOT,
      CAPABILITIES,
      HOST_PATH,
      VOLUME_TYPES,
      SECCOMP,
    ],
    reason:
      'GuardDuty Runtime Monitoring must observe every process on the node: its agent shares the host PID ' +
      'namespace, loads eBPF programs with elevated capabilities and reads host paths.',
  },
];

export interface ComponentMatch {
  component: SystemComponent;
  waiver: AppliedWaiver;
}

/** The first component exempting `checkId`'s failure on `resource`, with the waiver it applies. */
export function matchSystemComponent(
  components: readonly SystemComponent[],
  checkId: string,
  resource: ResourceRef,
): ComponentMatch | undefined {
  const component = components.find(
    (c) =>
      c.checks.includes(checkId) &&
      c.kind === resource.kind &&
      resource.namespace !== undefined &&
      globMatch(c.namespace, resource.namespace) &&
      globMatch(c.resourceName, resource.name),
  );
  if (!component) return undefined;
  return {
    component,
    waiver: {
      id: `${SYSTEM_COMPONENT_PREFIX}${component.name}`,
      reason: component.reason,
      owner: component.owner ?? SYSTEM_COMPONENT_OWNER,
      expires: NEVER_EXPIRES,
    },
  };
}
