import type { Check } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

const DAY_MS = 86_400_000;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const EXTENDED_COST =
  'extended support is billed at a higher per-cluster-hour rate (six times the standard rate at the time of writing)';

/**
 * Each EKS minor version gets 14 months of standard support, then 12 months of paid extended
 * support, after which AWS upgrades the control plane itself. The dates come from
 * DescribeClusterVersions in the snapshot, never from a hard-coded table or the clock.
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export const eksVersionInStandardSupport: Check = {
  id: 'eks-version-in-standard-support',
  title: 'Kubernetes version is in EKS standard support, not near its end',
  severity: 'high',
  responsibility: 'shared',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'cluster-upgrades' },
    { framework: 'nsa-cisa-1.2', requirement: 'upgrades' },
  ],
  reads: ['eks:cluster', 'eks:clusterVersions'],
  rationale:
    'AWS patches the control plane only within supported minor versions; once a version leaves ' +
    'standard support, fixes arrive only under paid extended support, and after that AWS upgrades the ' +
    'cluster on its own schedule, which can break workloads that use removed APIs. Planning the upgrade ' +
    'before standard support ends keeps security fixes flowing and avoids extra cost and forced upgrades.',
  remediation: {
    summary:
      'Upgrade the control plane one minor version at a time to a version in standard support (check ' +
      'the cluster insights for deprecated APIs first), then upgrade node groups and add-ons to match.',
    cli: 'aws eks update-cluster-version --name <cluster> --kubernetes-version <next-minor-version>',
    iac: 'resource "aws_eks_cluster" "this" {\n  version = "<next-minor-version>"\n}',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
    'https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html',
    'https://aws.amazon.com/eks/pricing/',
  ],
  evaluate(snapshot, params) {
    const resource = clusterResource(snapshot);
    const cluster = snapshot.eks.cluster;
    const version = cluster?.version;
    if (!version) {
      return [
        notEvaluated(resource, 'The snapshot has no DescribeCluster version, so support cannot be checked.'),
      ];
    }
    const versions = snapshot.eks.clusterVersions;
    if (!versions) {
      return [
        notEvaluated(
          resource,
          'The snapshot has no DescribeClusterVersions data, so the support dates of ' +
            `Kubernetes ${version} are unknown.`,
        ),
      ];
    }
    const now = Date.parse(snapshot.collectedAt);
    if (Number.isNaN(now)) {
      return [notEvaluated(resource, `The snapshot time "${snapshot.collectedAt}" is not a date.`)];
    }
    const name = `Cluster ${resource.name} (Kubernetes ${version})`;
    const info = versions.find((row) => row.clusterVersion === version);
    if (!info) {
      return [
        fail(
          resource,
          `${name}: version ${version} is not in the DescribeClusterVersions list, so AWS no longer lists ` +
            'it as supported (standard or extended). Upgrade to a supported version.',
          { path: 'version', evidence: { version, listed: false } },
        ),
      ];
    }
    const endStandard = parseDate(info.endOfStandardSupportDate);
    const endExtended = parseDate(info.endOfExtendedSupportDate);
    const evidence = {
      version,
      versionStatus: info.versionStatus ?? null,
      endOfStandardSupportDate: endStandard !== undefined ? day(endStandard) : null,
      endOfExtendedSupportDate: endExtended !== undefined ? day(endExtended) : null,
      upgradePolicy: cluster?.upgradePolicy?.supportType ?? null,
    };
    const extendedEnd = endExtended !== undefined ? ` until ${day(endExtended)}` : '';
    const extendedLeft =
      endExtended !== undefined ? ` (${Math.ceil((endExtended - now) / DAY_MS)} days left)` : '';
    if (info.versionStatus === 'UNSUPPORTED' || (endExtended !== undefined && now >= endExtended)) {
      return [
        fail(
          resource,
          `${name}: version ${version} is UNSUPPORTED` +
            (endExtended !== undefined && now >= endExtended
              ? `; extended support ended on ${day(endExtended)}`
              : '') +
            '. AWS will upgrade the control plane automatically; upgrade now on your own terms.',
          { path: 'version', evidence },
        ),
      ];
    }
    if (endStandard !== undefined && now >= endStandard) {
      const since = Math.floor((now - endStandard) / DAY_MS);
      return [
        fail(
          resource,
          `${name}: standard support ended ${since} days ago (${day(endStandard)}); the cluster is in ` +
            `extended support${extendedEnd}${extendedLeft}, after which AWS upgrades the control plane ` +
            `automatically; ${EXTENDED_COST}.`,
          { path: 'version', evidence: { ...evidence, daysSinceEndOfStandardSupport: since } },
        ),
      ];
    }
    if (endStandard === undefined) {
      if (info.versionStatus === 'EXTENDED_SUPPORT') {
        return [
          fail(resource, `${name}: the version is in extended support${extendedEnd}; ${EXTENDED_COST}.`, {
            path: 'version',
            evidence,
          }),
        ];
      }
      return [
        notEvaluated(
          resource,
          `${name}: DescribeClusterVersions gives no end-of-standard-support date for ${version}.`,
          { evidence },
        ),
      ];
    }
    const left = Math.ceil((endStandard - now) / DAY_MS);
    if (left <= params.versionSupportWarningDays) {
      const after =
        cluster?.upgradePolicy?.supportType === 'STANDARD'
          ? 'after that EKS upgrades the control plane automatically (upgrade policy STANDARD)'
          : `after that the cluster moves to extended support${extendedEnd}, and ${EXTENDED_COST}`;
      return [
        fail(
          resource,
          `${name}: standard support ends in ${left} days (${day(endStandard)}), within the ` +
            `${params.versionSupportWarningDays}-day warning window; ${after}.`,
          { path: 'version', evidence: { ...evidence, daysLeftInStandardSupport: left } },
        ),
      ];
    }
    return [
      pass(resource, `${name}: ${left} days of standard support left (until ${day(endStandard)}).`, {
        evidence: { ...evidence, daysLeftInStandardSupport: left },
      }),
    ];
  },
};
