import {
  type EC2Client,
  type LaunchTemplateVersion,
  paginateDescribeLaunchTemplateVersions,
} from '@aws-sdk/client-ec2';
import {
  type AccessEntry,
  type Addon,
  type AssociatedAccessPolicy,
  type Cluster,
  type ClusterVersionInformation,
  DescribeAccessEntryCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  type FargateProfile,
  type InsightSummary,
  type Nodegroup,
  paginateDescribeClusterVersions,
  paginateListAccessEntries,
  paginateListAddons,
  paginateListAssociatedAccessPolicies,
  paginateListFargateProfiles,
  paginateListInsights,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import type {
  EksAccessEntry,
  EksAddon,
  EksCluster,
  EksClusterVersion,
  EksFacts,
  EksFargateProfile,
  EksInsight,
  EksIssue,
  EksLaunchTemplate,
  EksNodegroup,
} from '../core/eks-types.ts';
import type { EksKind, ReadKind } from '../core/kinds.ts';
import { EKS_KINDS, isEksKind } from '../core/kinds.ts';
import type { Gap, GapReason } from '../core/model.ts';
import { classifyAwsError } from './aws-errors.ts';
import { createLimiter } from './limit.ts';

/**
 * Reads the AWS-side facts of one EKS cluster: DescribeCluster, the version calendar, node
 * groups, add-ons, access entries, Fargate profiles, EKS upgrade insights and the node
 * launch templates' IMDS settings. Every list is read to the last page with the SDK
 * paginators; each item is described with bounded concurrency. One failed call becomes a
 * gap for its kind, and the kind's list is then left out rather than returned incomplete.
 */

/** Describe calls in flight at once, across all kinds of one cluster. */
export const DEFAULT_EKS_CONCURRENCY = 5;

/** The kinds read besides `eks:cluster`, which is always read (it carries the connection data). */
export type EksFactKind = Exclude<EksKind, 'eks:cluster'>;

export interface CollectEksFactsInput {
  client: EKSClient;
  /** Needed for `ec2:launchTemplates`; without it that kind is not read (and no gap is recorded). */
  ec2?: EC2Client;
  clusterName: string;
  /** Kinds to read; every kind defaults to true. */
  include?: Partial<Record<EksFactKind, boolean>>;
  /** Describe calls in flight at once. */
  concurrency?: number;
}

/** What a Kubernetes client needs to reach the cluster's API server. */
export interface EksConnection {
  endpoint: string;
  /** base64 PEM, as DescribeCluster returns it; usable as client-node `caData` as is. */
  certificateAuthorityData: string;
}

export interface EksFactsResult {
  facts: EksFacts;
  gaps: Gap[];
  /** Undefined when DescribeCluster failed or the cluster has no endpoint (e.g. EKS Connector). */
  connection?: EksConnection;
}

/** One failed read, already sorted into a gap reason. */
export class EksReadError extends Error {
  override name = 'EksReadError';
  readonly reason: GapReason;

  constructor(reason: GapReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Which EKS kinds to read for a scan whose checks read `kinds`. */
export function eksIncludeFor(kinds: readonly ReadKind[]): Partial<Record<EksFactKind, boolean>> {
  const wanted = new Set(kinds.filter(isEksKind));
  return Object.fromEntries(
    (Object.keys(EKS_KINDS) as EksKind[])
      .filter((kind): kind is EksFactKind => kind !== 'eks:cluster')
      .map((kind) => [kind, wanted.has(kind)]),
  );
}

export function eksConnectionOf(cluster: EksCluster | undefined): EksConnection | undefined {
  const endpoint = cluster?.endpoint;
  const certificateAuthorityData = cluster?.certificateAuthority?.data;
  if (endpoint === undefined || endpoint === '' || certificateAuthorityData === undefined) return undefined;
  if (certificateAuthorityData === '') return undefined;
  return { endpoint, certificateAuthorityData };
}

const KIND_ORDER = Object.keys(EKS_KINDS) as EksKind[];

/** Kinds that belong to the cluster (and so do not exist when the cluster does not). */
const PER_CLUSTER: readonly EksFactKind[] = [
  'eks:nodegroups',
  'eks:addons',
  'eks:accessEntries',
  'eks:fargateProfiles',
  'eks:insights',
  'ec2:launchTemplates',
];

export async function collectEksFacts(input: CollectEksFactsInput): Promise<EksFactsResult> {
  const { client, clusterName } = input;
  const include = (kind: EksFactKind): boolean => input.include?.[kind] ?? true;
  const limit = createLimiter(input.concurrency ?? DEFAULT_EKS_CONCURRENCY);
  const facts: EksFacts = {};
  const gaps: Gap[] = [];

  const settle = async <T>(kind: EksKind, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      gaps.push(gapOf(kind, error));
      return undefined;
    }
  };

  const cluster = await settle('eks:cluster', () =>
    call('DescribeCluster', async () => {
      const { cluster } = await client.send(new DescribeClusterCommand({ name: clusterName }));
      if (cluster === undefined) throw new EksReadError('error', 'DescribeCluster returned no cluster');
      return toCluster(cluster);
    }),
  );
  if (cluster !== undefined) facts.cluster = cluster;
  const clusterMissing = gaps.some((gap) => gap.kind === 'eks:cluster' && gap.reason === 'not_found');

  // Without the cluster there is nothing to list under it; the version calendar still exists.
  // A denied DescribeCluster says nothing about the other actions, so those are still tried.
  if (clusterMissing) {
    for (const kind of PER_CLUSTER) {
      if (!include(kind) || (kind === 'ec2:launchTemplates' && input.ec2 === undefined)) continue;
      gaps.push({
        kind,
        reason: 'not_found',
        message: `${EKS_KINDS[kind]} was not called: cluster ${clusterName} was not found`,
      });
    }
  }
  const perCluster = (kind: EksFactKind): boolean => include(kind) && !clusterMissing;

  const readNodegroups = async (): Promise<EksNodegroup[]> => {
    const names = await call('ListNodegroups', () =>
      collectPages(
        paginateListNodegroups({ client, stopOnSameToken: true }, { clusterName }),
        (page) => page.nodegroups,
      ),
    );
    return describeEach('node groups', names, limit, 'DescribeNodegroup', async (nodegroupName) => {
      const { nodegroup } = await client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
      return toNodegroup(nodegroup ?? { nodegroupName });
    });
  };

  const ec2 = input.ec2;
  const wantTemplates = perCluster('ec2:launchTemplates') && ec2 !== undefined;
  const nodegroupsRead =
    perCluster('eks:nodegroups') || wantTemplates ? settleNodegroups(readNodegroups) : undefined;

  const tasks: Promise<void>[] = [];

  if (include('eks:clusterVersions')) {
    tasks.push(
      (async () => {
        const versions = await settle('eks:clusterVersions', () =>
          readClusterVersions(client, cluster?.version),
        );
        if (versions !== undefined) facts.clusterVersions = versions;
      })(),
    );
  }

  if (nodegroupsRead !== undefined) {
    tasks.push(
      (async () => {
        const result = await nodegroupsRead;
        if (perCluster('eks:nodegroups')) {
          if (result.ok) facts.nodegroups = result.value;
          else gaps.push(gapOf('eks:nodegroups', result.error));
        }
        if (wantTemplates) {
          if (!result.ok) {
            const cause = gapOf('eks:nodegroups', result.error);
            gaps.push({
              kind: 'ec2:launchTemplates',
              reason: cause.reason,
              message: `node groups could not be read, so their launch templates are unknown: ${cause.message}`,
            });
            return;
          }
          const templates = await settle('ec2:launchTemplates', () =>
            readLaunchTemplates(ec2, result.value, limit),
          );
          if (templates !== undefined) facts.launchTemplates = templates;
        }
      })(),
    );
  }

  if (perCluster('eks:addons')) {
    tasks.push(
      (async () => {
        const addons = await settle('eks:addons', async () => {
          const names = await call('ListAddons', () =>
            collectPages(
              paginateListAddons({ client, stopOnSameToken: true }, { clusterName }),
              (page) => page.addons,
            ),
          );
          return describeEach('add-ons', names, limit, 'DescribeAddon', async (addonName) => {
            const { addon } = await client.send(new DescribeAddonCommand({ clusterName, addonName }));
            return toAddon(addon ?? { addonName });
          });
        });
        if (addons !== undefined) facts.addons = addons;
      })(),
    );
  }

  if (perCluster('eks:accessEntries')) {
    tasks.push(
      (async () => {
        const entries = await settle('eks:accessEntries', () =>
          readAccessEntries(client, clusterName, cluster, limit),
        );
        if (entries !== undefined) facts.accessEntries = entries;
      })(),
    );
  }

  if (perCluster('eks:fargateProfiles')) {
    tasks.push(
      (async () => {
        const profiles = await settle('eks:fargateProfiles', async () => {
          const names = await call('ListFargateProfiles', () =>
            collectPages(
              paginateListFargateProfiles({ client, stopOnSameToken: true }, { clusterName }),
              (page) => page.fargateProfileNames,
            ),
          );
          return describeEach('Fargate profiles', names, limit, 'DescribeFargateProfile', async (name) => {
            const { fargateProfile } = await client.send(
              new DescribeFargateProfileCommand({ clusterName, fargateProfileName: name }),
            );
            return toFargateProfile(fargateProfile ?? { fargateProfileName: name });
          });
        });
        if (profiles !== undefined) facts.fargateProfiles = profiles;
      })(),
    );
  }

  if (perCluster('eks:insights')) {
    tasks.push(
      (async () => {
        const insights = await settle('eks:insights', () =>
          call('ListInsights', () =>
            collectPages(
              paginateListInsights({ client, stopOnSameToken: true }, { clusterName }),
              (page) => page.insights,
            ),
          ).then((rows) => rows.map(toInsight)),
        );
        if (insights !== undefined) facts.insights = insights;
      })(),
    );
  }

  await Promise.all(tasks);
  gaps.sort((a, b) => KIND_ORDER.indexOf(a.kind as EksKind) - KIND_ORDER.indexOf(b.kind as EksKind));
  const connection = eksConnectionOf(facts.cluster);
  return connection === undefined ? { facts, gaps } : { facts, gaps, connection };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Node groups feed two kinds (themselves and the launch templates), so they are read once. */
async function settleNodegroups(read: () => Promise<EksNodegroup[]>): Promise<Settled<EksNodegroup[]>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error };
  }
}

