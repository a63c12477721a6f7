import type { Check, Outcome, ResourceRef } from '../../core/model.ts';
import { fail, notEvaluated, pass } from '../lib/outcomes.ts';

const DAY_MS = 86_400_000;

/**
 * The build date of an EKS-optimized AMI release: `1.31.13-20261027` (Amazon Linux) or
 * `1.31-2026.10.14` (Windows). Bottlerocket releases (`1.20.5-a3e8bda1`) carry none.
 */
function releaseDate(releaseVersion: string): number | undefined {
  const match = /-(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(releaseVersion.trim());
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function minorOf(version: string | undefined): number | undefined {
  const match = /^v?1\.(\d+)/.exec(version?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Managed node groups get patched AMIs only when the customer updates them: EKS publishes new
 * EKS-optimized AMI releases every few weeks but never rolls a node group on its own. The AMI's
 * age is read from the build date in the release version (a heuristic: the latest release is
 * not collected), the Kubernetes version from DescribeNodegroup.
 * https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html
 */
export const nodeGroupAmiReleaseCurrent: Check = {
  id: 'node-group-ami-release-current',
  title: 'Managed node groups run a current AMI release and the cluster version',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'cluster-upgrades' },
    { framework: 'eks-best-practices', requirement: 'infrastructure-security' },
    { framework: 'nsa-cisa-1.2', requirement: 'upgrades' },
  ],
  reads: ['eks:nodegroups', 'eks:cluster'],
  rationale:
    'Each EKS-optimized AMI release carries kernel, container runtime and kubelet fixes. AWS builds ' +
    'the releases, but a managed node group keeps the AMI it was last updated to, so a group that is ' +
    'never updated runs months-old, known-vulnerable software, and one left on an older Kubernetes ' +
    'version drifts out of the supported skew.',
  remediation: {
    summary:
      'Update the node group to the latest AMI release for the cluster version (EKS replaces the ' +
      'nodes gracefully), and automate it so releases are picked up every few weeks.',
    cli:
      'aws eks update-nodegroup-version --cluster-name <cluster> --nodegroup-name <nodegroup>\n' +
      'aws ssm get-parameter --name /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/x86_64/standard/recommended/release_version',
    iac:
      'resource "aws_eks_node_group" "this" {\n  version         = aws_eks_cluster.this.version\n' +
      '  release_version = nonsensitive(data.aws_ssm_parameter.eks_ami_release.value)\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/eks-linux-ami-versions.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
  ],
  evaluate(snapshot, params) {
    const now = Date.parse(snapshot.collectedAt);
    const clusterVersion = snapshot.eks.cluster?.version;
    const clusterMinor = minorOf(clusterVersion);
    const outcomes: Outcome[] = [];
    for (const group of snapshot.eks.nodegroups ?? []) {
      const name = group.nodegroupName ?? '(unnamed)';
      const resource: ResourceRef = {
        kind: 'Nodegroup',
        name,
        ...(group.nodegroupArn ? { arn: group.nodegroupArn } : {}),
      };
      const evidence = {
        version: group.version ?? null,
        clusterVersion: clusterVersion ?? null,
        releaseVersion: group.releaseVersion ?? null,
        amiType: group.amiType ?? null,
      };
      const what = `Node group ${name}`;
      const groupMinor = minorOf(group.version);
      if (groupMinor !== undefined && clusterMinor !== undefined && groupMinor < clusterMinor) {
        outcomes.push(
          fail(
            resource,
            `${what}: runs Kubernetes ${group.version} while the control plane runs ${clusterVersion}; update ` +
              'the node group to the cluster version.',
            { path: 'version', evidence },
          ),
        );
        continue;
      }
      if (group.amiType === 'CUSTOM') {
        outcomes.push(
          notEvaluated(
            resource,
            `${what}: runs a custom AMI (amiType CUSTOM), whose age EKS does not track; check it against your ` +
              'AMI pipeline.',
            { evidence },
          ),
        );
        continue;
      }
      const built = group.releaseVersion ? releaseDate(group.releaseVersion) : undefined;
      if (built === undefined || Number.isNaN(now)) {
        outcomes.push(
          notEvaluated(
            resource,
            `${what}: the AMI release ${group.releaseVersion ?? '(none reported)'} carries no build date, so its age ` +
              'is unknown; compare it with the latest release for the AMI type.',
            { evidence },
          ),
        );
        continue;
      }
      const age = Math.floor((now - built) / DAY_MS);
      const dated = { ...evidence, amiAgeDays: age, maxAgeDays: params.nodeAmiMaxAgeDays };
      if (age > params.nodeAmiMaxAgeDays) {
        outcomes.push(
          fail(
            resource,
            `${what}: heuristic: AMI release ${group.releaseVersion} was built ${age} days ago (more than ` +
              `${params.nodeAmiMaxAgeDays}); newer releases with security fixes are almost certainly available.`,
            { path: 'releaseVersion', evidence: dated },
          ),
        );
      } else {
        outcomes.push(
          pass(
            resource,
            `${what}: Kubernetes ${group.version ?? clusterVersion ?? 'unknown'}, AMI release ${group.releaseVersion} ` +
              `built ${age} days ago (within ${params.nodeAmiMaxAgeDays}).`,
            { evidence: dated },
          ),
        );
      }
    }
    return outcomes;
  },
};
