import { z } from 'zod';
import { CHECKS } from '../checks/index.ts';
import { createLimiter } from '../collect/limit.ts';
import { type ReportConfig, reportConfig } from '../config/runtime.ts';
import {
  type ClusterOutcome,
  countOutcomes,
  type FleetClusterEntry,
  type FleetManifest,
  type FleetSkip,
  summaryOf,
} from '../core/fleet.ts';
import type { ResultsStore } from '../core/ports.ts';
import { createFleetReportRenderer, type FleetReportRenderer } from '../report/fleet-render.ts';
import { buildFleetReportView, type FleetCheckInfo } from '../report/fleet-view-model.ts';
import {
  FLEET_REPORT_ARTIFACT,
  type FleetCluster,
  getClusterList,
  getEntry,
  getSkipped,
  HTML_CONTENT_TYPE,
} from '../scan/fleet-artifacts.ts';
import { assessSnapshot, kindsToRead } from '../scan/pipeline.ts';
import { clusterKeyOf, isValidScanId } from '../store/keys.ts';
import { S3ResultsStore } from '../store/s3-results-store.ts';
import {
  COUNT,
  type DepsSource,
  errorText,
  type HandlerContext,
  type HandlerLogger,
  type HandlerMetrics,
  InvalidEventError,
  lazy,
  powertools,
  resolver,
  withLambdaContext,
} from './lib/runtime.ts';

/**
 * The last state of a fleet scan: gathers every cluster's entry, writes the fleet manifest
 * (`scans/{scanId}/manifest.json`) and renders the fleet report
 * (`scans/{scanId}/report.html`). A cluster without an entry — its Lambda died, timed out
 * or was never run — is in the manifest as `error` ("scan did not finish"); one whose
 * entry is missing but whose result was stored is rebuilt from the result.
 *
 * Input: discover's output, passed through (`{ scanId, startedAt, skipped, … }`).
 * Env: RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, EMAIL_FROM?, EMAIL_TO?, REPORT_BASE_URL? (the
 * email digest arrives with a later issue; the settings are read and validated already).
 */

export interface ReportEvent {
  scanId: string;
  startedAt?: string;
  skipped?: FleetSkip[];
  [passedThrough: string]: unknown;
}

export interface ReportOutput {
  scanId: string;
  manifestKey: string;
  reportKey: string;
  counts: Record<ClusterOutcome, number> & { clusters: number; skipped: number };
}

export interface ReportDeps {
  config: ReportConfig;
  store: ResultsStore;
  /** Built on first use: the templates are read and compiled once per container. */
  renderer(): FleetReportRenderer;
  checks: readonly FleetCheckInfo[];
  now(): Date;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
}

/** Entries read at once. */
const READ_CONCURRENCY = 16;

export const NOT_FINISHED_REASON =
  'scan did not finish: no entry was stored for this cluster (its scan-cluster invocation failed, timed out or never ran; see the map run of the execution)';

const eventSchema = z.object({
  scanId: z.string().refine(isValidScanId, 'scanId must be a scan id such as 20261123T154000Z-3f9a1c'),
  startedAt: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'startedAt must be an ISO time')
    .optional(),
  skipped: z
    .array(z.object({ accountId: z.string(), region: z.string().optional(), reason: z.string() }))
    .optional(),
});

