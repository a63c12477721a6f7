import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, type EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialsTarget } from '../collect/aws-credentials.ts';
import { type AwsFailure, classifyAwsError } from '../collect/aws-errors.ts';
import { createLimiter } from '../collect/limit.ts';
import type { FleetAccount, FleetConfig } from '../config/fleet-config.ts';
import type { FleetSkip } from '../core/fleet.ts';
import type { ClusterRef } from '../core/model.ts';
import { type ClusterFilters, filtersNeedTags, passesNameFilters, passesTagFilters } from './filters.ts';
import { organizationAccounts } from './organization.ts';

/**
 * Finds the clusters a fleet scan covers: the scanner's own account, the configured member
 * accounts and, with `organization`, every active account of the organization or of some of
 * its OUs (each through its read role), in the configured or the enabled regions,
 * narrowed by name and tag filters. Whatever cannot be enumerated (a role that cannot be
 * assumed, a region an SCP denies or that is not enabled, an unreachable endpoint) is
 * listed in `skipped` with the reason; discovery itself never fails on one of them.
 */

/** Builds clients for one account and region. Discovery does not destroy them. */
export type ClientFactory<C> = (
  region: string,
  credentials: AwsCredentialIdentityProvider,
  accountId: string,
) => C;

export interface DiscoveryClients {
  /** The scanner's own STS client, for GetCallerIdentity. */
  sts: STSClient;
  ec2: ClientFactory<EC2Client>;
  eks: ClientFactory<EKSClient>;
  /** Only needed with `organization` in the fleet config. */
  organizations?: (region: string, credentials: AwsCredentialIdentityProvider) => OrganizationsClient;
}

export interface DiscoverFleetInput {
  config: FleetConfig;
  clients: DiscoveryClients;
  /** Usually `credentialsFor` from collect/aws-credentials.ts; the result should be memoized. */
  credentialsFor: (target: CredentialsTarget) => AwsCredentialIdentityProvider;
  /** Where the scanner runs: STS (AssumeRole) and DescribeRegions are called in this region. */
  homeRegion: string;
}

export interface FleetDiscovery {
  /** Sorted by account, region and name. */
  clusters: ClusterRef[];
  skipped: FleetSkip[];
}

/** Stands in for the account id when the scanner cannot even tell which account it is in. */
export const SELF_ACCOUNT_PLACEHOLDER = 'self';

interface AccountPlan {
  accountId: string;
  target: CredentialsTarget;
}

interface Identity {
  accountId: string;
  partition: string;
}