function gapOf(kind: EksKind, error: unknown): Gap {
  if (error instanceof EksReadError) return { kind, reason: error.reason, message: error.message };
  const failure = classifyAwsError(error);
  return { kind, reason: failure.reason, message: failure.message };
}

/** Runs one AWS call (or one paginated list), naming the action in the error it may raise. */
async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EksReadError) throw error;
    const failure = classifyAwsError(error);
    throw new EksReadError(failure.reason, `${action}: ${failure.message}`);
  }
}

async function collectPages<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/**
 * Describes every item (bounded by `limit`). If any describe fails, the whole kind fails:
 * a list with holes must not be mistaken for the complete list.
 */
async function describeEach<T>(
  noun: string,
  names: readonly string[],
  limit: Limit,
  action: string,
  describe: (name: string) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(
    names.map((name) => limit(() => call(`${action} ${name}`, () => describe(name)))),
  );
  const values: T[] = [];
  const failures: EksReadError[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') values.push(outcome.value);
    else failures.push(toReadError(outcome.reason));
  }
  const [first] = failures;
  if (first === undefined) return values;
  const prefix =
    failures.length === 1
      ? `1 of ${names.length} ${noun} could not be read`
      : `${failures.length} of ${names.length} ${noun} could not be read; the first`;
  throw new EksReadError(first.reason, `${prefix}: ${first.message}`);
}

