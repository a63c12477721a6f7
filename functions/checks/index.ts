import type { Check } from '../core/model.ts';
import { EKS_CHECKS } from './eks/index.ts';
import { IMAGE_CHECKS } from './images/index.ts';
import { NAMESPACE_CHECKS } from './namespaces/index.ts';
import { NETWORK_CHECKS } from './network/index.ts';
import { NODE_CHECKS } from './nodes/index.ts';
import { POD_CHECKS } from './pods/index.ts';
import { RBAC_CHECKS } from './rbac/index.ts';
import { WORKLOAD_CHECKS } from './workloads/index.ts';

/**
 * The check catalog, in report order: one explicit list per area (no filesystem discovery,
 * so esbuild bundles exactly what is listed). test/checks/registry.test.ts proves every check
 * file is registered.
 */
export const CHECKS: readonly Check[] = [
  ...EKS_CHECKS,
  ...NODE_CHECKS,
  ...RBAC_CHECKS,
  ...POD_CHECKS,
  ...IMAGE_CHECKS,
  ...WORKLOAD_CHECKS,
  ...NETWORK_CHECKS,
  ...NAMESPACE_CHECKS,
];
