import type { EksNodegroup } from '../../core/eks-types.ts';
import type { KubeletConfiguration, Node } from '../../core/k8s-types.ts';
import type { CheckParams, DeepReadonly, Outcome, ResourceRef, Snapshot } from '../../core/model.ts';
import { fail, inherited, notEvaluated, pass } from './outcomes.ts';

/**
 * Node helpers: what runs a node (and so who owns its host), and the shared evaluation of the
 * CIS EKS section 3 items. The compute type comes from the labels EKS sets on every node:
 * `eks.amazonaws.com/compute-type` (`fargate`, `auto`, `hybrid`) and
 * `eks.amazonaws.com/nodegroup` for managed node groups; a node with neither is self-managed
 * (an Auto Scaling group of the customer's, or Karpenter).
 * https://docs.aws.amazon.com/eks/latest/userguide/associate-workload.html
 * https://docs.aws.amazon.com/eks/latest/userguide/automode-learn-instances.html
 */

export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
export const NODEGROUP_LABEL = 'eks.amazonaws.com/nodegroup';
export const NODEGROUP_IMAGE_LABEL = 'eks.amazonaws.com/nodegroup-image';

export type ComputeType = 'fargate' | 'auto-mode' | 'hybrid' | 'managed-node-group' | 'self-managed';

/** Why kubelet configuration is absent when the operator did not opt in; also the gap message. */
export const KUBELET_CONFIG_OPT_IN_REASON =
  'kubelet config checks need `get nodes/proxy`, which also lets the holder run commands through ' +
  'the kubelet — opt in with kubeletConfig: true; see CIS 4.1.10';

export interface NodeRef {
  node: DeepReadonly<Node>;
  resource: ResourceRef;
  computeType: ComputeType;
  /** The managed node group, when there is one. */
  nodegroup?: string;
  /** `managed node group general`, `Fargate`, … for messages. */
  label: string;
}

export function computeTypeOf(node: DeepReadonly<Node>): ComputeType {
  const labels = node.metadata.labels ?? {};
  const declared = labels[COMPUTE_TYPE_LABEL];
  if (declared === 'fargate') return 'fargate';
  if (declared === 'auto') return 'auto-mode';
  if (declared === 'hybrid') return 'hybrid';
  if (labels[NODEGROUP_LABEL]) return 'managed-node-group';
  return 'self-managed';
}

/** Nodes whose host, OS and kubelet AWS builds, patches and configures. */
export function isAwsOperated(type: ComputeType): boolean {
  return type === 'fargate' || type === 'auto-mode';
}

function labelOf(type: ComputeType, nodegroup: string | undefined): string {
  switch (type) {
    case 'fargate':
      return 'Fargate';
    case 'auto-mode':
      return 'EKS Auto Mode';
    case 'hybrid':
      return 'EKS Hybrid Nodes, customer-operated';
    case 'managed-node-group':
      return `managed node group ${nodegroup ?? '(unnamed)'}`;
    case 'self-managed':
      return 'self-managed or Karpenter';
  }
}

export function nodeRef(node: DeepReadonly<Node>): NodeRef {
  const computeType = computeTypeOf(node);
  const nodegroup = node.metadata.labels?.[NODEGROUP_LABEL];
  return {
    node,
    resource: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
    computeType,
    ...(nodegroup ? { nodegroup } : {}),
    label: labelOf(computeType, nodegroup),
  };
}

export function nodesOf(snapshot: Snapshot): NodeRef[] {
  return snapshot.k8s.nodes.map(nodeRef);
}

/** `Node ip-10-0-1-1 (managed node group general)`. */
export function describeNode(ref: NodeRef): string {
  return `Node ${ref.resource.name} (${ref.label})`;
}

/** Facts every node finding carries. */
export function nodeEvidence(ref: NodeRef): Record<string, string | null> {
  return { computeType: ref.computeType, nodegroup: ref.nodegroup ?? null };
}

/** `inherited` for a node AWS operates, saying what AWS owns. */
export function awsOperatedNode(ref: NodeRef, what: string): Outcome {
  return inherited(
    ref.resource,
    `${describeNode(ref)}: AWS builds, patches and configures this node, including ${what}; ` +
      'it is not visible or configurable by the customer.',
    { evidence: nodeEvidence(ref) },
  );
}

// ---- the AMI a node runs, as evidence for what cannot be read ----

export type AmiClass = 'eks-optimized' | 'custom' | 'unknown';

export interface AmiFacts {
  amiClass: AmiClass;
  /** One sentence for messages. */
  text: string;
  evidence: Record<string, string | null>;
}

/** EKS-optimized AMI families as DescribeNodegroup names them; `CUSTOM` is the customer's own AMI. */
const EKS_AMI_TYPE = /^(AL2|AL2023|BOTTLEROCKET|WINDOWS)_/;
const EKS_OS_IMAGE = /^(Amazon Linux|Bottlerocket)/i;

