import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createLimiter } from '../collect/limit.ts';
import { type ApiConfig, apiConfig } from '../config/runtime.ts';
import { countOutcomes, type FleetManifest, summaryOf } from '../core/fleet.ts';
import type { LatestEntry, ResultsStore } from '../core/ports.ts';
import { FLEET_REPORT_CSP } from '../report/fleet-render.ts';
import { areaOfCheck } from '../scan/check-areas.ts';
import { FLEET_REPORT_ARTIFACT, getClusterList, getEntry, getExecution } from '../scan/fleet-artifacts.ts';
import { assessSnapshot, kindsToRead, MAX_SCAN_ID_LENGTH, newScanId } from '../scan/pipeline.ts';
import { CorruptStoreObjectError } from '../store/codec.ts';
import { isValidScanId, parseClusterKey, scanArtifactKey } from '../store/keys.ts';
import { S3ResultsStore } from '../store/s3-results-store.ts';
import {
  COUNT,
  type DepsSource,
  errorText,
  type HandlerContext,
  type HandlerLogger,
  type HandlerMetrics,
  powertools,
  resolver,
  withLambdaContext,
} from './lib/runtime.ts';

/**
 * The on-demand API behind API Gateway (REST, Lambda proxy integration, IAM authorization
 * at the gateway):
 *
 *   POST /scans                  body empty or {} → StartExecution named after a new scan id → 202 { scanId, executionArn }
 *   GET  /scans/{scanId}         the execution's status and the manifest's summary
 *   GET  /scans/{scanId}/report  the fleet report (text/html)
 *   GET  /clusters               the latest posture of every cluster (?limit=1..200&next=…)
 *
 * Errors are JSON `{ message }`: 400 for a malformed request, 404 for an unknown scan or
 * route, 405 for a known route with another method. Env: STATE_MACHINE_ARN, RESULTS_BUCKET,
 * RESULTS_KMS_KEY_ID?.
 */

export interface ApiDeps {
  config: ApiConfig;
  store: ResultsStore;
  sfn: Pick<SFNClient, 'send'>;
  now(): Date;
  newScanId(now: Date): string;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
}

export type ApiEvent = Pick<APIGatewayProxyEvent, 'httpMethod' | 'path'> &
  Partial<
    Pick<
      APIGatewayProxyEvent,
      'resource' | 'pathParameters' | 'queryStringParameters' | 'body' | 'isBase64Encoded'
    >
  >;

export const DEFAULT_CLUSTERS_LIMIT = 50;
export const MAX_CLUSTERS_LIMIT = 200;
/** Sent with the HTML report; stricter than the page's own meta policy (framing is a header-only directive). */
export const REPORT_CSP = `${FLEET_REPORT_CSP}; frame-ancestors 'none'`;

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

class HttpError extends Error {
  override name = 'HttpError';
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

type Route = 'POST /scans' | 'GET /scans/{scanId}' | 'GET /scans/{scanId}/report' | 'GET /clusters';

interface Matched {
  route: Route;
  scanId?: string;
}

const RESOURCES: Record<string, { methods: Record<string, Route>; scanId: boolean }> = {
  '/scans': { methods: { POST: 'POST /scans' }, scanId: false },
  '/scans/{scanId}': { methods: { GET: 'GET /scans/{scanId}' }, scanId: true },
  '/scans/{scanId}/report': { methods: { GET: 'GET /scans/{scanId}/report' }, scanId: true },
  '/clusters': { methods: { GET: 'GET /clusters' }, scanId: false },
};

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
}

