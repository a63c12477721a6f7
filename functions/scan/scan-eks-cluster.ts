import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CHECKS } from '../checks/index.ts';
import type { CredentialsTarget } from '../collect/aws-credentials.ts';
import { classifyAwsError } from '../collect/aws-errors.ts';
import type { EndpointSource } from '../collect/client-node-reader.ts';
import {
  type CollectInput,
  collectSnapshot,
  DEFAULT_KIND_DEADLINE_MS,
  DEFAULT_SCAN_DEADLINE_MS,
} from '../collect/collector.ts';
import {
  collectEksFacts,
  type EksConnection,
  type EksFactsResult,
  eksIncludeFor,
} from '../collect/eks-facts.ts';
import type { KubeReader } from '../collect/kube-reader.ts';
import { safeMessage } from '../collect/kube-reader.ts';
import type { EksTokenProviderOptions } from '../collect/token-provider.ts';
import type { EksCluster, EksFacts } from '../core/eks-types.ts';
import { type ClusterOutcome, type FleetClusterEntry, summaryOf } from '../core/fleet.ts';
import { ALL_K8S_KINDS, EKS_KINDS, type EksKind, isEksKind, type ReadKind } from '../core/kinds.ts';
import type {
  Check,
  ClusterRef,
  ClusterSnapshot,
  Gap,
  GapReason,
  Policy,
  ScanResult,
} from '../core/model.ts';
import type { ResultsStore, StoredResult } from '../core/ports.ts';
import { clusterKeyOf } from '../store/keys.ts';
import { areaOfCheck } from './check-areas.ts';
import type { FleetCluster } from './fleet-artifacts.ts';
import { putEntry } from './fleet-artifacts.ts';
import { assessSnapshot, evaluateSnapshot, kindsToRead } from './pipeline.ts';

/**
 * One cluster of a fleet scan, in AWS: credentials for its account → EKS/EC2 facts →
 * the API server endpoint and CA from DescribeCluster → an EKS token signed with those
 * credentials → the Kubernetes API through client-node → evaluate → store → the fleet entry.
 *
 * A cluster-level problem never throws: an unreachable endpoint, a scanner identity the
 * cluster does not know, a role that cannot be assumed, even a bug of ours, all end in an
 * entry with an outcome and a reason, and (whenever the store can be written) a stored
 * result in which everything that could not be read is `not_evaluated` with the gap.
 *
 * Everything that reaches a cluster is built per call from the factories in `clients`:
 * credentials, SDK clients, the token provider and the Kubernetes reader belong to this one
 * cluster and are dropped when it is done, so nothing crosses from one cluster to the next.
 */

export interface EksScanClients {
  /** The scanner's own identity (the Lambda role, the default provider chain). */
  ownCredentials(): AwsCredentialIdentityProvider;
  /** A member account's read role, assumed from the scanner's identity (`credentialsFor`). */
  assumeRole(target: CredentialsTarget): AwsCredentialIdentityProvider;
  /** The scanner's own account id (STS GetCallerIdentity), when not configured. */
  scannerAccountId(): Promise<string>;
  /** A new client for the cluster's account and region (as discovery's ClientFactory). */
  eks(region: string, credentials: AwsCredentialIdentityProvider, accountId: string): EKSClient;
  ec2(region: string, credentials: AwsCredentialIdentityProvider, accountId: string): EC2Client;
  tokenProvider(options: EksTokenProviderOptions): () => Promise<string>;
  kubeReader(source: EndpointSource): KubeReader;
}

export interface ScanEksClusterOptions {
  store: ResultsStore;
  clients: EksScanClients;
  policy: Policy;
  /** The scanner's region: STS (AssumeRole) is called here. */
  homeRegion: string;
  /** The member read role's name; needed for clusters outside the scanner's account. */
  memberRoleName?: string;
  externalId?: string;
  /** Saves a GetCallerIdentity call when set. */
  scannerAccountId?: string;
  checks?: readonly Check[];
  now?: () => Date;
  /** Collector tuning (tests shorten retries) and the kubelet-config opt-in; deadlines come from `deadlineAt`. */
  collect?: Pick<CollectInput, 'concurrency' | 'pageSize' | 'retry' | 'kubeletConfig'>;
}

export interface ScanEksClusterInput {
  scanId: string;
  cluster: FleetCluster;
  /** Epoch ms by which reading the cluster must stop, leaving time to evaluate and store. */
  deadlineAt?: number;
}