export async function discoverFleet(input: DiscoverFleetInput): Promise<FleetDiscovery> {
  const { config, clients, homeRegion } = input;
  const clusters: ClusterRef[] = [];
  const skipped: FleetSkip[] = [];
  const limit = createLimiter(config.maxConcurrency);
  // Tag lookups happen inside a region task that holds a slot of `limit`; a second limiter
  // keeps them from waiting on slots their own parents hold.
  const describeLimit = createLimiter(config.maxConcurrency);
  const filters: ClusterFilters = {
    ...(config.include === undefined ? {} : { include: config.include }),
    ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
  };

  const self = await callerIdentity(clients.sts);
  if (!self.ok && config.includeSelf) {
    skipped.push({
      accountId: SELF_ACCOUNT_PLACEHOLDER,
      reason: `the scanner's own account could not be identified (GetCallerIdentity: ${self.failure.message})`,
    });
  }
  const partition = self.ok ? self.identity.partition : partitionOfRegion(homeRegion);

  const plans: AccountPlan[] = [];
  for (const account of config.accounts) {
    const plan = planAccount(account, self.ok ? self.identity.accountId : undefined, homeRegion);
    if ('reason' in plan) skipped.push(plan);
    else plans.push(plan);
  }
  if (config.organization !== undefined) {
    const organization = config.organization;
    const found = await listOrganization(input, organization);
    skipped.push(...found.skipped);
    const planned = new Set(config.accounts.map((account) => account.accountId));
    for (const id of organization.excludeAccounts) planned.add(id);
    // The scanner's own account is scanned with its own identity, or not at all: includeSelf decides.
    if (self.ok) planned.add(self.identity.accountId);
    for (const accountId of found.accountIds) {
      if (planned.has(accountId)) continue;
      plans.push({
        accountId,
        target: {
          roleArn: `arn:${partition}:iam::${accountId}:role/${organization.memberRoleName}`,
          region: homeRegion,
          ...(organization.memberExternalId === undefined
            ? {}
            : { externalId: organization.memberExternalId }),
        },
      });
    }
  }
  if (config.includeSelf && self.ok && !plans.some((plan) => plan.accountId === self.identity.accountId)) {
    plans.unshift({ accountId: self.identity.accountId, target: { region: homeRegion } });
  }

  await Promise.all(
    plans.map(async (plan) => {
      const prepared = await limit(() => prepareAccount(plan, input));
      if ('reason' in prepared) {
        skipped.push(prepared);
        return;
      }
      await Promise.all(
        prepared.regions.map((region) =>
          limit(async () => {
            const found = await clustersInRegion({
              accountId: plan.accountId,
              region,
              partition,
              eks: clients.eks(region, prepared.credentials, plan.accountId),
              filters,
              describeLimit,
            });
            clusters.push(...found.clusters);
            skipped.push(...found.skipped);
          }),
        ),
      );
    }),
  );

  clusters.sort((a, b) => compareKeys([a.accountId, a.region, a.name], [b.accountId, b.region, b.name]));
  skipped.sort((a, b) => compareKeys([a.accountId, a.region, a.reason], [b.accountId, b.region, b.reason]));
  return { clusters, skipped };
}

