import * as z from '../config/zod.ts';
import { CLUSTER_OUTCOMES, type FleetClusterEntry, type FleetSkip } from '../core/fleet.ts';
import type { ClusterRef } from '../core/model.ts';
import { SEVERITIES } from '../core/model.ts';
import type { ResultsStore } from '../core/ports.ts';
import { CorruptStoreObjectError, JSON_CONTENT_TYPE } from '../store/codec.ts';
import { artifactKey, clusterKeyOf, resultKey, scanArtifactKey } from '../store/keys.ts';

/**
 * The files a fleet scan passes between its steps, beside the results in the store:
 *
 *   scans/{scanId}/clusters.json                        discover → the Distributed Map's ItemReader
 *   scans/{scanId}/skipped.json                         discover → report (the whole skip list)
 *   scans/{scanId}/execution.json                       discover → GET /scans/{scanId} (the run's execution)
 *   scans/{scanId}/clusters/{clusterKey}/entry.json     scan-cluster → report, GET /clusters
 *
 * Each is validated when read back: the state machine hands them between functions, and a
 * file edited or truncated in the bucket must not turn into a key outside the layout.
 */

export const CLUSTERS_ARTIFACT = 'clusters.json';
export const SKIPPED_ARTIFACT = 'skipped.json';
export const EXECUTION_ARTIFACT = 'execution.json';
export const ENTRY_ARTIFACT = 'entry.json';
export const FLEET_REPORT_ARTIFACT = 'report.html';
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html#API_CreateCluster_RequestSyntax
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const EKS_CLUSTER_ARN =
  /^arn:aws[a-z-]*:eks:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:cluster\/[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** A cluster of the fleet as discover lists it: always in an AWS account and region. */
export const fleetClusterSchema = z
  .strictObject({
    accountId: z.string().check(z.regex(ACCOUNT_ID, 'accountId must be a 12-digit AWS account id')),
    region: z.string().check(z.regex(REGION, 'region must be an AWS region code such as eu-west-1')),
    name: z.string().check(z.regex(EKS_CLUSTER_NAME, 'name must be an EKS cluster name')),
    arn: z.optional(z.string().check(z.regex(EKS_CLUSTER_ARN, 'arn must be an EKS cluster ARN'))),
  })
  .check(
    z.superRefine((cluster, ctx) => {
      if (cluster.arn !== undefined && cluster.arn !== expectedArn(cluster)) {
        ctx.addIssue({
          code: 'custom',
          path: ['arn'],
          message: `arn does not name cluster ${cluster.name} in ${cluster.accountId}/${cluster.region}`,
        });
      }
    }),
  );

/** The ARN's account, region and name must be the cluster's own. */
function expectedArn(cluster: { accountId: string; region: string; name: string; arn?: string }): string {
  const partition = cluster.arn?.split(':')[1] ?? 'aws';
  return `arn:${partition}:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`;
}

export type FleetCluster = z.output<typeof fleetClusterSchema>;

const skipSchema = z.strictObject({
  accountId: z.string().check(z.minLength(1)),
  region: z.optional(z.string()),
  reason: z.string(),
});

const scoreSchema = z.object({
  compliance: z.nullable(z.number()),
  coverage: z.nullable(z.number()),
  counts: z.record(z.string(), z.number()),
});

const areaSchema = z.object({
  failing: z.number(),
  worstSeverity: z.optional(z.enum(SEVERITIES)),
  passed: z.number(),
  notEvaluated: z.number(),
});

const entrySchema = z.object({
  cluster: fleetClusterSchema,
  clusterKey: z.string(),
  outcome: z.enum(CLUSTER_OUTCOMES),
  reason: z.optional(z.string()),
  resultKey: z.optional(z.string()),
  summary: z.optional(
    z.object({
      overall: scoreSchema,
      failingBySeverity: z.object(Object.fromEntries(SEVERITIES.map((severity) => [severity, z.number()]))),
      gaps: z.number(),
      failingChecks: z.optional(z.array(z.string())),
      // Keyed by string, not the area enum: an area added later must not make older code refuse the entry.
      areas: z.optional(z.record(z.string(), areaSchema)),
    }),
  ),
});

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CorruptStoreObjectError(`${key} is not valid JSON (${text.length} characters)`);
  }
}