/** The resource template and scan id of a request: from API Gateway's `resource`, else from the path. */
function resourceOf(event: ApiEvent): { resource: string; scanId?: string } | undefined {
  if (event.resource !== undefined && Object.hasOwn(RESOURCES, event.resource)) {
    const scanId = event.pathParameters?.scanId;
    return scanId === undefined || scanId === null
      ? { resource: event.resource }
      : { resource: event.resource, scanId };
  }
  const segments = (event.path ?? '').split('/').filter((segment) => segment !== '');
  const [first, second, third, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (first === 'clusters' && second === undefined) return { resource: '/clusters' };
  if (first !== 'scans') return undefined;
  if (second === undefined) return { resource: '/scans' };
  if (third === undefined) return { resource: '/scans/{scanId}', scanId: decodeSegment(second) };
  if (third === 'report') return { resource: '/scans/{scanId}/report', scanId: decodeSegment(second) };
  return undefined;
}

function match(event: ApiEvent): Matched {
  const found = resourceOf(event);
  const definition = found === undefined ? undefined : RESOURCES[found.resource];
  if (found === undefined || definition === undefined) {
    throw new HttpError(404, `no such route: ${event.httpMethod} ${String(event.path).slice(0, 200)}`);
  }
  const route = definition.methods[event.httpMethod];
  if (route === undefined) {
    const allowed = Object.keys(definition.methods).join(', ');
    throw new HttpError(405, `${event.httpMethod} is not allowed on ${found.resource}; use ${allowed}`, {
      allow: allowed,
    });
  }
  if (!definition.scanId) return { route };
  const scanId = found.scanId ?? '';
  if (!isValidScanId(scanId)) {
    throw new HttpError(
      400,
      'malformed scan id: use 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit, as POST /scans returns it (e.g. 20261123T154000Z-3f9a1c)',
    );
  }
  return { route, scanId };
}

/** POST /scans accepts no body, an empty one, or `{}`: a scan covers the fleet configured at deploy time. */
function assertEmptyBody(event: ApiEvent): void {
  if (event.body === undefined || event.body === null) return;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON; send no body or {}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0) {
    throw new HttpError(
      400,
      'POST /scans takes no parameters: send no body or {} (a scan covers the fleet configured at deploy time)',
    );
  }
}

/** The ARN of the execution named `scanId` (execution names are scan ids, see POST /scans). */
export function executionArnOf(stateMachineArn: string, scanId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${scanId}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

async function startScan(deps: ApiDeps, event: ApiEvent): Promise<APIGatewayProxyResult> {
  assertEmptyBody(event);
  const scanId = deps.newScanId(deps.now());
  try {
    const { executionArn } = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.config.stateMachineArn,
        name: scanId,
        input: JSON.stringify({ scanId }),
      }),
    );
    deps.metrics.addMetric('ScansStarted', COUNT, 1);
    // Published here: the read routes record no metric, and an empty flush only logs a warning.
    deps.metrics.publishStoredMetrics();
    deps.logger.info('scan started', { scanId, executionArn });
    return json(
      202,
      { scanId, executionArn: executionArn ?? executionArnOf(deps.config.stateMachineArn, scanId) },
      { location: `/scans/${scanId}` },
    );
  } catch (error) {
    switch (errorName(error)) {
      case 'ExecutionAlreadyExists':
        throw new HttpError(409, `a scan named ${scanId} already exists; try again`);
      case 'ExecutionLimitExceeded':
        throw new HttpError(429, 'too many scans are running; try again when one has finished', {
          'retry-after': '60',
        });
      default:
        throw error;
    }
  }
}

function executionView(execution: DescribeExecutionOutput | undefined) {
  if (execution === undefined) return null;
  return {
    executionArn: execution.executionArn ?? null,
    status: execution.status ?? null,
    startDate: execution.startDate?.toISOString() ?? null,
    stopDate: execution.stopDate?.toISOString() ?? null,
  };
}

function manifestSummary(manifest: FleetManifest) {
  const scores = manifest.clusters
    .filter((entry) => entry.outcome === 'scanned')
    .map((entry) => entry.summary?.overall.compliance)
    .filter((value): value is number => typeof value === 'number');
  return {
    startedAt: manifest.startedAt,
    finishedAt: manifest.finishedAt,
    clusters: manifest.clusters.length,
    outcomes: countOutcomes(manifest.clusters),
    skipped: manifest.skipped.length,
    meanCompliance:
      scores.length === 0 ? null : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10,
  };
}