type Limit = <R>(task: () => Promise<R>) => Promise<R>;

const unlimited: Limit = (task) => task();

function toReadError(error: unknown): EksReadError {
  if (error instanceof EksReadError) return error;
  const failure = classifyAwsError(error);
  return new EksReadError(failure.reason, failure.message);
}

/**
 * The whole calendar (`includeAll`, so versions past standard support are there too). If
 * the cluster runs a version the calendar no longer lists, that row is asked for by name.
 */
async function readClusterVersions(
  client: EKSClient,
  clusterVersion: string | undefined,
): Promise<EksClusterVersion[]> {
  const rows = await call('DescribeClusterVersions', () =>
    collectPages(
      paginateDescribeClusterVersions({ client, stopOnSameToken: true }, { includeAll: true }),
      (page) => page.clusterVersions,
    ),
  );
  if (clusterVersion !== undefined && !rows.some((row) => row.clusterVersion === clusterVersion)) {
    const own = await call(`DescribeClusterVersions ${clusterVersion}`, () =>
      collectPages(
        paginateDescribeClusterVersions(
          { client, stopOnSameToken: true },
          { includeAll: true, clusterVersions: [clusterVersion] },
        ),
        (page) => page.clusterVersions,
      ),
    );
    rows.push(...own.filter((row) => row.clusterVersion === clusterVersion));
  }
  return rows.map(toClusterVersion);
}

