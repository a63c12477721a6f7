import type { Check } from '../../core/model.ts';
import { secretsNoHardcodedCredentials } from './secrets-no-hardcoded-credentials.ts';
import { secretsNotInConfigmaps } from './secrets-not-in-configmaps.ts';
import { workloadsLivenessReadinessProbes } from './workloads-liveness-readiness-probes.ts';
import { workloadsPodsManagedByControllers } from './workloads-pods-managed-by-controllers.ts';
import { workloadsReplicasForAvailability } from './workloads-replicas-for-availability.ts';
import { workloadsResourceLimitsSet } from './workloads-resource-limits-set.ts';
import { workloadsSshNotRunning } from './workloads-ssh-not-running.ts';

/** workloads checks, in report order. */
export const WORKLOAD_CHECKS: readonly Check[] = [
  secretsNoHardcodedCredentials,
  secretsNotInConfigmaps,
  workloadsResourceLimitsSet,
  workloadsSshNotRunning,
  workloadsLivenessReadinessProbes,
  workloadsReplicasForAvailability,
  workloadsPodsManagedByControllers,
];