async function describeExecution(
  deps: ApiDeps,
  executionArn: string,
): Promise<DescribeExecutionOutput | undefined> {
  try {
    return await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
    return undefined;
  }
}

/**
 * The execution discover recorded for a scan (`execution.json`): how a run the schedule started
 * under a generated name is found. Only an execution of this API's state machine is followed.
 */
async function recordedExecution(deps: ApiDeps, scanId: string): Promise<string | undefined> {
  let executionArn: string | undefined;
  try {
    executionArn = await getExecution(deps.store, scanId);
  } catch (error) {
    if (!(error instanceof CorruptStoreObjectError)) throw error;
    deps.logger.warn('the execution record of a scan is unreadable', { scanId, error: error.message });
    return undefined;
  }
  const ours = `${deps.config.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  if (executionArn === undefined || executionArn.startsWith(ours)) return executionArn;
  deps.logger.warn('the execution recorded for a scan is not of this state machine', { scanId });
  return undefined;
}

async function getScan(deps: ApiDeps, scanId: string): Promise<APIGatewayProxyResult> {
  // Longer ids name stored (e.g. CLI) scans, never an execution.
  let execution =
    scanId.length <= MAX_SCAN_ID_LENGTH
      ? await describeExecution(deps, executionArnOf(deps.config.stateMachineArn, scanId))
      : undefined;
  if (execution === undefined) {
    // A scheduled run's execution has a generated name: discover recorded it with the scan.
    const recorded = await recordedExecution(deps, scanId);
    if (recorded !== undefined) execution = await describeExecution(deps, recorded);
  }
  const manifest = await deps.store.getManifest(scanId);
  const clusters = manifest === undefined ? await getClusterList(deps.store, scanId) : undefined;
  if (execution === undefined && manifest === undefined && clusters === undefined) {
    throw new HttpError(404, `no scan ${scanId}`);
  }
  const status = execution?.status ?? (manifest !== undefined ? 'REPORTED' : 'UNKNOWN');
  return json(200, {
    scanId,
    status,
    execution: executionView(execution),
    summary: manifest === undefined ? null : manifestSummary(manifest),
    discovered: manifest === undefined ? (clusters?.length ?? null) : manifest.clusters.length,
    report: manifest === undefined ? null : `/scans/${scanId}/report`,
  });
}

async function getReport(deps: ApiDeps, scanId: string): Promise<APIGatewayProxyResult> {
  const artifact = await deps.store.getArtifact(scanArtifactKey(scanId, FLEET_REPORT_ARTIFACT));
  if (artifact === undefined) throw new HttpError(404, `scan ${scanId} has no fleet report (yet)`);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': REPORT_CSP,
      'x-frame-options': 'DENY',
      ...COMMON_HEADERS,
    },
    body: new TextDecoder().decode(artifact.body),
  };
}

function cursorOf(clusterKey: string): string {
  return Buffer.from(clusterKey, 'utf8').toString('base64url');
}

function clusterKeyOfCursor(cursor: string): string {
  const clusterKey = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  try {
    parseClusterKey(clusterKey);
  } catch {
    throw new HttpError(400, 'next is not a cursor this API returned; start again without it');
  }
  return clusterKey;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CLUSTERS_LIMIT;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLUSTERS_LIMIT) {
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_CLUSTERS_LIMIT}`);
  }
  return limit;
}