/**
 * CONFIG_MAP clusters have no access entries (the API refuses to list them), so the
 * complete answer is an empty list; access then lives in the aws-auth ConfigMap.
 * https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html
 */
async function readAccessEntries(
  client: EKSClient,
  clusterName: string,
  cluster: EksCluster | undefined,
  limit: Limit,
): Promise<EksAccessEntry[]> {
  if (cluster?.accessConfig?.authenticationMode === 'CONFIG_MAP') return [];
  const principals = await call('ListAccessEntries', () =>
    collectPages(
      paginateListAccessEntries({ client, stopOnSameToken: true }, { clusterName }),
      (page) => page.accessEntries,
    ),
  );
  // Two calls per entry, each taking its own slot: `unlimited` keeps describeEach from
  // holding a slot while they wait for theirs.
  return describeEach(
    'access entries',
    principals,
    unlimited,
    'DescribeAccessEntry',
    async (principalArn) => {
      const [{ accessEntry }, policies] = await Promise.all([
        limit(() => client.send(new DescribeAccessEntryCommand({ clusterName, principalArn }))),
        limit(() =>
          call(`ListAssociatedAccessPolicies ${principalArn}`, () =>
            collectPages(
              paginateListAssociatedAccessPolicies(
                { client, stopOnSameToken: true },
                { clusterName, principalArn },
              ),
              (page) => page.associatedAccessPolicies,
            ),
          ),
        ),
      ]);
      return toAccessEntry(accessEntry ?? { principalArn }, policies);
    },
  );
}

/**
 * The launch-template versions named by the node groups, each read once. Node groups
 * without a launchTemplate run on the template EKS created itself, which DescribeNodegroup
 * does not name; those are not covered here.
 * https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html
 */
async function readLaunchTemplates(
  ec2: EC2Client,
  nodegroups: readonly EksNodegroup[],
  limit: Limit,
): Promise<EksLaunchTemplate[]> {
  const wanted = new Map<string, { id?: string; name?: string; version: string; nodegroups: string[] }>();
  for (const nodegroup of nodegroups) {
    const template = nodegroup.launchTemplate;
    if (template === undefined || (template.id === undefined && template.name === undefined)) continue;
    const version = template.version ?? '$Default';
    const key = `${template.id ?? `name:${template.name}`}@${version}`;
    const entry = wanted.get(key) ?? {
      ...(template.id === undefined ? { name: template.name } : { id: template.id }),
      version,
      nodegroups: [],
    };
    if (nodegroup.nodegroupName !== undefined) entry.nodegroups.push(nodegroup.nodegroupName);
    wanted.set(key, entry);
  }
  const keys = [...wanted.keys()];
  return describeEach('launch templates', keys, limit, 'DescribeLaunchTemplateVersions', async (key) => {
    const entry = wanted.get(key);
    if (entry === undefined) throw new EksReadError('error', `no launch template for ${key}`);
    const versions = await collectPages(
      paginateDescribeLaunchTemplateVersions(
        { client: ec2, stopOnSameToken: true },
        {
          // Either the id or the name, never both (the API refuses both).
          ...(entry.id === undefined ? { LaunchTemplateName: entry.name } : { LaunchTemplateId: entry.id }),
          Versions: [entry.version],
        },
      ),
      (page) => page.LaunchTemplateVersions,
    );
    const [version] = versions;
    if (version === undefined)
      throw new EksReadError('not_found', `launch template ${key} has no such version`);
    return toLaunchTemplate(version, entry.nodegroups);
  });
}