export function amiFacts(
  ref: NodeRef,
  nodegroups: readonly DeepReadonly<EksNodegroup>[] | undefined,
): AmiFacts {
  const osImage = ref.node.status?.nodeInfo?.osImage;
  const imageId = ref.node.metadata.labels?.[NODEGROUP_IMAGE_LABEL];
  const group =
    ref.nodegroup === undefined ? undefined : nodegroups?.find((g) => g.nodegroupName === ref.nodegroup);
  const evidence = {
    amiType: group?.amiType ?? null,
    releaseVersion: group?.releaseVersion ?? null,
    imageId: imageId ?? null,
    osImage: osImage ?? null,
  };
  const amiType = group?.amiType;
  if (amiType === 'CUSTOM') {
    return {
      amiClass: 'custom',
      text: 'the node group runs a custom AMI (amiType CUSTOM), so the file settings are entirely the customer’s',
      evidence,
    };
  }
  if (amiType !== undefined && EKS_AMI_TYPE.test(amiType)) {
    return {
      amiClass: 'eks-optimized',
      text:
        `the node group runs an EKS-optimized AMI (${amiType}${group?.releaseVersion ? ` ${group.releaseVersion}` : ''}), ` +
        'which ships these files with restrictive settings: AWS default, unverified',
      evidence,
    };
  }
  if (osImage !== undefined && EKS_OS_IMAGE.test(osImage)) {
    return {
      amiClass: 'eks-optimized',
      text:
        `heuristic: the OS image "${osImage}" looks like an EKS-optimized AMI, which ships these files with ` +
        'restrictive settings: AWS default, unverified (a custom AMI built on it may differ)',
      evidence,
    };
  }
  return {
    amiClass: osImage === undefined ? 'unknown' : 'custom',
    text:
      osImage === undefined
        ? 'the node reports no OS image, so the AMI is unknown'
        : `the OS image "${osImage}" is not an EKS-optimized AMI, so the file settings are entirely the customer’s`,
    evidence,
  };
}

/**
 * CIS EKS 3.1.x: a file on the node's disk. Never pass or fail: `not_evaluated` with what is
 * known about the AMI, or `inherited` on nodes AWS operates.
 */
export function evaluateHostFile(snapshot: Snapshot, file: { what: string; requirement: string }): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const ref of nodesOf(snapshot)) {
    if (isAwsOperated(ref.computeType)) {
      outcomes.push(awsOperatedNode(ref, file.what));
      continue;
    }
    const ami = amiFacts(ref, snapshot.eks.nodegroups);
    outcomes.push(
      notEvaluated(
        ref.resource,
        `${describeNode(ref)}: ${file.requirement} is about ${file.what}, a file on the node's disk, and ` +
          `host files cannot be read remotely; ${ami.text}. Verify it on the node (kube-bench or SSM).`,
        { evidence: { ...nodeEvidence(ref), ...ami.evidence, amiClass: ami.amiClass } },
      ),
    );
  }
  return outcomes;
}

// ---- kubelet configuration (CIS EKS 3.2.x) ----

export type KubeletConfigLookup =
  | { found: true; config: DeepReadonly<KubeletConfiguration> }
  | { found: false; message: string };

/** The node's kubelet configuration from the snapshot, or why there is none. */
export function kubeletConfigOf(snapshot: Snapshot, nodeName: string): KubeletConfigLookup {
  const all = snapshot.kubelet;
  if (all === undefined) {
    return {
      found: false,
      message: `kubelet configuration was not collected (${KUBELET_CONFIG_OPT_IN_REASON})`,
    };
  }
  const entry = Object.hasOwn(all, nodeName) ? all[nodeName] : undefined;
  if (entry === undefined) {
    return { found: false, message: 'no kubelet configuration was read for this node' };
  }
  if (entry.error !== undefined) {
    return {
      found: false,
      message: `its kubelet configuration could not be read (${entry.error.reason}): ${entry.error.message}`,
    };
  }
  if (entry.config === undefined) {
    return { found: false, message: 'its kubelet configuration was read but is empty' };
  }
  return { found: true, config: entry.config };
}

export interface KubeletVerdict {
  /** `unknown`: the value cannot be judged (the node is then `not_evaluated`, never passed). */
  ok: boolean | 'unknown';
  /** What the kubelet does, e.g. `anonymous requests are rejected (authentication.anonymous.enabled: false)`. */
  message: string;
  evidence?: Record<string, string | number | boolean | null>;
}

export interface KubeletRule {
  /** Field path under `kubeletconfig`, for the finding's `path`. */
  path: string;
  /** What AWS keeps for itself on Fargate and Auto Mode nodes, for the inherited message. */
  what: string;
  judge(config: DeepReadonly<KubeletConfiguration>, params: Readonly<CheckParams>): KubeletVerdict;
}

/** One finding per node: inherited on AWS-operated nodes, not_evaluated without configz, else the rule's verdict. */
export function evaluateKubeletRule(
  snapshot: Snapshot,
  params: Readonly<CheckParams>,
  rule: KubeletRule,
): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const ref of nodesOf(snapshot)) {
    if (isAwsOperated(ref.computeType)) {
      outcomes.push(awsOperatedNode(ref, rule.what));
      continue;
    }
    const lookup = kubeletConfigOf(snapshot, ref.resource.name);
    if (!lookup.found) {
      outcomes.push(
        notEvaluated(ref.resource, `${describeNode(ref)}: ${lookup.message}.`, {
          evidence: nodeEvidence(ref),
        }),
      );
      continue;
    }
    const verdict = rule.judge(lookup.config, params);
    const extras = {
      path: `kubeletconfig.${rule.path}`,
      evidence: { ...nodeEvidence(ref), ...verdict.evidence },
    };
    const message = `${describeNode(ref)}: ${verdict.message}.`;
    if (verdict.ok === 'unknown') outcomes.push(notEvaluated(ref.resource, message, extras));
    else
      outcomes.push(verdict.ok ? pass(ref.resource, message, extras) : fail(ref.resource, message, extras));
  }
  return outcomes;
}

/** A Go duration (`4h0m0s`, `30m`, `0s`, `1.5h`) in seconds; undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!/^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(trimmed)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (unit[match[2] ?? 's'] ?? 1);
  }
  return trimmed.startsWith('-') ? -total : total;
}
