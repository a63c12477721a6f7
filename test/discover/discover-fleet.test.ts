import 'aws-sdk-client-mock-vitest/extend';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeClusterCommand,
  EKSClient,
  ListClustersCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  AccessDeniedException as OrganizationsAccessDenied,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsTarget } from '../../functions/collect/aws-credentials.ts';
import { parseFleetConfig } from '../../functions/config/fleet-config.ts';
import { type DiscoverFleetInput, discoverFleet } from '../../functions/discover/discover-fleet.ts';

const SELF = '111111111111';
const MEMBER = '222222222222';
const LOCKED = '333333333333';
const HOME = 'eu-west-1';
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/watchkeeper-read`;
const LOCKED_ROLE = `arn:aws:iam::${LOCKED}:role/watchkeeper-read`;

/**
 * One real SDK client per account and region, each mocked on its own, so every
 * account/region pair answers for itself. Credentials carry the account in the key id.
 */
class FakeAws {
  readonly sts = mockClient(STSClient);
  readonly stsClient = new STSClient({ region: HOME });
  readonly eksStubs = new Map<string, AwsClientStub<EKSClient>>();
  readonly ec2Stubs = new Map<string, AwsClientStub<EC2Client>>();
  readonly #eksClients = new Map<string, EKSClient>();
  readonly #ec2Clients = new Map<string, EC2Client>();
  readonly targets: CredentialsTarget[] = [];
  /** Roles whose AssumeRole fails, with the error STS answers. */
  readonly refusedRoles = new Map<string, Error>();

  constructor() {
    this.sts.on(GetCallerIdentityCommand).resolves({
      Account: SELF,
      Arn: `arn:aws:sts::${SELF}:assumed-role/watchkeeper-scanner/scan`,
    });
  }

  eks(accountId: string, region: string): AwsClientStub<EKSClient> {
    const key = `${accountId}/${region}`;
    let stub = this.eksStubs.get(key);
    if (stub === undefined) {
      const client = new EKSClient({
        region,
        credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      });
      stub = mockClient(client);
      stub.on(ListClustersCommand).resolves({ clusters: [] });
      this.#eksClients.set(key, client);
      this.eksStubs.set(key, stub);
    }
    return stub;
  }

  ec2(accountId: string): AwsClientStub<EC2Client> {
    let stub = this.ec2Stubs.get(accountId);
    if (stub === undefined) {
      const client = new EC2Client({
        region: HOME,
        credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      });
      stub = mockClient(client);
      this.#ec2Clients.set(accountId, client);
      this.ec2Stubs.set(accountId, stub);
    }
    return stub;
  }

  enabledRegions(accountId: string, regions: string[]): void {
    this.ec2(accountId)
      .on(DescribeRegionsCommand)
      .resolves({
        Regions: regions.map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })),
      });
  }

  input(config: unknown): DiscoverFleetInput {
    return {
      config: parseFleetConfig(config),
      homeRegion: HOME,
      credentialsFor: (target) => {
        this.targets.push(target);
        const accountId = target.roleArn?.split(':')[4] ?? SELF;
        return async () => {
          const refusal = target.roleArn === undefined ? undefined : this.refusedRoles.get(target.roleArn);
          if (refusal !== undefined) throw refusal;
          return { accessKeyId: `AKID${accountId}`, secretAccessKey: 'fake' };
        };
      },
      clients: {
        sts: this.stsClient,
        ec2: (region, _credentials, accountId) => {
          expect(region).toBe(HOME);
          this.ec2(accountId);
          const client = this.#ec2Clients.get(accountId);
          if (client === undefined) throw new Error(`no EC2 client for ${accountId}`);
          return client;
        },
        eks: (region, _credentials, accountId) => {
          this.eks(accountId, region);
          const client = this.#eksClients.get(`${accountId}/${region}`);
          if (client === undefined) throw new Error(`no EKS client for ${accountId}/${region}`);
          return client;
        },
      },
    };
  }
}

function stsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403 } });
}

describe('discoverFleet', () => {
  let aws: FakeAws;

  beforeEach(() => {
    aws = new FakeAws();
  });

  it('finds clusters in two accounts × two regions, following ListClusters pages, and skips what it cannot read', async () => {
    // Prepare
    aws.enabledRegions(SELF, ['eu-west-1', 'us-east-1']);
    aws.enabledRegions(MEMBER, ['eu-west-1', 'us-east-1', 'ap-east-1']);
    aws
      .eks(SELF, 'eu-west-1')
      .on(ListClustersCommand)
      .resolvesOnce({ clusters: ['web', 'batch'], nextToken: 'self-euw1-2' })
      .resolvesOnce({ clusters: ['api'] });
    aws.eks(SELF, 'us-east-1').on(ListClustersCommand).resolves({ clusters: [] });
    aws
      .eks(MEMBER, 'eu-west-1')
      .on(ListClustersCommand)
      .resolves({ clusters: ['payments'] });
    aws
      .eks(MEMBER, 'us-east-1')
      .on(ListClustersCommand)
      .resolvesOnce({ clusters: ['edge-1'], nextToken: 'member-use1-2' })
      .resolvesOnce({ clusters: ['edge-2'], nextToken: 'member-use1-3' })
      .resolvesOnce({ clusters: ['edge-3'] });
    aws
      .eks(MEMBER, 'ap-east-1')
      .on(ListClustersCommand)
      .rejects(
        new AccessDeniedException({
          message: `User: arn:aws:sts::${MEMBER}:assumed-role/watchkeeper-read/watchkeeper is not authorized to perform: eks:ListClusters with an explicit deny in a service control policy`,
          $metadata: { httpStatusCode: 403 },
        }),
      );
    aws.refusedRoles.set(
      LOCKED_ROLE,
      stsError(
        'AccessDenied',
        `User: arn:aws:sts::${SELF}:assumed-role/x is not authorized to perform: sts:AssumeRole`,
      ),
    );

    // Act
    const { clusters, skipped } = await discoverFleet(
      aws.input({
        accounts: [
          { accountId: MEMBER, roleArn: MEMBER_ROLE, externalId: 'wk-ext-1' },
          { accountId: LOCKED, roleArn: LOCKED_ROLE },
        ],
      }),
    );

    // Assess
    expect(clusters).toEqual([
      { accountId: SELF, region: 'eu-west-1', name: 'api', arn: `arn:aws:eks:eu-west-1:${SELF}:cluster/api` },
      {
        accountId: SELF,
        region: 'eu-west-1',
        name: 'batch',
        arn: `arn:aws:eks:eu-west-1:${SELF}:cluster/batch`,
      },
      { accountId: SELF, region: 'eu-west-1', name: 'web', arn: `arn:aws:eks:eu-west-1:${SELF}:cluster/web` },
      {
        accountId: MEMBER,
        region: 'eu-west-1',
        name: 'payments',
        arn: `arn:aws:eks:eu-west-1:${MEMBER}:cluster/payments`,
      },
      {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'edge-1',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/edge-1`,
      },
      {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'edge-2',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/edge-2`,
      },
      {
        accountId: MEMBER,
        region: 'us-east-1',
        name: 'edge-3',
        arn: `arn:aws:eks:us-east-1:${MEMBER}:cluster/edge-3`,
      },
    ]);
    expect(skipped).toEqual([
      {
        accountId: MEMBER,
        region: 'ap-east-1',
        reason: expect.stringMatching(/^ListClusters was denied, by an IAM policy or an SCP .*explicit deny/),
      },
      {
        accountId: LOCKED,
        reason: expect.stringMatching(
          new RegExp(`^could not assume ${LOCKED_ROLE} \\(AccessDenied: .*sts:AssumeRole`),
        ),
      },
    ]);

    const selfEuw1 = aws.eks(SELF, 'eu-west-1');
    expect(selfEuw1).toHaveReceivedCommandTimes(ListClustersCommand, 2);
    expect(selfEuw1).toHaveReceivedNthCommandWith(ListClustersCommand, 2, { nextToken: 'self-euw1-2' });
    const memberUse1 = aws.eks(MEMBER, 'us-east-1');
    expect(memberUse1).toHaveReceivedCommandTimes(ListClustersCommand, 3);
    expect(memberUse1).toHaveReceivedNthCommandWith(ListClustersCommand, 3, { nextToken: 'member-use1-3' });
    // ListClusters keeps its default `include`, so EKS Connector registrations are not listed.
    expect(memberUse1).not.toHaveReceivedCommandWith(ListClustersCommand, { include: ['all'] });
    // No tag filter, so no DescribeCluster at all.
    for (const stub of aws.eksStubs.values()) expect(stub).not.toHaveReceivedCommand(DescribeClusterCommand);
    // DescribeRegions without AllRegions answers the enabled regions only.
    expect(aws.ec2(SELF)).toHaveReceivedCommandExactlyOnceWith(DescribeRegionsCommand, {});
    expect(aws.targets).toEqual([
      { region: HOME },
      { roleArn: MEMBER_ROLE, externalId: 'wk-ext-1', region: HOME },
      { roleArn: LOCKED_ROLE, region: HOME },
    ]);
    expect(aws.ec2Stubs.has(LOCKED)).toBe(false);
  });

  it('applies name globs before any DescribeCluster, then tag filters, and reports clusters whose tags it cannot read', async () => {
    // Prepare
    const eks = aws.eks(SELF, HOME);
    eks
      .on(ListClustersCommand)
      .resolves({ clusters: ['prod-api', 'prod-web', 'prod-old', 'prod-gone', 'dev-api'] });
    eks.on(DescribeClusterCommand, { name: 'prod-api' }).resolves({
      cluster: {
        name: 'prod-api',
        arn: 'arn:aws:eks:eu-west-1:111111111111:cluster/prod-api',
        tags: { team: 'payments' },
      },
    });
    eks
      .on(DescribeClusterCommand, { name: 'prod-web' })
      .resolves({ cluster: { name: 'prod-web', tags: {} } });
    eks.on(DescribeClusterCommand, { name: 'prod-old' }).resolves({
      cluster: { name: 'prod-old', tags: { team: 'legacy', 'watchkeeper/skip': 'true' } },
    });
    eks
      .on(DescribeClusterCommand, { name: 'prod-gone' })
      .rejects(
        new ResourceNotFoundException({ message: 'No cluster found for name: prod-gone.', $metadata: {} }),
      );

    // Act
    const { clusters, skipped } = await discoverFleet(
      aws.input({
        regions: [HOME],
        include: { names: ['prod-*'], tags: { team: '*' } },
        exclude: { names: ['*-old'], tags: { 'watchkeeper/skip': 'true' } },
      }),
    );

    // Assess
    expect(clusters).toEqual([
      {
        accountId: SELF,
        region: HOME,
        name: 'prod-api',
        arn: 'arn:aws:eks:eu-west-1:111111111111:cluster/prod-api',
      },
    ]);
    expect(skipped).toEqual([
      {
        accountId: SELF,
        region: HOME,
        reason: expect.stringMatching(
          /^cluster prod-gone left out: its tags could not be read .*ResourceNotFoundException/,
        ),
      },
    ]);
    // dev-api fails the include glob and prod-old the exclude glob: neither is described.
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterCommand, 3);
    expect(eks).not.toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'dev-api' });
    expect(eks).not.toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'prod-old' });
    // Configured regions: no DescribeRegions.
    expect(aws.ec2(SELF)).not.toHaveReceivedAnyCommand();
  });

  it('skips a configured region that is not enabled (opt-in) with a reason that says so', async () => {
    // Prepare
    aws
      .eks(SELF, 'me-central-1')
      .on(ListClustersCommand)
      .rejects(
        Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'UnrecognizedClientException',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    aws
      .eks(SELF, HOME)
      .on(ListClustersCommand)
      .resolves({ clusters: ['prod'] });

    // Act
    const { clusters, skipped } = await discoverFleet(aws.input({ regions: [HOME, 'me-central-1'] }));

    // Assess
    expect(clusters.map((c) => c.name)).toEqual(['prod']);
    expect(skipped).toEqual([
      {
        accountId: SELF,
        region: 'me-central-1',
        reason: expect.stringContaining('opt-in region not enabled for this account'),
      },
    ]);
  });

  it('skips an account whose regions cannot be listed, and one with no role to assume', async () => {
    // Prepare
    aws
      .ec2(SELF)
      .on(DescribeRegionsCommand)
      .rejects(stsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));

    // Act
    const { clusters, skipped } = await discoverFleet(aws.input({ accounts: [{ accountId: MEMBER }] }));

    // Assess
    expect(clusters).toEqual([]);
    expect(skipped).toEqual([
      {
        accountId: SELF,
        reason: expect.stringMatching(
          /^could not list the enabled regions \(DescribeRegions: UnauthorizedOperation/,
        ),
      },
      { accountId: MEMBER, reason: expect.stringContaining('no roleArn is configured') },
    ]);
  });

  it('records an unidentifiable scanner account and still scans the member accounts', async () => {
    // Prepare
    aws.sts
      .on(GetCallerIdentityCommand)
      .rejects(stsError('ExpiredToken', 'The security token included in the request is expired'));
    aws
      .eks(MEMBER, HOME)
      .on(ListClustersCommand)
      .resolves({ clusters: ['payments'] });

    // Act
    const { clusters, skipped } = await discoverFleet(
      aws.input({ regions: [HOME], accounts: [{ accountId: MEMBER, roleArn: MEMBER_ROLE }] }),
    );

    // Assess
    expect(clusters).toEqual([
      {
        accountId: MEMBER,
        region: HOME,
        name: 'payments',
        arn: `arn:aws:eks:eu-west-1:${MEMBER}:cluster/payments`,
      },
    ]);
    expect(skipped).toEqual([{ accountId: 'self', reason: expect.stringContaining('ExpiredToken') }]);
  });

  it('scans its own account once when it is also listed, with its own identity', async () => {
    // Prepare
    aws
      .eks(SELF, HOME)
      .on(ListClustersCommand)
      .resolves({ clusters: ['prod'] });

    // Act
    const { clusters, skipped } = await discoverFleet(
      aws.input({ regions: [HOME], accounts: [{ accountId: SELF }] }),
    );

    // Assess
    expect(skipped).toEqual([]);
    expect(clusters).toHaveLength(1);
    expect(aws.targets).toEqual([{ region: HOME }]);
  });

  it('keeps ListClusters calls across accounts × regions within maxConcurrency', async () => {
    // Prepare
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'us-east-1', 'us-east-2', 'us-west-2'];
    let inFlight = 0;
    let peak = 0;
    for (const account of [SELF, MEMBER]) {
      for (const region of regions) {
        aws
          .eks(account, region)
          .on(ListClustersCommand)
          .callsFake(async () => {
            inFlight += 1;
            peak = Math.max(peak, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inFlight -= 1;
            return { clusters: [`${region}-cluster`] };
          });
      }
    }

    // Act
    const { clusters } = await discoverFleet(
      aws.input({ regions, maxConcurrency: 3, accounts: [{ accountId: MEMBER, roleArn: MEMBER_ROLE }] }),
    );

    // Assess
    expect(clusters).toHaveLength(12);
    expect(peak).toBe(3);
  });
});

/** What Organizations answers an account that may not list it. */
function organizationsDenied(): Error {
  return new OrganizationsAccessDenied({
    message: 'You don’t have permissions to access this resource.',
    $metadata: { httpStatusCode: 403 },
  });
}

describe('discoverFleet with an organization', () => {
  const ORG_READER = `arn:aws:iam::${SELF}:role/watchkeeper-org-reader`;
  let aws: FakeAws;
  let organizations: AwsClientStub<OrganizationsClient>;
  let organizationsRegion: string | undefined;

  /** The fake's input, with an Organizations client whose credentials are recorded in aws.targets. */
  function inputWith(config: unknown): DiscoverFleetInput {
    const input = aws.input(config);
    const client = new OrganizationsClient({
      region: HOME,
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    });
    organizations = mockClient(client);
    return {
      ...input,
      clients: {
        ...input.clients,
        organizations: (region) => {
          organizationsRegion = region;
          return client;
        },
      },
    };
  }

  beforeEach(() => {
    aws = new FakeAws();
    organizationsRegion = undefined;
  });

  it('scans every active account of the organization through the member role, its own account once', async () => {
    // Prepare: two pages of accounts, one suspended, one closing, one excluded, the scanner's own.
    const input = inputWith({
      regions: [HOME],
      accounts: [{ accountId: MEMBER, roleArn: MEMBER_ROLE, externalId: 'listed-ext' }],
      organization: {
        memberRoleName: 'watchkeeper-read',
        memberExternalId: 'org-ext',
        roleArn: ORG_READER,
        excludeAccounts: ['555555555555'],
      },
    });
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: SELF, State: 'ACTIVE' },
          { Id: MEMBER, State: 'ACTIVE' },
          { Id: '444444444444', State: 'ACTIVE' },
          { Id: '666666666666', State: 'SUSPENDED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Accounts: [
          { Id: '555555555555', State: 'ACTIVE' },
          { Id: '777777777777', Status: 'ACTIVE' },
          { Id: '888888888888', State: 'PENDING_CLOSURE' },
          { Id: '12345/../role', State: 'ACTIVE' },
        ],
      });
    for (const account of [SELF, MEMBER, '444444444444', '777777777777']) {
      aws
        .eks(account, HOME)
        .on(ListClustersCommand)
        .resolves({ clusters: [`c-${account}`] });
    }

    // Act
    const { clusters, skipped } = await discoverFleet(input);

    // Assess
    expect(skipped).toEqual([]);
    expect(clusters.map((cluster) => cluster.accountId)).toEqual([
      SELF,
      MEMBER,
      '444444444444',
      '777777777777',
    ]);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(organizationsRegion).toBe(HOME);
    // Listed with the reader role; each account found entered through the member role and its id;
    // the listed member keeps its own external id.
    expect(aws.targets).toContainEqual({ region: HOME, roleArn: ORG_READER });
    expect(aws.targets).toContainEqual({
      region: HOME,
      roleArn: 'arn:aws:iam::444444444444:role/watchkeeper-read',
      externalId: 'org-ext',
    });
    expect(aws.targets).toContainEqual({ region: HOME, roleArn: MEMBER_ROLE, externalId: 'listed-ext' });
    expect(aws.targets.map((target) => target.roleArn)).not.toContain(
      'arn:aws:iam::555555555555:role/watchkeeper-read',
    );
    // Only real account ids go into role ARNs.
    expect(aws.targets.some((target) => target.roleArn?.includes('12345/'))).toBe(false);
  });

  it('walks the OUs below the given parents, and skips a parent it may not list while keeping the others', async () => {
    // Prepare: ou-a holds one account and ou-b below it another; ou-denied refuses.
    const input = inputWith({
      includeSelf: false,
      regions: [HOME],
      organization: { memberRoleName: 'watchkeeper-read', parents: ['ou-aaaa-11111111', 'ou-dddd-44444444'] },
    });
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-aaaa-11111111' })
      .resolves({ Accounts: [{ Id: '444444444444', State: 'ACTIVE' }] })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-aaaa-11111111' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-aaaa-22222222' }] })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-aaaa-22222222' })
      .resolves({ Accounts: [{ Id: '777777777777', State: 'ACTIVE' }] })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-aaaa-22222222' })
      .resolves({ OrganizationalUnits: [] })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-dddd-44444444' })
      .rejects(organizationsDenied());
    for (const account of ['444444444444', '777777777777']) {
      aws
        .eks(account, HOME)
        .on(ListClustersCommand)
        .resolves({ clusters: ['prod'] });
    }

    // Act
    const { clusters, skipped } = await discoverFleet(input);

    // Assess
    expect(clusters.map((cluster) => `${cluster.accountId}/${cluster.name}`)).toEqual([
      '444444444444/prod',
      '777777777777/prod',
    ]);
    expect(organizations).not.toHaveReceivedCommand(ListAccountsCommand);
    expect(skipped).toEqual([
      {
        accountId: 'organization',
        reason: expect.stringMatching(
          /^could not list the accounts of ou-dddd-44444444 \(ListAccountsForParent: .*permissions.*\); .*organization\.roleArn$/,
        ),
      },
    ]);
  });

  it('still scans the listed accounts when the organization cannot be listed at all', async () => {
    const input = inputWith({
      regions: [HOME],
      accounts: [{ accountId: MEMBER, roleArn: MEMBER_ROLE }],
      organization: { memberRoleName: 'watchkeeper-read' },
    });
    organizations.on(ListAccountsCommand).rejects(organizationsDenied());
    aws
      .eks(MEMBER, HOME)
      .on(ListClustersCommand)
      .resolves({ clusters: ['payments'] });

    const { clusters, skipped } = await discoverFleet(input);

    expect(clusters.map((cluster) => cluster.name)).toEqual(['payments']);
    expect(skipped).toEqual([
      {
        accountId: 'organization',
        reason: expect.stringContaining('the accounts of the organization (ListAccounts'),
      },
    ]);
  });
});