// ---- SDK shapes → snapshot shapes (plain JSON, ISO dates, only the fields we keep) ----

function iso(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString();
}

function list<T>(values: readonly T[] | undefined): T[] | undefined {
  return values === undefined ? undefined : [...values];
}

function record(values: Record<string, string> | undefined): Record<string, string> | undefined {
  return values === undefined ? undefined : { ...values };
}

/** Drops undefined keys so snapshots hold only what AWS returned. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function maybe<S, T extends object>(value: S | undefined, map: (value: S) => T): T | undefined {
  return value === undefined ? undefined : compact(map(value));
}

/** Cluster, node-group and add-on issues share this shape, each with its own code enum. */
interface SdkIssue {
  code?: string | undefined;
  message?: string | undefined;
  resourceIds?: string[] | undefined;
}

function issues(values: readonly SdkIssue[] | undefined): EksIssue[] | undefined {
  return values?.map((issue) =>
    compact({ code: issue.code, message: issue.message, resourceIds: list(issue.resourceIds) }),
  );
}

function toCluster(c: Cluster): EksCluster {
  return compact({
    name: c.name,
    arn: c.arn,
    version: c.version,
    platformVersion: c.platformVersion,
    status: c.status,
    endpoint: c.endpoint,
    createdAt: iso(c.createdAt),
    roleArn: c.roleArn,
    resourcesVpcConfig: maybe(c.resourcesVpcConfig, (vpc) => ({
      subnetIds: list(vpc.subnetIds),
      securityGroupIds: list(vpc.securityGroupIds),
      clusterSecurityGroupId: vpc.clusterSecurityGroupId,
      vpcId: vpc.vpcId,
      endpointPublicAccess: vpc.endpointPublicAccess,
      endpointPrivateAccess: vpc.endpointPrivateAccess,
      publicAccessCidrs: list(vpc.publicAccessCidrs),
    })),
    logging: maybe(c.logging, (logging) => ({
      clusterLogging: logging.clusterLogging?.map((setup) =>
        compact({ types: list(setup.types), enabled: setup.enabled }),
      ),
    })),
    encryptionConfig: c.encryptionConfig?.map((config) =>
      compact({
        resources: list(config.resources),
        provider: maybe(config.provider, (provider) => ({ keyArn: provider.keyArn })),
      }),
    ),
    accessConfig: maybe(c.accessConfig, (access) => ({
      authenticationMode: access.authenticationMode,
      bootstrapClusterCreatorAdminPermissions: access.bootstrapClusterCreatorAdminPermissions,
    })),
    upgradePolicy: maybe(c.upgradePolicy, (policy) => ({ supportType: policy.supportType })),
    identity: maybe(c.identity, (identity) => ({
      oidc: maybe(identity.oidc, (oidc) => ({ issuer: oidc.issuer })),
    })),
    computeConfig: maybe(c.computeConfig, (compute) => ({
      enabled: compute.enabled,
      nodePools: list(compute.nodePools),
      nodeRoleArn: compute.nodeRoleArn,
    })),
    kubernetesNetworkConfig: maybe(c.kubernetesNetworkConfig, (network) => ({
      serviceIpv4Cidr: network.serviceIpv4Cidr,
      serviceIpv6Cidr: network.serviceIpv6Cidr,
      ipFamily: network.ipFamily,
    })),
    tags: record(c.tags),
    deletionProtection: c.deletionProtection,
    certificateAuthority: maybe(c.certificateAuthority, (ca) => ({ data: ca.data })),
    id: c.id,
    health: maybe(c.health, (health) => ({ issues: issues(health.issues) })),
    connectorConfig: maybe(c.connectorConfig, (connector) => ({ provider: connector.provider })),
  });
}

