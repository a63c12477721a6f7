import { CHECKS } from '../checks/index.ts';
import { createLimiter } from '../collect/limit.ts';
import { type ReportConfig, reportConfig } from '../config/runtime.ts';
import * as z from '../config/zod.ts';
import {
  type ClusterOutcome,
  countOutcomes,
  type FleetClusterEntry,
  type FleetManifest,
  type FleetSkip,
  type FleetTrendPoint,
  summaryOf,
} from '../core/fleet.ts';
import type { ResultsStore } from '../core/ports.ts';
import { type EmailSender, SesSender } from '../notify/ses-sender.ts';
import { buildDigest } from '../report/digest.ts';
import { createDigestRenderer, type DigestRenderer } from '../report/digest-render.ts';
import { createFleetReportRenderer, type FleetReportRenderer } from '../report/fleet-render.ts';
import { buildFleetReportView, type FleetCheckInfo } from '../report/fleet-view-model.ts';
import { areaOfCheck } from '../scan/check-areas.ts';
import {
  FLEET_REPORT_ARTIFACT,
  type FleetCluster,
  getClusterList,
  getEntry,
  getSkipped,
  HTML_CONTENT_TYPE,
} from '../scan/fleet-artifacts.ts';
import { putTrendPoint, readFleetHistory } from '../scan/fleet-history.ts';
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
 * Env: RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, EMAIL_FROM?, EMAIL_TO?, REPORT_BASE_URL?.
 *
 * When EMAIL_FROM and EMAIL_TO are set, the email digest (compared with the previous fleet
 * scan's manifest, linking to `{REPORT_BASE_URL}scans/{scanId}/report`) is sent after the
 * manifest and the report are written. A digest that cannot be built or sent is logged and
 * reported in the output (`email.status: 'failed'`); it never fails the fleet scan.
 */

export interface ReportEvent {
  scanId: string;
  startedAt?: string;
  skipped?: FleetSkip[];
  [passedThrough: string]: unknown;
}

/** What became of the digest; absent when no email is configured. */
export type DigestOutcome =
  | { status: 'sent'; recipients: number; messageId?: string; previousScanId: string | null }
  | { status: 'failed'; error: string };

export interface ReportOutput {
  scanId: string;
  manifestKey: string;
  reportKey: string;
  counts: Record<ClusterOutcome, number> & { clusters: number; skipped: number };
  email?: DigestOutcome;
}

export interface ReportDeps {
  /** What the report reads of its configuration (the results bucket is the store's business). */
  config: Pick<ReportConfig, 'email' | 'reportBaseUrl'>;
  store: ResultsStore;
  /** Built on first use: the templates are read and compiled once per container. */
  renderer(): FleetReportRenderer;
  /** The digest's templates; the repository's `templates/email/` when absent. */
  digestRenderer?(): DigestRenderer;
  /** Sends the digest when `config.email` is set; an SES sender from that config when absent. */
  emailSender?(): EmailSender;
  checks: readonly FleetCheckInfo[];
  now(): Date;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
}

/** Entries read at once. */
const READ_CONCURRENCY = 16;
/** Entries in each list of the digest. */
export const DIGEST_MAX_ITEMS = 10;
/** Older scan ids looked at for the previous manifest (a scan may have stored none). */
const PREVIOUS_SCANS_TRIED = 5;
/** Fleet scans in the report's trend, this one included. */
export const TREND_POINTS = 30;

export const NOT_FINISHED_REASON =
  'scan did not finish: no entry was stored for this cluster (its scan-cluster invocation failed, timed out or never ran; see the map run of the execution)';

const eventSchema = z.object({
  scanId: z
    .string()
    .check(z.refine(isValidScanId, 'scanId must be a scan id such as 20261123T154000Z-3f9a1c')),
  startedAt: z.optional(
    z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'startedAt must be an ISO time')),
  ),
  skipped: z.optional(
    z.array(z.object({ accountId: z.string(), region: z.optional(z.string()), reason: z.string() })),
  ),
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
        summary: summaryOf(result, areaOfCheck),
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

/** The manifest of the latest scan before `scanId` that has one, if any. */
async function previousManifest(store: ResultsStore, scanId: string): Promise<FleetManifest | undefined> {
  // Every id: a scan started after this one (an on-demand run) may be among the newest.
  const ids = await store.listScanIds();
  const older = ids.filter((id) => id < scanId).slice(0, PREVIOUS_SCANS_TRIED);
  for (const id of older) {
    const manifest = await store.getManifest(id);
    if (manifest !== undefined) return manifest;
  }
  return undefined;
}

/** The fleet scans before this one for the trend; none (a one-point trend) when they cannot be listed. */
async function trendHistory(
  store: ResultsStore,
  scanId: string,
  logger: HandlerLogger,
): Promise<FleetTrendPoint[]> {
  try {
    const history = await readFleetHistory(store, scanId, { maxPoints: TREND_POINTS - 1 });
    if (history.unreadable > 0) {
      logger.warn('trend: some earlier manifests could not be read and are left out', {
        unreadable: history.unreadable,
      });
    }
    return history.points;
  } catch (error) {
    logger.warn('trend: the earlier scans could not be listed; the trend shows this scan only', {
      error: errorText(error),
    });
    return [];
  }
}

/** `{base}scans/{scanId}/report`, the API's report route; the base is an https URL. */
export function reportUrlOf(base: string | undefined, scanId: string): string | undefined {
  if (base === undefined) return undefined;
  return new URL(`scans/${encodeURIComponent(scanId)}/report`, base.endsWith('/') ? base : `${base}/`).href;
}

async function sendDigest(deps: ReportDeps, manifest: FleetManifest): Promise<DigestOutcome | undefined> {
  const { config, store, logger } = deps;
  if (config.email === undefined) return undefined;
  try {
    let previous: FleetManifest | undefined;
    try {
      previous = await previousManifest(store, manifest.scanId);
    } catch (error) {
      logger.warn('digest: the previous manifest could not be read; nothing is shown as new', {
        error: errorText(error),
      });
    }
    const reportUrl = reportUrlOf(config.reportBaseUrl, manifest.scanId);
    const view = buildDigest(manifest, {
      ...(previous === undefined ? {} : { previousManifest: previous }),
      ...(reportUrl === undefined ? {} : { reportUrl }),
      maxItems: DIGEST_MAX_ITEMS,
      checks: deps.checks,
    });
    const message = (deps.digestRenderer?.() ?? createDigestRenderer()).renderDigest(view);
    const sender = deps.emailSender?.() ?? new SesSender({ from: config.email.from, to: config.email.to });
    const sent = await sender.send(message);
    logger.info('digest sent', {
      recipients: config.email.to.length,
      previousScanId: previous?.scanId ?? null,
      ...(sent.messageId === undefined ? {} : { messageId: sent.messageId }),
    });
    return {
      status: 'sent',
      recipients: config.email.to.length,
      ...(sent.messageId === undefined ? {} : { messageId: sent.messageId }),
      previousScanId: previous?.scanId ?? null,
    };
  } catch (error) {
    const text = errorText(error);
    logger.error('digest not sent: the fleet scan and its report are complete', { error: text });
    return { status: 'failed', error: text };
  }
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
      await putTrendPoint(store, manifest);
      const history = await trendHistory(store, scanId, logger);
      const html = deps()
        .renderer()
        .renderFleetReport(
          buildFleetReportView(manifest, deps().checks, { history, maxTrendPoints: TREND_POINTS }),
        );
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
      const email = await sendDigest(deps(), manifest);
      return {
        scanId,
        manifestKey,
        reportKey,
        counts: { clusters: entries.length, ...outcomes, skipped: manifest.skipped.length },
        ...(email === undefined ? {} : { email }),
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
    const { email } = config;
    const { logger, metrics } = powertools('watchkeeper-report');
    return {
      config,
      store: new S3ResultsStore({
        bucket: config.results.bucket,
        ...(config.results.kmsKeyId === undefined ? {} : { kmsKeyId: config.results.kmsKeyId }),
      }),
      renderer: lazy(() => createFleetReportRenderer()),
      digestRenderer: lazy(() => createDigestRenderer()),
      ...(email === undefined ? {} : { emailSender: lazy(() => new SesSender(email)) }),
      checks: CHECKS,
      now: () => new Date(),
      logger,
      metrics,
    };
  };
}

export const handler = createHandler(buildDeps());