function problems(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

export function clustersKeyOf(scanId: string): string {
  return scanArtifactKey(scanId, CLUSTERS_ARTIFACT);
}

export function entryKeyOf(scanId: string, cluster: ClusterRef): string {
  return artifactKey(scanId, clusterKeyOf(cluster), ENTRY_ARTIFACT);
}

/** Writes `clusters.json` (the JSON array the Distributed Map reads) and returns its key. */
export function putClusterList(
  store: ResultsStore,
  scanId: string,
  clusters: readonly ClusterRef[],
): Promise<string> {
  return store.putScanArtifact(scanId, CLUSTERS_ARTIFACT, `${JSON.stringify(clusters)}\n`, JSON_CONTENT_TYPE);
}

/** The clusters of a scan, or undefined when discover never wrote the list. */
export async function getClusterList(
  store: ResultsStore,
  scanId: string,
): Promise<FleetCluster[] | undefined> {
  const key = clustersKeyOf(scanId);
  const artifact = await store.getArtifact(key);
  if (artifact === undefined) return undefined;
  const parsed = z
    .array(fleetClusterSchema)
    .safeParse(parseJson(new TextDecoder().decode(artifact.body), key));
  if (!parsed.success)
    throw new CorruptStoreObjectError(`${key} is not a list of clusters: ${problems(parsed.error)}`);
  return parsed.data;
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
const EXECUTION_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[^\s:/]{1,80}$/;

export function isExecutionArn(value: string): boolean {
  return EXECUTION_ARN.test(value);
}

/**
 * Records which state machine execution runs a scan. An execution the API started is named
 * after its scan id; one the nightly schedule started has a generated name, and this is how
 * `GET /scans/{scanId}` finds it.
 */
export function putExecution(store: ResultsStore, scanId: string, executionArn: string): Promise<string> {
  if (!isExecutionArn(executionArn)) {
    throw new TypeError(`not a Step Functions execution ARN: ${JSON.stringify(executionArn.slice(0, 200))}`);
  }
  return store.putScanArtifact(
    scanId,
    EXECUTION_ARTIFACT,
    `${JSON.stringify({ executionArn })}\n`,
    JSON_CONTENT_TYPE,
  );
}

/** The execution ARN recorded for a scan, or undefined when none was. */
export async function getExecution(store: ResultsStore, scanId: string): Promise<string | undefined> {
  const key = scanArtifactKey(scanId, EXECUTION_ARTIFACT);
  const artifact = await store.getArtifact(key);
  if (artifact === undefined) return undefined;
  const parsed = z
    .object({ executionArn: z.string().check(z.regex(EXECUTION_ARN, 'not a Step Functions execution ARN')) })
    .safeParse(parseJson(new TextDecoder().decode(artifact.body), key));
  if (!parsed.success)
    throw new CorruptStoreObjectError(`${key} is not an execution record: ${problems(parsed.error)}`);
  return parsed.data.executionArn;
}

export function putSkipped(
  store: ResultsStore,
  scanId: string,
  skipped: readonly FleetSkip[],
): Promise<string> {
  return store.putScanArtifact(scanId, SKIPPED_ARTIFACT, `${JSON.stringify(skipped)}\n`, JSON_CONTENT_TYPE);
}

export async function getSkipped(store: ResultsStore, scanId: string): Promise<FleetSkip[] | undefined> {
  const key = scanArtifactKey(scanId, SKIPPED_ARTIFACT);
  const artifact = await store.getArtifact(key);
  if (artifact === undefined) return undefined;
  const parsed = z.array(skipSchema).safeParse(parseJson(new TextDecoder().decode(artifact.body), key));
  if (!parsed.success)
    throw new CorruptStoreObjectError(`${key} is not a list of skips: ${problems(parsed.error)}`);
  return parsed.data.map((skip) => ({
    accountId: skip.accountId,
    ...(skip.region === undefined ? {} : { region: skip.region }),
    reason: skip.reason,
  }));
}

export function putEntry(store: ResultsStore, scanId: string, entry: FleetClusterEntry): Promise<string> {
  return store.putArtifact(
    scanId,
    entry.clusterKey,
    ENTRY_ARTIFACT,
    `${JSON.stringify(entry, null, 2)}\n`,
    JSON_CONTENT_TYPE,
  );
}

/**
 * The entry scan-cluster stored for a cluster of a scan, or undefined when there is none.
 * It must be that cluster's (key and result key included), or it is refused as corrupt.
 */
export async function getEntry(
  store: ResultsStore,
  scanId: string,
  cluster: ClusterRef,
): Promise<FleetClusterEntry | undefined> {
  const key = entryKeyOf(scanId, cluster);
  const artifact = await store.getArtifact(key);
  if (artifact === undefined) return undefined;
  const parsed = entrySchema.safeParse(parseJson(new TextDecoder().decode(artifact.body), key));
  if (!parsed.success)
    throw new CorruptStoreObjectError(`${key} is not a cluster entry: ${problems(parsed.error)}`);
  const entry = parsed.data as FleetClusterEntry;
  const clusterKey = clusterKeyOf(cluster);
  if (clusterKeyOf(entry.cluster) !== clusterKey || entry.clusterKey !== clusterKey) {
    throw new CorruptStoreObjectError(`${key} holds the entry of another cluster`);
  }
  if (entry.resultKey !== undefined && entry.resultKey !== resultKey(scanId, clusterKey)) {
    throw new CorruptStoreObjectError(`${key} points at a result outside its scan and cluster`);
  }
  return entry;
}