function compareKeys(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = (a[i] ?? '').localeCompare(b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/** The organization's accounts, listed with the scanner's identity or `organization.roleArn`. */
async function listOrganization(
  input: DiscoverFleetInput,
  organization: NonNullable<FleetConfig['organization']>,
): ReturnType<typeof organizationAccounts> {
  if (input.clients.organizations === undefined) {
    throw new Error(
      'the fleet config names an organization, but discovery was given no Organizations client',
    );
  }
  const credentials = input.credentialsFor({
    region: input.homeRegion,
    ...(organization.roleArn === undefined ? {} : { roleArn: organization.roleArn }),
    ...(organization.externalId === undefined ? {} : { externalId: organization.externalId }),
  });
  return organizationAccounts(
    input.clients.organizations(input.homeRegion, credentials),
    organization.parents,
  );
}

type IdentityResult = { ok: true; identity: Identity } | { ok: false; failure: AwsFailure };

async function callerIdentity(sts: STSClient): Promise<IdentityResult> {
  try {
    const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
    if (Account === undefined) {
      return { ok: false, failure: { reason: 'error', code: 'Error', message: 'no account in the answer' } };
    }
    const partition = Arn?.split(':')[1];
    return {
      ok: true,
      identity: {
        accountId: Account,
        partition: partition === undefined || partition === '' ? 'aws' : partition,
      },
    };
  } catch (error) {
    return { ok: false, failure: classifyAwsError(error) };
  }
}

/** Used to build cluster ARNs when the caller's own ARN is not known. */
function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function planAccount(
  account: FleetAccount,
  selfAccountId: string | undefined,
  homeRegion: string,
): AccountPlan | FleetSkip {
  if (account.roleArn === undefined) {
    if (selfAccountId !== undefined && account.accountId === selfAccountId) {
      return { accountId: account.accountId, target: { region: homeRegion } };
    }
    return {
      accountId: account.accountId,
      reason:
        selfAccountId === undefined
          ? 'no roleArn is configured and the scanner could not confirm this is its own account'
          : `no roleArn is configured, and this is not the scanner's own account (${selfAccountId}); add the member read role's ARN`,
    };
  }
  return {
    accountId: account.accountId,
    target: {
      roleArn: account.roleArn,
      region: homeRegion,
      ...(account.externalId === undefined ? {} : { externalId: account.externalId }),
      ...(account.sessionName === undefined ? {} : { sessionName: account.sessionName }),
    },
  };
}

type PreparedAccount = { credentials: AwsCredentialIdentityProvider; regions: string[] } | FleetSkip;

/** Assumes the member role once (so a broken trust policy is one clear skip) and finds the regions. */
async function prepareAccount(plan: AccountPlan, input: DiscoverFleetInput): Promise<PreparedAccount> {
  const credentials = input.credentialsFor(plan.target);
  if (plan.target.roleArn !== undefined) {
    try {
      await credentials();
    } catch (error) {
      const failure = classifyAwsError(error);
      return {
        accountId: plan.accountId,
        reason: `could not assume ${plan.target.roleArn} (${failure.message}); check the role's trust policy and ExternalId`,
      };
    }
  }
  if (input.config.regions !== undefined) return { credentials, regions: [...input.config.regions] };

  try {
    // Without AllRegions, DescribeRegions answers the regions enabled for the account:
    // opt-in regions appear only once opted in.
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
    const ec2 = input.clients.ec2(input.homeRegion, credentials, plan.accountId);
    const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
    const regions = (Regions ?? [])
      .filter((region) => region.OptInStatus !== 'not-opted-in')
      .map((region) => region.RegionName)
      .filter((name): name is string => name !== undefined && name !== '')
      .sort();
    return { credentials, regions };
  } catch (error) {
    const failure = classifyAwsError(error);
    return {
      accountId: plan.accountId,
      reason: `could not list the enabled regions (DescribeRegions: ${failure.message}); allow ec2:DescribeRegions or set regions in the fleet config`,
    };
  }
}

interface RegionInput {
  accountId: string;
  region: string;
  partition: string;
  eks: EKSClient;
  filters: ClusterFilters;
  describeLimit: <T>(task: () => Promise<T>) => Promise<T>;
}

async function clustersInRegion(input: RegionInput): Promise<FleetDiscovery> {
  const { accountId, region } = input;
  const names: string[] = [];
  try {
    // `include` is left at its default, so EKS Connector registrations (no API to scan) are not listed.
    for await (const page of paginateListClusters({ client: input.eks, stopOnSameToken: true }, {})) {
      names.push(...(page.clusters ?? []));
    }
  } catch (error) {
    return {
      clusters: [],
      skipped: [{ accountId, region, reason: regionSkipReason(classifyAwsError(error)) }],
    };
  }

  const candidates = names.filter((name) => passesNameFilters(name, input.filters));
  const arnOf = (name: string): string => `arn:${input.partition}:eks:${region}:${accountId}:cluster/${name}`;
  if (!filtersNeedTags(input.filters)) {
    return {
      clusters: candidates.map((name) => ({ accountId, region, name, arn: arnOf(name) })),
      skipped: [],
    };
  }

  const result: FleetDiscovery = { clusters: [], skipped: [] };
  await Promise.all(
    candidates.map((name) =>
      input.describeLimit(async () => {
        try {
          const { cluster } = await input.eks.send(new DescribeClusterCommand({ name }));
          if (passesTagFilters(cluster?.tags ?? {}, input.filters)) {
            result.clusters.push({ accountId, region, name, arn: cluster?.arn ?? arnOf(name) });
          }
        } catch (error) {
          const failure = classifyAwsError(error);
          result.skipped.push({
            accountId,
            region,
            reason: `cluster ${name} left out: its tags could not be read for the tag filters (DescribeCluster: ${failure.message})`,
          });
        }
      }),
    ),
  );
  return result;
}

function regionSkipReason(failure: AwsFailure): string {
  switch (failure.reason) {
    case 'unauthorized':
      return `the region rejected the credentials; it is probably an opt-in region not enabled for this account (ListClusters: ${failure.message})`;
    case 'forbidden':
      return `ListClusters was denied, by an IAM policy or an SCP that denies this region (${failure.message})`;
    case 'unreachable':
    case 'timeout':
      return `the EKS endpoint could not be reached (ListClusters: ${failure.message})`;
    case 'throttled':
      return `ListClusters was throttled after retries (${failure.message})`;
    default:
      return `ListClusters failed (${failure.message})`;
  }
}