async function entryOf(
  store: ResultsStore,
  scanId: string,
  cluster: FleetCluster,
  /** Cluster key → result key of every result stored for the scan. */
  stored: ReadonlyMap<string, string>,
): Promise<FleetClusterEntry> {
  const clusterKey = clusterKeyOf(cluster);
  let problem: string | undefined;
  try {
    const entry = await getEntry(store, scanId, cluster);
    if (entry !== undefined) return entry;
  } catch (error) {
    problem = errorText(error);
  }
  // The result may be there although its entry is not (the entry write failed).
  const resultKey = stored.get(clusterKey);
  if (resultKey !== undefined) {
    const result = await store.getResult(resultKey);
    if (result !== undefined) {
      const assessment = assessSnapshot(result, kindsToRead());
      const rebuilt = `rebuilt from the stored result (${problem ?? 'entry.json was missing'})`;
      return {
        cluster,
        clusterKey,
        outcome: assessment.outcome,
        reason: assessment.reason === undefined ? rebuilt : `${assessment.reason}; ${rebuilt}`,
        resultKey,
        summary: summaryOf(result),
      };
    }
  }
  return {
    cluster,
    clusterKey,
    outcome: 'error',
    reason: problem === undefined ? NOT_FINISHED_REASON : `${NOT_FINISHED_REASON}; entry.json: ${problem}`,
  };
}

export function createHandler(source: DepsSource<ReportDeps>) {
  const deps = resolver(source);
  return async (event: ReportEvent, context?: HandlerContext): Promise<ReportOutput> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(
        "report expects discover's output { scanId, startedAt, skipped }: " +
          parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '),
      );
    }
    const { scanId } = parsed.data;
    const { store, logger, metrics, now } = deps();
    withLambdaContext(logger, context);
    logger.appendKeys({ scanId });
    try {
      const clusters = await getClusterList(store, scanId);
      if (clusters === undefined) {
        throw new InvalidEventError(
          `scan ${scanId} has no clusters.json: discover did not run for it, or its objects were removed`,
        );
      }
      const stored = new Map(
        (await store.listResults(scanId)).map((location) => [location.clusterKey, location.key] as const),
      );
      const limit = createLimiter(READ_CONCURRENCY);
      const entries = await Promise.all(
        clusters.map((cluster) => limit(() => entryOf(store, scanId, cluster, stored))),
      );
      entries.sort((a, b) => (a.clusterKey < b.clusterKey ? -1 : a.clusterKey > b.clusterKey ? 1 : 0));

      const skipped = (await getSkipped(store, scanId)) ?? parsed.data.skipped ?? [];
      const manifest: FleetManifest = {
        schemaVersion: 1,
        scanId,
        startedAt: parsed.data.startedAt ?? now().toISOString(),
        finishedAt: now().toISOString(),
        clusters: entries,
        skipped: skipped.map((skip) => ({
          accountId: skip.accountId,
          ...(skip.region === undefined ? {} : { region: skip.region }),
          reason: skip.reason,
        })),
      };
      const manifestKey = await store.putManifest(manifest);
      const html = deps().renderer().renderFleetReport(buildFleetReportView(manifest, deps().checks));
      const reportKey = await store.putScanArtifact(scanId, FLEET_REPORT_ARTIFACT, html, HTML_CONTENT_TYPE);

      const outcomes = countOutcomes(entries);
      const notFinished = entries.filter((entry) => entry.reason?.startsWith(NOT_FINISHED_REASON)).length;
      metrics.addMetric('ClustersNotFinished', COUNT, notFinished);
      logger.info('fleet report written', {
        manifestKey,
        reportKey,
        clusters: entries.length,
        ...outcomes,
        notFinished,
        skipped: manifest.skipped.length,
      });
      return {
        scanId,
        manifestKey,
        reportKey,
        counts: { clusters: entries.length, ...outcomes, skipped: manifest.skipped.length },
      };
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

export function buildDeps(env: NodeJS.ProcessEnv = process.env): () => ReportDeps {
  return () => {
    const config = reportConfig(env);
    const { logger, metrics } = powertools('watchkeeper-report');
    return {
      config,
      store: new S3ResultsStore({
        bucket: config.results.bucket,
        ...(config.results.kmsKeyId === undefined ? {} : { kmsKeyId: config.results.kmsKeyId }),
      }),
      renderer: lazy(() => createFleetReportRenderer()),
      checks: CHECKS,
      now: () => new Date(),
      logger,
      metrics,
    };
  };
}

export const handler = createHandler(buildDeps());