function toClusterVersion(v: ClusterVersionInformation): EksClusterVersion {
  return compact({
    clusterVersion: v.clusterVersion,
    releaseDate: iso(v.releaseDate),
    endOfStandardSupportDate: iso(v.endOfStandardSupportDate),
    endOfExtendedSupportDate: iso(v.endOfExtendedSupportDate),
    versionStatus: v.versionStatus,
    kubernetesPatchVersion: v.kubernetesPatchVersion,
    defaultPlatformVersion: v.defaultPlatformVersion,
    defaultVersion: v.defaultVersion,
  });
}

function toNodegroup(n: Nodegroup): EksNodegroup {
  return compact({
    nodegroupName: n.nodegroupName,
    version: n.version,
    releaseVersion: n.releaseVersion,
    amiType: n.amiType,
    capacityType: n.capacityType,
    remoteAccess: maybe(n.remoteAccess, (remote) => ({
      ec2SshKey: remote.ec2SshKey,
      sourceSecurityGroups: list(remote.sourceSecurityGroups),
    })),
    launchTemplate: maybe(n.launchTemplate, (template) => ({
      id: template.id,
      name: template.name,
      version: template.version,
    })),
    nodeRole: n.nodeRole,
    nodegroupArn: n.nodegroupArn,
    status: n.status,
    instanceTypes: list(n.instanceTypes),
    health: maybe(n.health, (health) => ({ issues: issues(health.issues) })),
    resources: maybe(n.resources, (resources) => ({
      autoScalingGroups: resources.autoScalingGroups?.map((group) => compact({ name: group.name })),
      remoteAccessSecurityGroup: resources.remoteAccessSecurityGroup,
    })),
    createdAt: iso(n.createdAt),
  });
}

function toAddon(a: Addon): EksAddon {
  return compact({
    addonName: a.addonName,
    addonVersion: a.addonVersion,
    status: a.status,
    configurationValues: a.configurationValues,
    serviceAccountRoleArn: a.serviceAccountRoleArn,
    owner: a.owner,
    publisher: a.publisher,
    health: maybe(a.health, (health) => ({ issues: issues(health.issues) })),
    podIdentityAssociations: list(a.podIdentityAssociations),
  });
}

function toAccessEntry(entry: AccessEntry, policies: readonly AssociatedAccessPolicy[]): EksAccessEntry {
  return compact({
    principalArn: entry.principalArn,
    type: entry.type,
    username: entry.username,
    kubernetesGroups: list(entry.kubernetesGroups),
    accessPolicies: policies.map((policy) =>
      compact({
        policyArn: policy.policyArn,
        accessScope: maybe(policy.accessScope, (scope) => ({
          type: scope.type,
          namespaces: list(scope.namespaces),
        })),
      }),
    ),
    accessEntryArn: entry.accessEntryArn,
  });
}

function toFargateProfile(p: FargateProfile): EksFargateProfile {
  return compact({
    fargateProfileName: p.fargateProfileName,
    fargateProfileArn: p.fargateProfileArn,
    podExecutionRoleArn: p.podExecutionRoleArn,
    subnets: list(p.subnets),
    selectors: p.selectors?.map((selector) =>
      compact({ namespace: selector.namespace, labels: record(selector.labels) }),
    ),
    status: p.status,
  });
}

function toInsight(i: InsightSummary): EksInsight {
  return compact({
    id: i.id,
    name: i.name,
    category: i.category,
    kubernetesVersion: i.kubernetesVersion,
    description: i.description,
    insightStatus: maybe(i.insightStatus, (status) => ({ status: status.status, reason: status.reason })),
    lastRefreshTime: iso(i.lastRefreshTime),
    lastTransitionTime: iso(i.lastTransitionTime),
  });
}

function toLaunchTemplate(v: LaunchTemplateVersion, nodegroupNames: readonly string[]): EksLaunchTemplate {
  return compact({
    launchTemplateId: v.LaunchTemplateId,
    launchTemplateName: v.LaunchTemplateName,
    versionNumber: v.VersionNumber,
    nodegroupNames: [...nodegroupNames].sort(),
    metadataOptions: maybe(v.LaunchTemplateData?.MetadataOptions, (options) => ({
      httpTokens: options.HttpTokens,
      httpPutResponseHopLimit: options.HttpPutResponseHopLimit,
      httpEndpoint: options.HttpEndpoint,
    })),
  });
}
