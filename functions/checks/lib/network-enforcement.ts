// js-yaml, the parser client-node already brings (see aws-auth.ts).
import { load as parse } from 'js-yaml';
import type { Container, PodController } from '../../core/k8s-types.ts';
import type { DeepReadonly, ResourceRef, Snapshot } from '../../core/model.ts';
import { clusterResource } from './outcomes.ts';

/**
 * Which engine in the cluster can enforce NetworkPolicy objects, and whether it does. The
 * Kubernetes API stores NetworkPolicies whatever the CNI; only a policy engine makes them
 * filter traffic.
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */

export type EngineName = 'VPC CNI network policy agent' | 'EKS Auto Mode' | 'Calico' | 'Cilium';

export interface PolicyEngine {
  name: EngineName;
  resource: ResourceRef;
  /** True when it enforces policies, false when it is installed with enforcement off. */
  enabled: boolean;
  /** What showed it, for messages and evidence. */
  how: string;
  /** Field path of the deciding setting, when there is one. */
  path?: string;
}

/** The VPC CNI without its policy agent: it cannot enforce NetworkPolicies. */
export interface CniWithoutAgent {
  resource: ResourceRef;
  image: string | undefined;
}

export interface NetworkEnforcement {
  engines: PolicyEngine[];
  /** Set when the `aws-node` DaemonSet runs without the `aws-eks-nodeagent` container. */
  cniWithoutAgent: CniWithoutAgent | undefined;
}

const AGENT_CONTAINER = 'aws-eks-nodeagent';
const POLICY_FLAG = '--enable-network-policy';
const VPC_CNI_ADDON = 'vpc-cni';

function daemonSetRef(daemonSet: DeepReadonly<PodController>): ResourceRef {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    name: daemonSet.metadata.name,
    ...(daemonSet.metadata.namespace !== undefined ? { namespace: daemonSet.metadata.namespace } : {}),
  };
}

function isTrue(value: unknown): boolean | undefined {
  if (value === true || value === false) return value;
  if (typeof value === 'string') {
    const normalised = value.trim().toLowerCase();
    if (normalised === 'true') return true;
    if (normalised === 'false') return false;
  }
  return undefined;
}

/** `--enable-network-policy=true`, or the flag followed by its value as the next argument. */
function policyFlag(container: DeepReadonly<Container>): { value: boolean | undefined; index: number } {
  const args = [...(container.args ?? []), ...(container.command ?? [])];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg.startsWith(`${POLICY_FLAG}=`)) return { value: isTrue(arg.slice(POLICY_FLAG.length + 1)), index };
    if (arg === POLICY_FLAG) {
      const next = args[index + 1];
      // A bare boolean flag means true, as Go's flag package reads it.
      return { value: next === undefined || next.startsWith('-') ? true : isTrue(next), index };
    }
  }
  return { value: undefined, index: -1 };
}

/** The add-on's `enableNetworkPolicy` configuration value, when it sets one. */
function addonSetting(snapshot: Snapshot): { value: boolean | undefined; text: string } | undefined {
  const addon = (snapshot.eks.addons ?? []).find((a) => a.addonName === VPC_CNI_ADDON);
  if (!addon) return undefined;
  const raw = addon.configurationValues;
  if (!raw || raw.trim() === '') return { value: undefined, text: 'no configurationValues' };
  try {
    const parsed: unknown = parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'enableNetworkPolicy' in parsed) {
      const value = (parsed as Record<string, unknown>).enableNetworkPolicy;
      return { value: isTrue(value), text: `enableNetworkPolicy: ${JSON.stringify(value)}` };
    }
    return { value: undefined, text: 'configurationValues without enableNetworkPolicy' };
  } catch {
    return { value: undefined, text: 'configurationValues that are not valid JSON or YAML' };
  }
}

function configMapValue(
  snapshot: Snapshot,
  namespace: string,
  name: string,
  key: string,
): string | undefined {
  return snapshot.k8s.configmaps.find(
    (cm) => cm.metadata.namespace === namespace && cm.metadata.name === name,
  )?.data?.[key];
}

