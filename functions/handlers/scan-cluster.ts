import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CHECKS } from '../checks/index.ts';
import { credentialsFor } from '../collect/aws-credentials.ts';
import { ClientNodeKubeReader } from '../collect/client-node-reader.ts';
import type { CollectInput } from '../collect/collector.ts';
import { createEksTokenProvider } from '../collect/token-provider.ts';
import { type ScanClusterConfig, scanClusterConfig } from '../config/runtime.ts';
import * as z from '../config/zod.ts';
import type { ClusterOutcome, FleetClusterEntry } from '../core/fleet.ts';
import type { ResultsStore } from '../core/ports.ts';
import { fleetClusterSchema } from '../scan/fleet-artifacts.ts';
import { type EksScanClients, scanEksCluster } from '../scan/scan-eks-cluster.ts';
import { MAX_SCAN_ID_LENGTH } from '../scan/scan-id.ts';
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
  type MetricName,
  powertools,
  resolver,
  withLambdaContext,
} from './lib/runtime.ts';

/**
 * One iteration of the Distributed Map: collect, evaluate and store one cluster, and return
 * its small fleet entry (`FleetClusterEntry`). Unreachable, forbidden or broken clusters are
 * outcomes, not failures: the handler throws only for an event that is not
 * `{ scanId, cluster: {accountId, region, name, arn} }` or an environment it cannot run with.
 *
 * Env: RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, AWS_REGION, MEMBER_ROLE_NAME?, EXTERNAL_ID?,
 * SCANNER_ACCOUNT_ID? (else STS GetCallerIdentity), POLICY? (JSON).
 */

export interface ScanClusterEvent {
  scanId: string;
  cluster: { accountId: string; region: string; name: string; arn?: string };
}

export type ScanClusterOutput = FleetClusterEntry;

/** The clients one invocation uses, released when it ends. */
export interface InvocationClients extends EksScanClients {
  dispose(): void;
}

export interface ScanClusterDeps {
  config: ScanClusterConfig;
  store: ResultsStore;
  /** Called once per invocation: nothing that reaches a cluster outlives its scan. */
  clients(): InvocationClients;
  now(): Date;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** Collector tuning (tests shorten retries). */
  collect?: Pick<CollectInput, 'concurrency' | 'pageSize' | 'retry'>;
}

/** Lambda time kept back from reading the cluster, to evaluate, store and return. */
export const EVALUATE_AND_STORE_MARGIN_MS = 60_000;

/** Per-request limits of the EKS/EC2/STS calls: one hung connection must not eat the Lambda. */
const AWS_REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 30_000 } as const;

const eventSchema = z.object({
  scanId: z
    .string()
    .check(
      z.refine(
        (id) => isValidScanId(id) && id.length <= MAX_SCAN_ID_LENGTH,
        `scanId must be 1-${MAX_SCAN_ID_LENGTH} characters of [A-Za-z0-9._-] starting with a letter or digit`,
      ),
    ),
  cluster: fleetClusterSchema,
});

const OUTCOME_METRIC: Record<ClusterOutcome, MetricName> = {
  scanned: 'ClustersScanned',
  unreachable: 'ClustersUnreachable',
  forbidden: 'ClustersForbidden',
  error: 'ClustersFailed',
};

