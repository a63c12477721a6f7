import type { Check } from '../../core/model.ts';
import { nodeGroupAmiReleaseCurrent } from './node-group-ami-release-current.ts';
import { nodeGroupSshAccessRestricted } from './node-group-ssh-access-restricted.ts';
import { nodeImdsv2Required } from './node-imdsv2-required.ts';
import { nodeKubeconfigFileOwnedByRoot } from './node-kubeconfig-file-owned-by-root.ts';
import { nodeKubeconfigFilePermissionsRestricted } from './node-kubeconfig-file-permissions-restricted.ts';
import { nodeKubeletAnonymousAuthDisabled } from './node-kubelet-anonymous-auth-disabled.ts';
import { nodeKubeletAuthorizationNotAlwaysAllow } from './node-kubelet-authorization-not-always-allow.ts';
import { nodeKubeletClientCaConfigured } from './node-kubelet-client-ca-configured.ts';
import { nodeKubeletClientCertRotationEnabled } from './node-kubelet-client-cert-rotation-enabled.ts';
import { nodeKubeletConfigFileOwnedByRoot } from './node-kubelet-config-file-owned-by-root.ts';
import { nodeKubeletConfigFilePermissionsRestricted } from './node-kubelet-config-file-permissions-restricted.ts';
import { nodeKubeletEventRecordQpsAppropriate } from './node-kubelet-event-record-qps-appropriate.ts';
import { nodeKubeletIptablesUtilChainsEnabled } from './node-kubelet-iptables-util-chains-enabled.ts';
import { nodeKubeletReadOnlyPortDisabled } from './node-kubelet-read-only-port-disabled.ts';
import { nodeKubeletServerCertRotationEnabled } from './node-kubelet-server-cert-rotation-enabled.ts';
import { nodeKubeletStreamingIdleTimeoutSet } from './node-kubelet-streaming-idle-timeout-set.ts';
import { nodeKubeletVersionWithinSkew } from './node-kubelet-version-within-skew.ts';
import { nodePublicIpNotAssigned } from './node-public-ip-not-assigned.ts';

/**
 * Node checks, in report order: the audit-log attestation (CIS 2.1.2), node files (3.1),
 * kubelet configuration (3.2), then versions, AMIs, access and network placement of nodes.
 */
export const NODE_CHECKS: readonly Check[] = [
  nodeKubeconfigFilePermissionsRestricted,
  nodeKubeconfigFileOwnedByRoot,
  nodeKubeletConfigFilePermissionsRestricted,
  nodeKubeletConfigFileOwnedByRoot,
  nodeKubeletAnonymousAuthDisabled,
  nodeKubeletAuthorizationNotAlwaysAllow,
  nodeKubeletClientCaConfigured,
  nodeKubeletReadOnlyPortDisabled,
  nodeKubeletStreamingIdleTimeoutSet,
  nodeKubeletIptablesUtilChainsEnabled,
  nodeKubeletEventRecordQpsAppropriate,
  nodeKubeletClientCertRotationEnabled,
  nodeKubeletServerCertRotationEnabled,
  nodeKubeletVersionWithinSkew,
  nodeGroupAmiReleaseCurrent,
  nodeGroupSshAccessRestricted,
  nodeImdsv2Required,
  nodePublicIpNotAssigned,
];
