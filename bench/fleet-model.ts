/**
 * The fleet model of docs/scale.md: how long and how much a nightly scan of a fleet takes,
 * from the Distributed Map's concurrency, the scan-cluster Lambda's memory and a per-cluster
 * duration built from what `npm run bench` measured plus the parts a local benchmark cannot
 * see (cold start, AWS API calls, network round trips to a real API server). Pure arithmetic:
 * test/bench/fleet-model.test.ts checks its assumptions against the synthesized state machine.
 */

/** Public list prices used by the model: an assumption, dated; check them before quoting. */
export const PRICES = {
  asOf: '2026-11-23',
  region: 'us-east-1',
  /** Step Functions Standard workflows, per state transition. */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda on arm64 (Graviton), per GB-second, first pricing tier. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Lambda, per request. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** S3 Standard PUT/COPY/POST/LIST, per request. */
  s3PerPut: 0.005 / 1000,
  /** S3 Standard GET, per request. */
  s3PerGet: 0.0004 / 1000,
} as const;

/** What the infrastructure fixes (infra/config.ts defaults, infra/constructs/fleet-scan-workflow.ts). */
export const INFRA_DEFAULTS = {
  /** Distributed Map MaxConcurrency (config `scan.maxConcurrency`). */
  maxConcurrency: 20,
  /** scan-cluster memory in MB (config `scan.memoryMb`). */
  memoryMb: 2048,
  /** scan-cluster timeout in seconds (config `scan.timeoutMinutes` × 60). */
  timeoutSeconds: 600,
  /** Child executions of the Distributed Map. */
  childExecutionType: 'STANDARD',
  /** The whole run's Step Functions timeout (EXECUTION_TIMEOUT). */
  executionTimeoutHours: 23,
} as const;

/**
 * Measured by `npm run bench` on this repository's 2-core machine (see docs/scale.md for the
 * run): the whole local scan path (collect over HTTPS → evaluate → store → render) for the
 * `1k` preset (1,000 pods, 2,292 objects), and the list requests it made.
 */
export const MEASURED_1K = {
  scanSeconds: 0.31,
  listRequests: 25,
};

/** Per-cluster costs a loopback benchmark cannot measure: assumptions, each stated. */
export const ASSUMPTIONS = {
  /** Lambda cold start and module init of the ~3 MB ESM bundle on arm64 with 2 GB. */
  coldStartSeconds: 1.5,
  /** AssumeRole + ~15 EKS/EC2 describe/list calls (cluster, node groups, add-ons, access entries, insights, launch templates). */
  awsApiSeconds: 3,
  /** One list round trip to an EKS API server from a Lambda in the same region (server time included). */
  listRoundTripSeconds: 0.15,
  /** Kinds listed at once by the collector (DEFAULT_CONCURRENCY). */
  listConcurrency: 4,
  /** A Lambda vCPU share at 2 GB (≈1.16 vCPU) against one core of the bench machine: slower, to be safe. */
  cpuSlowdown: 1.5,
  /** S3 PUTs of the result, the latest pointer and the map-run result. */
  s3Seconds: 0.5,
  /** State transitions per cluster: the child execution's start, its one task, its end, and a margin for retries. */
  transitionsPerCluster: 4,
  /** S3 requests per cluster: result + latest pointer + latest read + map-run writer. */
  s3PutsPerCluster: 3,
  s3GetsPerCluster: 2,
  /** Discover and Report, once per night. */
  discoverSeconds: 120,
  reportSeconds: 180,
} as const;

export interface FleetInput {
  clusters: number;
  maxConcurrency: number;
  memoryMb: number;
  /** The Lambda duration of one cluster's scan. */
  perClusterSeconds: number;
  transitionsPerCluster?: number;
}

export interface FleetEstimate {
  /** Batches of `maxConcurrency` clusters, run one after the other (an upper bound: the Map refills slots as they free). */
  waves: number;
  /** Discover + the waves + Report. */
  hours: number;
  gbSeconds: number;
  lambdaUsd: number;
  stepFunctionsUsd: number;
  s3Usd: number;
  totalUsd: number;
}

/**
 * One cluster's Lambda duration: cold start + AWS API facts + the list round trips not
 * overlapped by the collector's concurrency + the measured local scan time scaled to a Lambda
 * vCPU + S3 writes. The local time already includes TLS, parsing, evaluation and rendering.
 */
export function perClusterSeconds(
  measured: { scanSeconds: number; listRequests: number } = MEASURED_1K,
): number {
  const a = ASSUMPTIONS;
  return (
    a.coldStartSeconds +
    a.awsApiSeconds +
    (measured.listRequests * a.listRoundTripSeconds) / a.listConcurrency +
    measured.scanSeconds * a.cpuSlowdown +
    a.s3Seconds
  );
}

/**
 * The night: `ceil(clusters / maxConcurrency)` waves of `perClusterSeconds`, plus Discover and
 * Report; GB-seconds = clusters × memory × duration; transitions = clusters × per cluster + 4
 * for the parent (Discover, the Map, Report, end).
 */
export function estimateFleet(input: FleetInput): FleetEstimate {
  const a = ASSUMPTIONS;
  const waves = Math.ceil(input.clusters / input.maxConcurrency);
  const seconds = a.discoverSeconds + waves * input.perClusterSeconds + a.reportSeconds;
  const gbSeconds = input.clusters * (input.memoryMb / 1024) * input.perClusterSeconds;
  const lambdaUsd = gbSeconds * PRICES.lambdaArmPerGbSecond + input.clusters * PRICES.lambdaPerRequest;
  const transitions = input.clusters * (input.transitionsPerCluster ?? a.transitionsPerCluster) + 4;
  const stepFunctionsUsd = transitions * PRICES.stepFunctionsPerTransition;
  const s3Usd =
    input.clusters * (a.s3PutsPerCluster * PRICES.s3PerPut + a.s3GetsPerCluster * PRICES.s3PerGet);
  return {
    waves,
    hours: seconds / 3600,
    gbSeconds,
    lambdaUsd,
    stepFunctionsUsd,
    s3Usd,
    totalUsd: lambdaUsd + stepFunctionsUsd + s3Usd,
  };
}

/** The longest per-cluster duration for which `clusters` still fit in `hours` at `maxConcurrency`. */
export function maxPerClusterSeconds(clusters: number, maxConcurrency: number, hours: number): number {
  const a = ASSUMPTIONS;
  return (hours * 3600 - a.discoverSeconds - a.reportSeconds) / Math.ceil(clusters / maxConcurrency);
}