/** Reads the policy engines from the DaemonSets, ConfigMaps, the vpc-cni add-on and the cluster's compute config. */
export function networkEnforcement(snapshot: Snapshot): NetworkEnforcement {
  const engines: PolicyEngine[] = [];
  let cniWithoutAgent: CniWithoutAgent | undefined;
  const addon = addonSetting(snapshot);

  const awsNode = snapshot.k8s.daemonsets.find(
    (ds) => ds.metadata.name === 'aws-node' && ds.metadata.namespace === 'kube-system',
  );
  if (awsNode) {
    const containers = awsNode.spec?.template?.spec?.containers ?? [];
    const agentIndex = containers.findIndex((c) => c.name === AGENT_CONTAINER);
    const agent = containers[agentIndex];
    if (agent) {
      const flag = policyFlag(agent);
      const path = `spec.template.spec.containers[${agentIndex}].args`;
      // The agent's own default is off; the add-on turns it on through this argument.
      const enabled = flag.value ?? false;
      const addonNote =
        addon && addon.value !== undefined && addon.value !== enabled
          ? `; the vpc-cni add-on says ${addon.text}, which the running DaemonSet does not reflect`
          : '';
      engines.push({
        name: 'VPC CNI network policy agent',
        resource: daemonSetRef(awsNode),
        enabled,
        how:
          flag.value === undefined
            ? `DaemonSet kube-system/aws-node runs the ${AGENT_CONTAINER} container without ${POLICY_FLAG} (off by default)${addonNote}`
            : `DaemonSet kube-system/aws-node runs the ${AGENT_CONTAINER} container with ${POLICY_FLAG}=${flag.value}${addonNote}`,
        path,
      });
    } else {
      const cni = containers.find((c) => c.name === 'aws-node');
      cniWithoutAgent = { resource: daemonSetRef(awsNode), image: cni?.image };
    }
  } else if (addon) {
    // No DaemonSet in the snapshot (none listed): the add-on's configuration is the evidence.
    engines.push({
      name: 'VPC CNI network policy agent',
      resource: { kind: 'Addon', name: VPC_CNI_ADDON },
      enabled: addon.value === true,
      how: `the vpc-cni EKS add-on has ${addon.text}`,
      path: 'configurationValues',
    });
  }

  const cluster = snapshot.eks.cluster;
  if (cluster?.computeConfig?.enabled === true) {
    const setting = configMapValue(
      snapshot,
      'kube-system',
      'amazon-vpc-cni',
      'enable-network-policy-controller',
    );
    const enabled = isTrue(setting) === true;
    engines.push({
      name: 'EKS Auto Mode',
      resource: clusterResource(snapshot),
      enabled,
      how:
        setting === undefined
          ? 'EKS Auto Mode is on, but ConfigMap kube-system/amazon-vpc-cni does not set enable-network-policy-controller'
          : `EKS Auto Mode is on and ConfigMap kube-system/amazon-vpc-cni sets enable-network-policy-controller: "${setting}"` +
            ' (the NodeClass networkPolicy setting is not collected)',
      path: 'computeConfig.enabled',
    });
  }

  for (const daemonSet of snapshot.k8s.daemonsets) {
    if (daemonSet.metadata.name === 'calico-node') {
      engines.push({
        name: 'Calico',
        resource: daemonSetRef(daemonSet),
        enabled: true,
        how: `DaemonSet ${daemonSet.metadata.namespace ?? ''}/calico-node is installed (Calico enforces policies by default)`,
      });
    } else if (daemonSet.metadata.name === 'cilium') {
      const namespace = daemonSet.metadata.namespace ?? 'kube-system';
      const mode = configMapValue(snapshot, namespace, 'cilium-config', 'enable-policy');
      engines.push({
        name: 'Cilium',
        resource: daemonSetRef(daemonSet),
        enabled: mode?.trim().toLowerCase() !== 'never',
        how:
          mode === undefined
            ? `DaemonSet ${namespace}/cilium is installed (Cilium enforces policies by default)`
            : `DaemonSet ${namespace}/cilium is installed with enable-policy: ${mode} in ConfigMap cilium-config`,
      });
    }
  }
  return { engines, cniWithoutAgent };
}
