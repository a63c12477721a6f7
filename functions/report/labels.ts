import type { CheckArea } from '../core/fleet.ts';
import type { FrameworkId, Responsibility, Severity, Status } from '../core/model.ts';

/** Display names shared by the HTML report and the machine formats. */

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** The check areas (the catalog's folders), as the fleet heat map heads its columns. */
export const AREA_LABELS: Record<CheckArea, string> = {
  eks: 'EKS',
  nodes: 'Nodes',
  rbac: 'RBAC',
  pods: 'Pods',
  images: 'Images',
  workloads: 'Workloads',
  network: 'Network',
  namespaces: 'Namespaces',
};

export const STATUS_LABELS: Record<Status, string> = {
  pass: 'Passed',
  fail: 'Failed',
  not_applicable: 'Not applicable',
  not_evaluated: 'Not evaluated',
  manual: 'Manual',
  inherited: 'Inherited',
  waived: 'Waived',
};

export const RESPONSIBILITY_LABELS: Record<Responsibility, string> = {
  aws: 'AWS-managed',
  shared: 'Shared',
  customer: 'Customer',
};

export const FRAMEWORK_LABELS: Record<FrameworkId, { name: string; short: string }> = {
  'cis-eks-1.8.0': { name: 'CIS Amazon EKS Benchmark v1.8.0', short: 'CIS' },
  'pss-baseline': { name: 'Pod Security Standards — Baseline', short: 'PSS Baseline' },
  'pss-restricted': { name: 'Pod Security Standards — Restricted', short: 'PSS Restricted' },
  'nsa-cisa-1.2': { name: 'NSA/CISA Kubernetes Hardening Guide v1.2', short: 'NSA/CISA' },
  'eks-best-practices': { name: 'Amazon EKS Best Practices Guide', short: 'EKS BP' },
};

/** The labels of a framework id; an id outside the closed set is shown as itself. */
export function frameworkLabel(id: string): { name: string; short: string } {
  return Object.hasOwn(FRAMEWORK_LABELS, id) ? FRAMEWORK_LABELS[id as FrameworkId] : { name: id, short: id };
}