async function clusterPosture(deps: ApiDeps, latest: LatestEntry) {
  const cluster = parseClusterKey(latest.clusterKey);
  const pointer = latest.pointer;
  const base = { clusterKey: latest.clusterKey, cluster };
  if (pointer === undefined)
    return { ...base, problem: latest.problem ?? 'the latest pointer cannot be read' };
  const latestView = { scanId: pointer.scanId, finishedAt: pointer.finishedAt, resultKey: pointer.key };
  let entry: Awaited<ReturnType<typeof getEntry>>;
  try {
    entry = await getEntry(deps.store, pointer.scanId, cluster);
  } catch (error) {
    if (!(error instanceof CorruptStoreObjectError)) throw error;
  }
  if (entry !== undefined) {
    return {
      ...base,
      cluster: entry.cluster,
      ...latestView,
      outcome: entry.outcome,
      reason: entry.reason ?? null,
      summary: entry.summary ?? null,
    };
  }
  // A result stored without a fleet entry (e.g. a result copied in by hand).
  const result = await deps.store.getResult(pointer.key);
  if (result === undefined)
    return { ...base, ...latestView, problem: 'the latest result is no longer stored' };
  const assessment = assessSnapshot(result, kindsToRead());
  return {
    ...base,
    cluster: result.cluster,
    ...latestView,
    outcome: assessment.outcome,
    reason: assessment.reason ?? null,
    summary: summaryOf(result, areaOfCheck),
  };
}

async function listClusters(deps: ApiDeps, event: ApiEvent): Promise<APIGatewayProxyResult> {
  const query = event.queryStringParameters ?? {};
  const unknown = Object.keys(query).filter((key) => key !== 'limit' && key !== 'next');
  if (unknown.length > 0)
    throw new HttpError(400, `unknown query parameter ${unknown[0]}; use limit and next`);
  const limit = limitOf(query.limit ?? undefined);
  const after = query.next === undefined || query.next === null ? undefined : clusterKeyOfCursor(query.next);
  const page = await deps.store.listLatest({ limit, ...(after === undefined ? {} : { after }) });
  const read = createLimiter(16);
  const clusters = await Promise.all(page.entries.map((entry) => read(() => clusterPosture(deps, entry))));
  return json(200, { clusters, ...(page.next === undefined ? {} : { next: cursorOf(page.next) }) });
}

export function createHandler(source: DepsSource<ApiDeps>) {
  const resolve = resolver(source);
  return async (event: ApiEvent, context?: HandlerContext): Promise<APIGatewayProxyResult> => {
    let matched: Matched;
    try {
      matched = match(event);
    } catch (error) {
      if (error instanceof HttpError)
        return json(error.statusCode, { message: error.message }, error.headers);
      throw error;
    }
    let deps: ApiDeps;
    try {
      deps = resolve();
    } catch (error) {
      // No logger without a configuration: the runtime's own log gets the reason.
      console.error(`watchkeeper api: ${errorText(error)}`);
      return json(500, { message: 'the API is not configured; the reason is in the function log' });
    }
    withLambdaContext(deps.logger, context);
    deps.logger.appendKeys({ route: matched.route, ...(matched.scanId ? { scanId: matched.scanId } : {}) });
    try {
      switch (matched.route) {
        case 'POST /scans':
          return await startScan(deps, event);
        case 'GET /scans/{scanId}':
          return await getScan(deps, matched.scanId as string);
        case 'GET /scans/{scanId}/report':
          return await getReport(deps, matched.scanId as string);
        case 'GET /clusters':
          return await listClusters(deps, event);
      }
    } catch (error) {
      if (error instanceof HttpError)
        return json(error.statusCode, { message: error.message }, error.headers);
      deps.logger.error('request failed', { error: errorText(error), requestId: context?.awsRequestId });
      return json(500, { message: 'internal error; the request id is in the function log' });
    } finally {
      deps.logger.resetKeys();
    }
  };
}

export function buildDeps(env: NodeJS.ProcessEnv = process.env): () => ApiDeps {
  return () => {
    const config = apiConfig(env);
    const { logger, metrics } = powertools('watchkeeper-api');
    return {
      config,
      store: new S3ResultsStore({
        bucket: config.results.bucket,
        ...(config.results.kmsKeyId === undefined ? {} : { kmsKeyId: config.results.kmsKeyId }),
      }),
      sfn: new SFNClient({}),
      now: () => new Date(),
      newScanId,
      logger,
      metrics,
    };
  };
}

export const handler = createHandler(buildDeps());
