import { EKS_CHECKS } from '../checks/eks/index.ts';
import { IMAGE_CHECKS } from '../checks/images/index.ts';
import { NAMESPACE_CHECKS } from '../checks/namespaces/index.ts';
import { NETWORK_CHECKS } from '../checks/network/index.ts';
import { NODE_CHECKS } from '../checks/nodes/index.ts';
import { POD_CHECKS } from '../checks/pods/index.ts';
import { RBAC_CHECKS } from '../checks/rbac/index.ts';
import { WORKLOAD_CHECKS } from '../checks/workloads/index.ts';
import type { CheckArea } from '../core/fleet.ts';
import type { Check } from '../core/model.ts';

/**
 * The area of each registered check, from the registry's per-area lists (the folders under
 * `functions/checks/`). Check ids do not say it reliably — `images-ecr-node-access-read-only`
 * reads the EKS API and lives with the eks checks — so the lists are the one source.
 */
export const AREA_CHECKS: Readonly<Record<CheckArea, readonly Check[]>> = {
  eks: EKS_CHECKS,
  nodes: NODE_CHECKS,
  rbac: RBAC_CHECKS,
  pods: POD_CHECKS,
  images: IMAGE_CHECKS,
  workloads: WORKLOAD_CHECKS,
  network: NETWORK_CHECKS,
  namespaces: NAMESPACE_CHECKS,
};

const AREA_BY_CHECK: ReadonlyMap<string, CheckArea> = new Map(
  (Object.entries(AREA_CHECKS) as [CheckArea, readonly Check[]][]).flatMap(([area, checks]) =>
    checks.map((check) => [check.id, area] as const),
  ),
);

/** The area of a registered check; undefined for an id the registry does not hold (an older result). */
export function areaOfCheck(checkId: string): CheckArea | undefined {
  return AREA_BY_CHECK.get(checkId);
}
