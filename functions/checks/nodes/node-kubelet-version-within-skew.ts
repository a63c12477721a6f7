import type { Check, Outcome } from '../../core/model.ts';
import { describeNode, nodeEvidence, nodesOf } from '../lib/nodes.ts';
import { clusterResource, fail, inherited, notEvaluated, pass } from '../lib/outcomes.ts';

/** `1.33`, `v1.31.13-eks-ecaa3a6` → major and minor. */
function minorOf(version: string | undefined): { major: number; minor: number } | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version?.trim() ?? '');
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * A kubelet may be older than the API server by at most three minor versions (two before
 * Kubernetes 1.28) and never newer; an old kubelet also misses the node-side security fixes of
 * the newer releases. The allowed lag is a parameter, capped by the upstream policy.
 * https://kubernetes.io/releases/version-skew-policy/#kubelet
 */
export const nodeKubeletVersionWithinSkew: Check = {
  id: 'node-kubelet-version-within-skew',
  title: 'Node kubelets are within the allowed version skew of the control plane',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'cluster-upgrades' },
    { framework: 'nsa-cisa-1.2', requirement: 'upgrades' },
  ],
  reads: ['nodes', 'eks:cluster'],
  rationale:
    'Nodes left behind after a control-plane upgrade run kubelets that no longer receive fixes and ' +
    'drift out of the supported version skew, where API changes can break them at the next upgrade. ' +
    'A kubelet newer than the API server is never supported. Keeping the data plane within one or two ' +
    'minor versions of the control plane keeps node-side security fixes flowing.',
  remediation: {
    summary:
      'Upgrade lagging nodes to the control-plane version: update managed node groups, roll ' +
      'self-managed nodes onto a current AMI, and restart pods on Fargate so they start on a current kubelet.',
    cli:
      'aws eks update-nodegroup-version --cluster-name <cluster> --nodegroup-name <nodegroup>\n' +
      'kubectl get nodes -o custom-columns=NAME:.metadata.name,KUBELET:.status.nodeInfo.kubeletVersion',
    iac: 'resource "aws_eks_node_group" "this" {\n  version = aws_eks_cluster.this.version\n}',
  },
  docs: [
    'https://kubernetes.io/releases/version-skew-policy/#kubelet',
    'https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
  ],
  evaluate(snapshot, params) {
    const nodes = nodesOf(snapshot);
    if (nodes.length === 0) return [];
    const clusterVersion = snapshot.eks.cluster?.version;
    const control = minorOf(clusterVersion);
    if (!control) {
      return [
        notEvaluated(
          clusterResource(snapshot),
          'The snapshot has no DescribeCluster version, so node kubelet versions cannot be compared with it.',
        ),
      ];
    }
    const policyLimit = control.major === 1 && control.minor < 28 ? 2 : 3;
    const allowed = Math.min(params.kubeletMaxMinorSkew, policyLimit);
    const outcomes: Outcome[] = [];
    for (const ref of nodes) {
      const kubeletVersion = ref.node.status?.nodeInfo?.kubeletVersion;
      const evidence = {
        ...nodeEvidence(ref),
        kubeletVersion: kubeletVersion ?? null,
        clusterVersion: clusterVersion ?? null,
        allowedMinorSkew: allowed,
      };
      if (ref.computeType === 'auto-mode') {
        outcomes.push(
          inherited(
            ref.resource,
            `${describeNode(ref)}: AWS upgrades Auto Mode nodes to follow the control plane (kubelet ${kubeletVersion ?? 'unknown'}).`,
            { evidence },
          ),
        );
        continue;
      }
      const kubelet = minorOf(kubeletVersion);
      if (!kubelet) {
        outcomes.push(
          notEvaluated(ref.resource, `${describeNode(ref)}: the node reports no readable kubelet version.`, {
            evidence,
          }),
        );
        continue;
      }
      const skew = (control.major - kubelet.major) * 100 + (control.minor - kubelet.minor);
      const how =
        ref.computeType === 'fargate'
          ? 'restart its pods so Fargate starts them on a current kubelet'
          : ref.computeType === 'managed-node-group'
            ? `update node group ${ref.nodegroup ?? ''}`.trimEnd()
            : 'replace the node with one built from a current AMI';
      const extras = { path: 'status.nodeInfo.kubeletVersion', evidence: { ...evidence, minorSkew: skew } };
      if (skew < 0) {
        outcomes.push(
          fail(
            ref.resource,
            `${describeNode(ref)}: kubelet ${kubeletVersion} is newer than the control plane (${clusterVersion}), ` +
              'which the version skew policy never supports.',
            extras,
          ),
        );
      } else if (skew > allowed) {
        outcomes.push(
          fail(
            ref.resource,
            `${describeNode(ref)}: kubelet ${kubeletVersion} is ${skew} minor versions behind the control plane ` +
              `(${clusterVersion}); at most ${allowed} are allowed. Upgrade it: ${how}.`,
            extras,
          ),
        );
      } else {
        outcomes.push(
          pass(
            ref.resource,
            `${describeNode(ref)}: kubelet ${kubeletVersion} is ${skew === 0 ? 'on the control-plane minor version' : `${skew} minor version${skew === 1 ? '' : 's'} behind the control plane`} (${clusterVersion}).`,
            extras,
          ),
        );
      }
    }
    return outcomes;
  },
};