export interface EksClusterScan {
  entry: FleetClusterEntry;
  /** The evaluated result, whether or not it could be stored. */
  result?: ScanResult;
  /** Checks that failed in the result. */
  checksFailed: number;
}

/** The shortest collection deadline: a cluster always gets one attempt per kind. */
const MIN_DEADLINE_MS = 5_000;

/** A failure before the Kubernetes API could be tried; it decides the outcome and the reason. */
interface Blocked {
  outcome: ClusterOutcome;
  /** The gap recorded for every kind that was not read because of it. */
  gapReason: GapReason;
  reason: string;
}

type Access = { credentials: AwsCredentialIdentityProvider } | { blocked: Blocked };

function describe(error: unknown): string {
  return safeMessage(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

function outcomeOfGap(reason: GapReason): ClusterOutcome {
  if (reason === 'forbidden' || reason === 'unauthorized') return 'forbidden';
  if (reason === 'unreachable' || reason === 'timeout') return 'unreachable';
  return 'error';
}

function partitionOf(cluster: FleetCluster): string {
  const partition = cluster.arn?.split(':')[1];
  if (partition !== undefined && partition !== '') return partition;
  if (cluster.region.startsWith('cn-')) return 'aws-cn';
  if (cluster.region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

async function accessFor(cluster: FleetCluster, options: ScanEksClusterOptions): Promise<Access> {
  const { clients } = options;
  let own = options.scannerAccountId;
  let ownProblem: string | undefined;
  if (own === undefined) {
    try {
      own = await clients.scannerAccountId();
    } catch (error) {
      ownProblem = classifyAwsError(error).message;
    }
  }
  if (own === cluster.accountId) return { credentials: clients.ownCredentials() };

  if (options.memberRoleName === undefined) {
    const whose =
      own === undefined
        ? `the scanner's own account could not be identified (GetCallerIdentity: ${ownProblem})`
        : `it is not the scanner's own account (${own})`;
    return {
      blocked: {
        outcome: 'error',
        gapReason: 'error',
        reason:
          `cluster account ${cluster.accountId} needs the member read role, but MEMBER_ROLE_NAME is not set ` +
          `and ${whose}: set MEMBER_ROLE_NAME to the role deployed in member accounts (memberAccess.roleName)`,
      },
    };
  }
  const roleArn = `arn:${partitionOf(cluster)}:iam::${cluster.accountId}:role/${options.memberRoleName}`;
  const credentials = clients.assumeRole({
    roleArn,
    region: options.homeRegion,
    ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
  });
  try {
    // Assumed once here, so a broken trust policy is one clear reason, not a gap per kind.
    await credentials();
  } catch (error) {
    const failure = classifyAwsError(error);
    return {
      blocked: {
        outcome: outcomeOfGap(failure.reason),
        gapReason: failure.reason,
        reason:
          `could not assume ${roleArn} (${failure.message}): check that the member read role exists in ` +
          `account ${cluster.accountId} and that its trust policy names the scanner role and the external id`,
      },
    };
  }
  return { credentials };
}

/** Why the API server cannot even be tried, from what DescribeCluster said. */
function endpointProblem(facts: EksFactsResult): Blocked | undefined {
  if (facts.connection !== undefined) return undefined;
  const describeGap = facts.gaps.find((gap) => gap.kind === 'eks:cluster');
  if (describeGap !== undefined) {
    const refused = describeGap.reason === 'forbidden' || describeGap.reason === 'unauthorized';
    return {
      outcome: outcomeOfGap(describeGap.reason),
      gapReason: describeGap.reason,
      reason: `DescribeCluster failed, so the API server endpoint is unknown: ${describeGap.message}${
        refused ? ' (allow eks:DescribeCluster to the scanner role or the member read role)' : ''
      }`,
    };
  }
  const cluster = facts.facts.cluster;
  if (cluster?.connectorConfig !== undefined) {
    return {
      outcome: 'unreachable',
      gapReason: 'unreachable',
      reason:
        'an EKS Connector registration: EKS exposes no API server endpoint for connected clusters, so only the EKS API facts were read',
    };
  }
  return {
    outcome: 'unreachable',
    gapReason: 'unreachable',
    reason: `DescribeCluster returned no API server endpoint or CA (cluster status ${cluster?.status ?? 'unknown'})`,
  };
}

/** What may explain an unreachable endpoint, from the cluster's VPC settings. */
function reachHint(cluster: EksCluster | undefined): string {
  const vpc = cluster?.resourcesVpcConfig;
  if (vpc?.endpointPublicAccess === false) {
    return (
      '. The endpoint is private only: attach the scan function to the cluster VPC (scan.vpc in the deploy ' +
      'config) and allow HTTPS from it in the cluster security group'
    );
  }
  const cidrs = vpc?.publicAccessCidrs ?? [];
  if (cidrs.length > 0 && !cidrs.includes('0.0.0.0/0')) {
    return `. The public endpoint admits only ${cidrs.slice(0, 5).join(', ')}: add the scanner's egress address or reach it from the VPC`;
  }
  return '';
}

const EKS_ORDER = Object.keys(EKS_KINDS) as EksKind[];

/** Gaps in the order the collector writes them: AWS facts first, then Kubernetes kinds. */
function sortGaps(gaps: readonly Gap[]): Gap[] {
  const rank = (kind: ReadKind): number => {
    const eks = EKS_ORDER.indexOf(kind as EksKind);
    if (eks !== -1) return eks;
    const k8s = ALL_K8S_KINDS.indexOf(kind as (typeof ALL_K8S_KINDS)[number]);
    return k8s === -1 ? EKS_ORDER.length + ALL_K8S_KINDS.length : EKS_ORDER.length + k8s;
  };
  return [...gaps].sort((a, b) => rank(a.kind) - rank(b.kind));
}

const NO_READER: KubeReader = {
  server: 'none',
  listPage: () => Promise.reject(new Error('no Kubernetes kind is read without an endpoint')),
  close: () => Promise.resolve(),
};

/**
 * A snapshot when the API server could not be tried: the AWS facts that were read, and a
 * gap with `blocked`'s reason for every other kind the checks need.
 */
async function snapshotWithoutApi(
  cluster: ClusterRef,
  kinds: readonly ReadKind[],
  eks: { facts: EksFacts; gaps: Gap[] },
  blocked: Blocked,
  now: () => Date,
): Promise<ClusterSnapshot> {
  const snapshot = await collectSnapshot({
    reader: NO_READER,
    cluster,
    kinds: kinds.filter(isEksKind),
    eks,
    now,
  });
  const message = safeMessage(`not read: ${blocked.reason}`);
  const gapped = new Set(snapshot.gaps.map((gap) => gap.kind));
  const apiGaps: Gap[] = kinds
    .filter((kind) => !isEksKind(kind) && !gapped.has(kind))
    .map((kind) => ({ kind, reason: blocked.gapReason, message }));
  snapshot.gaps = sortGaps([...snapshot.gaps, ...apiGaps]);
  return snapshot;
}

/** Every kind refused for the same reason (no credentials at all). */
function blockedEks(kinds: readonly ReadKind[], blocked: Blocked): { facts: EksFacts; gaps: Gap[] } {
  const message = safeMessage(`not read: ${blocked.reason}`);
  return {
    facts: {},
    gaps: kinds.filter(isEksKind).map((kind) => ({ kind, reason: blocked.gapReason, message })),
  };
}

function deadlineMsOf(deadlineAt: number | undefined): number {
  if (deadlineAt === undefined) return DEFAULT_SCAN_DEADLINE_MS;
  return Math.max(MIN_DEADLINE_MS, Math.min(DEFAULT_SCAN_DEADLINE_MS, deadlineAt - Date.now()));
}

async function readCluster(
  input: ScanEksClusterInput,
  options: ScanEksClusterOptions,
  kinds: readonly ReadKind[],
  now: () => Date,
): Promise<{ snapshot: ClusterSnapshot; blocked?: Blocked }> {
  const { cluster } = input;
  const access = await accessFor(cluster, options);
  if ('blocked' in access) {
    const { blocked } = access;
    return {
      snapshot: await snapshotWithoutApi(cluster, kinds, blockedEks(kinds, blocked), blocked, now),
      blocked,
    };
  }
  const { clients } = options;
  const { credentials } = access;
  const eks = await collectEksFacts({
    client: clients.eks(cluster.region, credentials, cluster.accountId),
    ec2: clients.ec2(cluster.region, credentials, cluster.accountId),
    clusterName: cluster.name,
    include: eksIncludeFor(kinds),
  });
  const noEndpoint = endpointProblem(eks);
  if (noEndpoint !== undefined) {
    return { snapshot: await snapshotWithoutApi(cluster, kinds, eks, noEndpoint, now), blocked: noEndpoint };
  }
  const connection = eks.connection as EksConnection;

  let reader: KubeReader;
  try {
    reader = clients.kubeReader({
      server: connection.endpoint,
      caData: connection.certificateAuthorityData,
      // Signed with this account's credentials for this cluster only; minted per request
      // as the provider sees fit, and dropped with the reader.
      token: clients.tokenProvider({ clusterName: cluster.name, region: cluster.region, credentials }),
    });
  } catch (error) {
    const blocked: Blocked = {
      outcome: 'error',
      gapReason: 'error',
      reason: `the endpoint or CA DescribeCluster returned cannot be used: ${describe(error)}`,
    };
    return { snapshot: await snapshotWithoutApi(cluster, kinds, eks, blocked, now), blocked };
  }
  try {
    const deadlineMs = deadlineMsOf(input.deadlineAt);
    const snapshot = await collectSnapshot({
      ...options.collect,
      reader,
      cluster,
      kinds,
      eks: { facts: eks.facts, gaps: eks.gaps },
      now,
      deadlineMs,
      kindDeadlineMs: Math.min(DEFAULT_KIND_DEADLINE_MS, deadlineMs),
    });
    return { snapshot };
  } finally {
    await reader.close().catch(() => undefined);
  }
}

export async function scanEksCluster(
  input: ScanEksClusterInput,
  options: ScanEksClusterOptions,
): Promise<EksClusterScan> {
  const { scanId, cluster } = input;
  const now = options.now ?? (() => new Date());
  const checks = options.checks ?? CHECKS;
  const kinds = kindsToRead(checks);
  const clusterKey = clusterKeyOf(cluster);
  const startedAt = now();

  let snapshot: ClusterSnapshot;
  let outcome: ClusterOutcome;
  let reason: string | undefined;
  try {
    const read = await readCluster(input, options, kinds, now);
    snapshot = read.snapshot;
    if (read.blocked !== undefined) {
      outcome = read.blocked.outcome;
      reason = read.blocked.reason;
    } else {
      const assessment = assessSnapshot(snapshot, kinds);
      outcome = assessment.outcome;
      reason = assessment.reason;
      if (outcome === 'unreachable') reason = `${reason}${reachHint(snapshot.eks.cluster)}`;
    }
  } catch (error) {
    // A bug of ours, not the cluster's doing: still an entry and an honest result.
    const blocked: Blocked = {
      outcome: 'error',
      gapReason: 'error',
      reason: `the scan failed: ${describe(error)}`,
    };
    outcome = blocked.outcome;
    reason = blocked.reason;
    try {
      snapshot = await snapshotWithoutApi(cluster, kinds, blockedEks(kinds, blocked), blocked, now);
    } catch {
      return { entry: { cluster, clusterKey, outcome, reason }, checksFailed: 0 };
    }
  }

  let result: ScanResult;
  try {
    result = evaluateSnapshot({ snapshot, policy: options.policy, scanId, startedAt, now, checks });
  } catch (error) {
    return {
      entry: { cluster, clusterKey, outcome: 'error', reason: `evaluation failed: ${describe(error)}` },
      checksFailed: 0,
    };
  }
  const summary = summaryOf(result, areaOfCheck);
  const checksFailed = result.checks.filter((check) => check.status === 'fail').length;

  let stored: StoredResult | undefined;
  try {
    stored = await options.store.putResult(result);
  } catch (error) {
    outcome = 'error';
    reason = `the result could not be stored: ${describe(error)}${reason === undefined ? '' : ` (${reason})`}`;
  }
  const entry: FleetClusterEntry = {
    cluster,
    clusterKey,
    outcome,
    ...(reason === undefined ? {} : { reason: safeMessage(reason) }),
    ...(stored === undefined ? {} : { resultKey: stored.key }),
    summary,
  };
  if (stored !== undefined) {
    try {
      await putEntry(options.store, scanId, entry);
    } catch {
      // The report rebuilds the entry from the stored result, so the scan still counts.
    }
  }
  return { entry, result, checksFailed };
}
