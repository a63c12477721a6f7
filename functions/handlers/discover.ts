import { type CredentialsTarget, credentialsFor } from '../collect/aws-credentials.ts';
import { ConfigError } from '../config/config.ts';
import { type DiscoverConfig, discoverConfig } from '../config/discover-config.ts';
import { parseFleetConfig } from '../config/fleet-config.ts';
import * as z from '../config/zod.ts';
import type { FleetSkip } from '../core/fleet.ts';
import type { ResultsStore } from '../core/ports.ts';
import { defaultDiscoveryClients } from '../discover/clients.ts';
import { type DiscoveryClients, discoverFleet } from '../discover/discover-fleet.ts';
import { isExecutionArn, putClusterList, putExecution, putSkipped } from '../scan/fleet-artifacts.ts';
import { MAX_SCAN_ID_LENGTH, newScanId } from '../scan/scan-id.ts';
import { isValidScanId } from '../store/keys.ts';
import { S3ResultsStore } from '../store/s3-results-store.ts';
import {
  COUNT,
  type DepsSource,
  type HandlerContext,
  type HandlerLogger,
  type HandlerMetrics,
  InvalidEventError,
  powertools,
  resolver,
  withLambdaContext,
} from './lib/runtime.ts';

/**
 * The first state of a fleet scan: finds the fleet's clusters and writes them to
 * `scans/{scanId}/clusters.json`, the JSON array the Distributed Map reads (ItemReader), so
 * the state payload carries a key rather than thousands of cluster refs.
 *
 * Input `{ scanId? }` (the API passes the id it named the execution after; the nightly
 * schedule passes `{}` and the id is made here). The state machine wraps it as
 * `{ input: { scanId? }, executionArn, fleet }`: the execution is recorded with the scan
 * (`execution.json`), and the deployment's fleet config comes in the state machine's
 * definition, where a fleet of hundreds of accounts fits (Step Functions allows 256 KiB of task
 * input; a Lambda environment variable would hold about 20, 4 KB in all). Without `fleet` the
 * FLEET_CONFIG variable is used. Output `DiscoverOutput`, passed on to the report.
 * Env: RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, FLEET_CONFIG? (JSON), AWS_REGION.
 */

export interface DiscoverEvent {
  scanId?: string;
  input?: { scanId?: string } | null;
  fleet?: unknown;
  executionArn?: string;
}

export interface DiscoverOutput {
  scanId: string;
  /** ISO time discovery started: the fleet scan's start. */
  startedAt: string;
  bucket: string;
  /** `scans/{scanId}/clusters.json`: a JSON array of ClusterRef. */
  clustersKey: string;
  clusterCount: number;
  /**
   * Accounts and regions that could not be enumerated, with the reason. Cut to fit the
   * state payload when very long; `scans/{scanId}/skipped.json` always holds every one.
   */
  skipped: FleetSkip[];
}

export interface DiscoverDeps {
  config: DiscoverConfig;
  store: ResultsStore;
  /** New per invocation: discovery clients are built for each account and region it visits. */
  discoveryClients(): DiscoveryClients;
  credentialsFor(target: CredentialsTarget): ReturnType<typeof credentialsFor>;
  now(): Date;
  newScanId(now: Date): string;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
}

/** Skips returned in the state output at most (in bytes of JSON); the rest are in skipped.json. */
export const MAX_SKIPPED_OUTPUT_BYTES = 64 * 1024;

const scanIdSchema = z
  .string()
  .check(
    z.refine(
      (id) => isValidScanId(id) && id.length <= MAX_SCAN_ID_LENGTH,
      `scanId must be 1-${MAX_SCAN_ID_LENGTH} characters of [A-Za-z0-9._-] starting with a letter or digit`,
    ),
  );