export function createHandler(source: DepsSource<ScanClusterDeps>) {
  const deps = resolver(source);
  return async (event: ScanClusterEvent, context?: HandlerContext): Promise<ScanClusterOutput> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEventError(
        'scan-cluster expects { scanId, cluster: { accountId, region, name, arn } }: ' +
          parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '),
      );
    }
    const { scanId, cluster } = parsed.data;
    const { config, store, logger, metrics, now } = deps();
    withLambdaContext(logger, context);
    logger.appendKeys({
      scanId,
      accountId: cluster.accountId,
      region: cluster.region,
      cluster: cluster.name,
    });
    const clients = deps().clients();
    try {
      const remaining = context?.getRemainingTimeInMillis?.();
      const deadlineAt =
        remaining === undefined ? undefined : Date.now() + remaining - EVALUATE_AND_STORE_MARGIN_MS;
      const scan = await scanEksCluster(
        { scanId, cluster, ...(deadlineAt === undefined ? {} : { deadlineAt }) },
        {
          store,
          clients,
          policy: config.policy,
          homeRegion: config.region,
          checks: CHECKS,
          now,
          ...(config.memberRoleName === undefined ? {} : { memberRoleName: config.memberRoleName }),
          ...(config.externalId === undefined ? {} : { externalId: config.externalId }),
          ...(config.scannerAccountId === undefined ? {} : { scannerAccountId: config.scannerAccountId }),
          collect: { ...deps().collect, kubeletConfig: config.kubeletConfig },
        },
      );
      const { entry } = scan;
      metrics.addMetric(OUTCOME_METRIC[entry.outcome], COUNT, 1);
      metrics.addMetric('ChecksFailed', COUNT, scan.checksFailed);
      const log = entry.outcome === 'scanned' ? logger.info.bind(logger) : logger.warn.bind(logger);
      log('cluster scan finished', {
        outcome: entry.outcome,
        reason: entry.reason,
        resultKey: entry.resultKey,
        checksFailed: scan.checksFailed,
        compliance: entry.summary?.overall.compliance,
        coverage: entry.summary?.overall.coverage,
        gaps: entry.summary?.gaps,
      });
      return entry;
    } catch (error) {
      // scanEksCluster turns cluster problems into outcomes; this is the last guard.
      const reason = `the scan failed: ${errorText(error)}`;
      logger.error('cluster scan failed', { reason });
      metrics.addMetric('ClustersFailed', COUNT, 1);
      return { cluster, clusterKey: clusterKeyOf(cluster), outcome: 'error', reason };
    } finally {
      clients.dispose();
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

export function buildDeps(env: NodeJS.ProcessEnv = process.env): () => ScanClusterDeps {
  return () => {
    const config = scanClusterConfig(
      env,
      CHECKS.map((check) => check.id),
    );
    const { logger, metrics } = powertools('watchkeeper-scan-cluster');
    // The scanner's own account id is not cluster data; once known it is kept.
    let ownAccount: Promise<string> | undefined;
    const scannerAccountId = (): Promise<string> => {
      ownAccount ??= (async () => {
        const sts = new STSClient({ region: config.region, requestHandler: AWS_REQUEST_HANDLER });
        try {
          const { Account } = await sts.send(new GetCallerIdentityCommand({}));
          if (Account === undefined) throw new Error('GetCallerIdentity returned no account');
          return Account;
        } finally {
          sts.destroy();
        }
      })();
      ownAccount.catch(() => {
        ownAccount = undefined;
      });
      return ownAccount;
    };
    return {
      config,
      store: new S3ResultsStore({
        bucket: config.results.bucket,
        ...(config.results.kmsKeyId === undefined ? {} : { kmsKeyId: config.results.kmsKeyId }),
      }),
      clients: () => {
        const made: { destroy(): void }[] = [];
        const track = <C extends { destroy(): void }>(client: C): C => {
          made.push(client);
          return client;
        };
        return {
          ownCredentials: () => credentialsFor({ region: config.region }),
          assumeRole: (target) => credentialsFor(target),
          scannerAccountId,
          eks: (region, credentials) =>
            track(new EKSClient({ region, credentials, requestHandler: AWS_REQUEST_HANDLER })),
          ec2: (region, credentials) =>
            track(new EC2Client({ region, credentials, requestHandler: AWS_REQUEST_HANDLER })),
          tokenProvider: (options) => createEksTokenProvider(options),
          kubeReader: (readerSource) => ClientNodeKubeReader.fromEndpoint(readerSource),
          dispose: () => {
            for (const client of made.splice(0)) client.destroy();
          },
        };
      },
      now: () => new Date(),
      logger,
      metrics,
    };
  };
}

export const handler = createHandler(buildDeps());
