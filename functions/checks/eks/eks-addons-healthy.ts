import type { Check, Outcome } from '../../core/model.ts';
import { clusterResource, fail, notEvaluated, pass } from '../lib/outcomes.ts';

/** Add-on statuses that mean the add-on is not running as configured. */
const BROKEN = new Set(['CREATE_FAILED', 'DEGRADED', 'UPDATE_FAILED', 'DELETE_FAILED']);
/** Transitional statuses: the add-on is being changed right now. */
const CHANGING = new Set(['CREATING', 'UPDATING', 'DELETING']);

/**
 * EKS reports add-on health issues (insufficient replicas, access denied, configuration
 * conflicts) and a DEGRADED status when the add-on is not running as configured.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_AddonIssue.html
 */
export const eksAddonsHealthy: Check = {
  id: 'eks-addons-healthy',
  title: 'EKS add-ons are active and report no health issues',
  severity: 'medium',
  responsibility: 'shared',
  frameworks: [
    { framework: 'eks-best-practices', requirement: 'reliability' },
    { framework: 'eks-best-practices', requirement: 'cluster-upgrades' },
  ],
  reads: ['eks:addons'],
  rationale:
    'Managed add-ons carry security-relevant parts of the cluster: the VPC CNI and its network policy ' +
    'agent, kube-proxy, CoreDNS, storage drivers, the Pod Identity agent and the GuardDuty agent. A ' +
    'degraded or failed add-on may leave NetworkPolicies unenforced, pods without IAM credentials or ' +
    'runtime monitoring blind, and it blocks the add-on updates that bring security fixes.',
  remediation: {
    summary:
      'Read the health issues of each add-on, fix the cause (IAM role permissions, conflicting ' +
      'self-managed configuration, insufficient capacity), then update the add-on to a version supported ' +
      'on the cluster.',
    cli:
      'aws eks describe-addon --cluster-name <cluster> --addon-name <addon> --query addon.health\n' +
      'aws eks update-addon --cluster-name <cluster> --addon-name <addon> --addon-version <version> ' +
      '--resolve-conflicts OVERWRITE',
  },
  docs: [
    'https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html',
    'https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html',
    'https://docs.aws.amazon.com/eks/latest/APIReference/API_AddonIssue.html',
  ],
  evaluate(snapshot) {
    const addons = snapshot.eks.addons;
    const cluster = clusterResource(snapshot);
    if (!addons)
      return [notEvaluated(cluster, 'The snapshot has no EKS add-ons (ListAddons/DescribeAddon).')];
    if (addons.length === 0) {
      return [
        {
          status: 'not_applicable',
          resource: cluster,
          message: `Cluster ${cluster.name} has no EKS managed add-ons.`,
        },
      ];
    }
    const outcomes: Outcome[] = [];
    for (const addon of addons) {
      const name = addon.addonName ?? '(unnamed add-on)';
      const resource = { kind: 'Addon', name };
      const status = addon.status ?? 'UNKNOWN';
      const issues = addon.health?.issues ?? [];
      const version = addon.addonVersion ? ` ${addon.addonVersion}` : '';
      const evidence = { status, version: addon.addonVersion ?? null, healthIssues: issues.length };
      if (issues.length > 0 || BROKEN.has(status)) {
        const text = issues
          .map((issue) => `${issue.code ?? 'issue'}: ${issue.message ?? ''}`.trim())
          .join('; ');
        outcomes.push(
          fail(
            resource,
            `EKS add-on ${name}${version} is ${status}` +
              (issues.length > 0 ? ` with health issues: ${text}.` : '.'),
            { path: issues.length > 0 ? 'health.issues' : 'status', evidence },
          ),
        );
      } else if (status === 'ACTIVE') {
        outcomes.push(
          pass(resource, `EKS add-on ${name}${version} is ACTIVE with no health issues.`, { evidence }),
        );
      } else if (CHANGING.has(status)) {
        outcomes.push(
          notEvaluated(resource, `EKS add-on ${name}${version} was ${status} when the cluster was scanned.`, {
            evidence,
          }),
        );
      } else {
        outcomes.push(
          notEvaluated(resource, `EKS add-on ${name}${version} has status ${status}.`, { evidence }),
        );
      }
    }
    return outcomes;
  },
};