const eventSchema = z.nullish(
  z.object({
    scanId: z.optional(scanIdSchema),
    /** The execution's input, as the state machine passes it beside `fleet`. */
    input: z.optional(z.nullish(z.object({ scanId: z.optional(scanIdSchema) }))),
    /** The fleet config (fleet-config.ts), as the state machine passes it; else FLEET_CONFIG. */
    fleet: z.optional(z.unknown()),
    /** The execution running this scan (`$$.Execution.Id`), recorded for GET /scans/{scanId}. */
    executionArn: z.optional(
      z.string().check(z.refine(isExecutionArn, 'executionArn must be a Step Functions execution ARN')),
    ),
  }),
);

/** The longest prefix of `skipped` whose JSON fits `budget` bytes. */
export function skippedWithin(skipped: readonly FleetSkip[], budget = MAX_SKIPPED_OUTPUT_BYTES): FleetSkip[] {
  const kept: FleetSkip[] = [];
  let bytes = 2;
  for (const skip of skipped) {
    bytes += Buffer.byteLength(JSON.stringify(skip)) + 1;
    if (bytes > budget) break;
    kept.push(skip);
  }
  return kept;
}

export function createHandler(source: DepsSource<DiscoverDeps>) {
  const deps = resolver(source);
  return async (
    event: DiscoverEvent | null | undefined,
    context?: HandlerContext,
  ): Promise<DiscoverOutput> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(
        `discover expects { scanId?: string } or { input: { scanId?: string }, executionArn?, fleet? }: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
      );
    }
    const { config, store, logger, metrics } = deps();
    let fleet = config.fleet;
    if (parsed.data?.fleet !== undefined) {
      try {
        fleet = parseFleetConfig(parsed.data.fleet, 'the fleet in the Discover input');
      } catch (error) {
        if (error instanceof ConfigError) throw new InvalidEventError(error.message);
        throw error;
      }
    }
    withLambdaContext(logger, context);
    const started = deps().now();
    const scanId = (parsed.data?.input ?? parsed.data)?.scanId ?? deps().newScanId(started);
    logger.appendKeys({ scanId });
    try {
      // First, so GET /scans/{scanId} can follow a scheduled run from its start.
      if (parsed.data?.executionArn !== undefined)
        await putExecution(store, scanId, parsed.data.executionArn);
      const discovery = await discoverFleet({
        config: fleet,
        clients: deps().discoveryClients(),
        credentialsFor: (target) => deps().credentialsFor(target),
        homeRegion: config.region,
      });
      const clustersKey = await putClusterList(store, scanId, discovery.clusters);
      await putSkipped(store, scanId, discovery.skipped);
      const skipped = skippedWithin(discovery.skipped);

      metrics.addMetric('ClustersDiscovered', COUNT, discovery.clusters.length);
      metrics.addMetric('DiscoverySkips', COUNT, discovery.skipped.length);
      logger.info('fleet discovered', {
        clusters: discovery.clusters.length,
        skipped: discovery.skipped.length,
        skippedInOutput: skipped.length,
      });
      for (const skip of discovery.skipped) logger.warn('skipped during discovery', { skip });

      return {
        scanId,
        startedAt: started.toISOString(),
        bucket: config.results.bucket,
        clustersKey,
        clusterCount: discovery.clusters.length,
        skipped,
      };
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

export function buildDeps(env: NodeJS.ProcessEnv = process.env): () => DiscoverDeps {
  return () => {
    const config = discoverConfig(env);
    const { logger, metrics } = powertools('watchkeeper-discover');
    return {
      config,
      store: new S3ResultsStore({
        bucket: config.results.bucket,
        ...(config.results.kmsKeyId === undefined ? {} : { kmsKeyId: config.results.kmsKeyId }),
      }),
      discoveryClients: () => defaultDiscoveryClients(config.region),
      credentialsFor: (target) => credentialsFor(target),
      now: () => new Date(),
      newScanId,
      logger,
      metrics,
    };
  };
}

export const handler = createHandler(buildDeps());
