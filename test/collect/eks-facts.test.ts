import 'aws-sdk-client-mock-vitest/extend';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException,
  DescribeAccessEntryCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListAssociatedAccessPoliciesCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectEksFacts, eksIncludeFor } from '../../functions/collect/eks-facts.ts';

const CLUSTER = 'prod';
const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' };

const eks = mockClient(EKSClient);
const ec2 = mockClient(EC2Client);

function clients() {
  return {
    client: new EKSClient({ region: 'eu-west-1', credentials: CREDENTIALS }),
    ec2: new EC2Client({ region: 'eu-west-1', credentials: CREDENTIALS }),
  };
}

function denied(action: string): AccessDeniedException {
  return new AccessDeniedException({
    message: `User: arn:aws:sts::111122223333:assumed-role/scanner/s is not authorized to perform: eks:${action}`,
    $metadata: { httpStatusCode: 403 },
  });
}

/** A cluster as DescribeCluster returns it, with Date objects and a field we do not keep. */
const describedCluster = {
  name: CLUSTER,
  arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${CLUSTER}`,
  createdAt: new Date('2025-01-02T03:04:05Z'),
  version: '1.31',
  platformVersion: 'eks.12',
  status: 'ACTIVE' as const,
  endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
  certificateAuthority: { data: CA_DATA },
  clientRequestToken: 'dropped-because-not-in-EksCluster',
  resourcesVpcConfig: {
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
    publicAccessCidrs: ['0.0.0.0/0'],
  },
  accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' as const },
  logging: { clusterLogging: [{ types: ['api' as const, 'audit' as const], enabled: true }] },
  tags: { team: 'platform' },
};

/** Every list answers in two pages, so a reader that ignores nextToken misses half. */
function mockWholeCluster(): void {
  eks.on(DescribeClusterCommand).resolves({ cluster: describedCluster });
  eks
    .on(DescribeClusterVersionsCommand)
    .resolvesOnce({
      clusterVersions: [
        {
          clusterVersion: '1.32',
          versionStatus: 'STANDARD_SUPPORT',
          releaseDate: new Date('2025-01-23T00:00:00Z'),
          endOfStandardSupportDate: new Date('2026-03-23T00:00:00Z'),
          endOfExtendedSupportDate: new Date('2027-03-23T00:00:00Z'),
        },
      ],
      nextToken: 'cv-2',
    })
    .resolvesOnce({
      clusterVersions: [
        {
          clusterVersion: '1.31',
          versionStatus: 'EXTENDED_SUPPORT',
          releaseDate: new Date('2024-09-26T00:00:00Z'),
          endOfStandardSupportDate: new Date('2025-11-26T00:00:00Z'),
          endOfExtendedSupportDate: new Date('2026-11-26T00:00:00Z'),
        },
      ],
    });
  eks
    .on(ListNodegroupsCommand)
    .resolvesOnce({ nodegroups: ['ng-a'], nextToken: 'ng-2' })
    .resolvesOnce({ nodegroups: ['ng-b'] });
  eks.on(DescribeNodegroupCommand, { nodegroupName: 'ng-a' }).resolves({
    nodegroup: {
      nodegroupName: 'ng-a',
      amiType: 'AL2023_x86_64_STANDARD',
      createdAt: new Date('2025-02-01T00:00:00Z'),
      launchTemplate: { id: 'lt-0aaa', version: '3' },
      remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: [] },
    },
  });
  eks.on(DescribeNodegroupCommand, { nodegroupName: 'ng-b' }).resolves({
    nodegroup: { nodegroupName: 'ng-b', amiType: 'BOTTLEROCKET_x86_64' },
  });
  eks
    .on(ListAddonsCommand)
    .resolvesOnce({ addons: ['vpc-cni'], nextToken: 'ad-2' })
    .resolvesOnce({ addons: ['coredns'] });
  eks.on(DescribeAddonCommand).callsFake((input: { addonName: string }) => ({
    addon: {
      addonName: input.addonName,
      addonVersion: 'v1.0.0-eksbuild.1',
      status: 'ACTIVE',
      createdAt: new Date(),
    },
  }));
  eks
    .on(ListAccessEntriesCommand)
    .resolvesOnce({ accessEntries: ['arn:aws:iam::111122223333:role/admin'], nextToken: 'ae-2' })
    .resolvesOnce({ accessEntries: ['arn:aws:iam::111122223333:role/viewer'] });
  eks.on(DescribeAccessEntryCommand).callsFake((input: { principalArn: string }) => ({
    accessEntry: { principalArn: input.principalArn, type: 'STANDARD', createdAt: new Date() },
  }));
  eks
    .on(ListAssociatedAccessPoliciesCommand, { principalArn: 'arn:aws:iam::111122223333:role/admin' })
    .resolvesOnce({
      associatedAccessPolicies: [
        {
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          accessScope: { type: 'cluster' },
          associatedAt: new Date(),
        },
      ],
      nextToken: 'ap-2',
    })
    .resolvesOnce({
      associatedAccessPolicies: [
        {
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
          accessScope: { type: 'namespace', namespaces: ['dev-*'] },
        },
      ],
    });
  eks
    .on(ListAssociatedAccessPoliciesCommand, { principalArn: 'arn:aws:iam::111122223333:role/viewer' })
    .resolves({ associatedAccessPolicies: [] });
  eks
    .on(ListFargateProfilesCommand)
    .resolvesOnce({ fargateProfileNames: ['fp-a'], nextToken: 'fp-2' })
    .resolvesOnce({ fargateProfileNames: ['fp-b'] });
  eks.on(DescribeFargateProfileCommand).callsFake((input: { fargateProfileName: string }) => ({
    fargateProfile: {
      fargateProfileName: input.fargateProfileName,
      selectors: [{ namespace: 'batch' }],
      createdAt: new Date(),
    },
  }));
  eks
    .on(ListInsightsCommand)
    .resolvesOnce({
      insights: [{ id: 'i-1', name: 'Deprecated APIs', lastRefreshTime: new Date('2026-11-20T10:00:00Z') }],
      nextToken: 'in-2',
    })
    .resolvesOnce({ insights: [{ id: 'i-2', insightStatus: { status: 'PASSING' } }] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
    LaunchTemplateVersions: [
      {
        LaunchTemplateId: 'lt-0aaa',
        LaunchTemplateName: 'nodes',
        VersionNumber: 3,
        CreateTime: new Date(),
        LaunchTemplateData: { MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 } },
      },
    ],
  });
}

describe('collectEksFacts', () => {
  beforeEach(() => {
    eks.reset();
    ec2.reset();
  });

  it('reads every kind, following nextToken to the last page of every list', async () => {
    // Prepare
    mockWholeCluster();

    // Act
    const { facts, gaps, connection } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([]);
    expect(connection).toEqual({ endpoint: describedCluster.endpoint, certificateAuthorityData: CA_DATA });
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterVersionsCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(DescribeClusterVersionsCommand, 2, { nextToken: 'cv-2' });
    expect(eks).toHaveReceivedCommandTimes(ListNodegroupsCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(ListNodegroupsCommand, 2, { nextToken: 'ng-2' });
    expect(eks).toHaveReceivedCommandTimes(ListAddonsCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(ListAddonsCommand, 2, { nextToken: 'ad-2' });
    expect(eks).toHaveReceivedCommandTimes(ListAccessEntriesCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(ListAccessEntriesCommand, 2, { nextToken: 'ae-2' });
    expect(eks).toHaveReceivedCommandTimes(ListFargateProfilesCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(ListFargateProfilesCommand, 2, { nextToken: 'fp-2' });
    expect(eks).toHaveReceivedCommandTimes(ListInsightsCommand, 2);
    expect(eks).toHaveReceivedNthCommandWith(ListInsightsCommand, 2, { nextToken: 'in-2' });
    expect(eks).toHaveReceivedCommandWith(ListAssociatedAccessPoliciesCommand, { nextToken: 'ap-2' });
    expect(eks).toHaveReceivedCommandWith(DescribeClusterVersionsCommand, { includeAll: true });
    expect(eks).toHaveReceivedCommandTimes(DescribeNodegroupCommand, 2);
    expect(eks).toHaveReceivedCommandTimes(DescribeAddonCommand, 2);
    expect(eks).toHaveReceivedCommandTimes(DescribeAccessEntryCommand, 2);
    expect(eks).toHaveReceivedCommandTimes(DescribeFargateProfileCommand, 2);
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeLaunchTemplateVersionsCommand, {
      LaunchTemplateId: 'lt-0aaa',
      Versions: ['3'],
    });

    expect(facts.clusterVersions?.map((v) => v.clusterVersion)).toEqual(['1.32', '1.31']);
    expect(facts.nodegroups?.map((n) => n.nodegroupName)).toEqual(['ng-a', 'ng-b']);
    expect(facts.addons?.map((a) => a.addonName)).toEqual(['vpc-cni', 'coredns']);
    expect(facts.fargateProfiles?.map((p) => p.fargateProfileName)).toEqual(['fp-a', 'fp-b']);
    expect(facts.insights?.map((i) => i.id)).toEqual(['i-1', 'i-2']);
    expect(facts.accessEntries).toEqual([
      {
        principalArn: 'arn:aws:iam::111122223333:role/admin',
        type: 'STANDARD',
        accessPolicies: [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
            accessScope: { type: 'cluster' },
          },
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            accessScope: { type: 'namespace', namespaces: ['dev-*'] },
          },
        ],
      },
      { principalArn: 'arn:aws:iam::111122223333:role/viewer', type: 'STANDARD', accessPolicies: [] },
    ]);
    expect(facts.launchTemplates).toEqual([
      {
        launchTemplateId: 'lt-0aaa',
        launchTemplateName: 'nodes',
        versionNumber: 3,
        nodegroupNames: ['ng-a'],
        metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
      },
    ]);
  });

  it('turns every Date into an ISO string and keeps only the EksCluster fields', async () => {
    // Prepare
    mockWholeCluster();

    // Act
    const { facts } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(facts.cluster).toEqual({
      name: CLUSTER,
      arn: describedCluster.arn,
      createdAt: '2025-01-02T03:04:05.000Z',
      version: '1.31',
      platformVersion: 'eks.12',
      status: 'ACTIVE',
      endpoint: describedCluster.endpoint,
      certificateAuthority: { data: CA_DATA },
      resourcesVpcConfig: {
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: true }] },
      tags: { team: 'platform' },
    });
    expect(facts.clusterVersions?.[1]).toEqual({
      clusterVersion: '1.31',
      versionStatus: 'EXTENDED_SUPPORT',
      releaseDate: '2024-09-26T00:00:00.000Z',
      endOfStandardSupportDate: '2025-11-26T00:00:00.000Z',
      endOfExtendedSupportDate: '2026-11-26T00:00:00.000Z',
    });
    expect(facts.nodegroups?.[0]?.createdAt).toBe('2025-02-01T00:00:00.000Z');
    expect(facts.insights?.[0]?.lastRefreshTime).toBe('2026-11-20T10:00:00.000Z');
    // A snapshot is plain JSON: no Date, no SDK class, nothing lost in a round trip.
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
    expect(JSON.stringify(facts)).not.toContain('clientRequestToken');
  });

  it('records a failed DescribeAddon as a gap for eks:addons while the other kinds succeed', async () => {
    // Prepare
    mockWholeCluster();
    eks.on(DescribeAddonCommand, { addonName: 'coredns' }).rejects(denied('DescribeAddon'));

    // Act
    const { facts, gaps } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([
      {
        kind: 'eks:addons',
        reason: 'forbidden',
        message: expect.stringMatching(
          /^1 of 2 add-ons could not be read: DescribeAddon coredns: AccessDeniedException:/,
        ),
      },
    ]);
    // The add-on that was read is not passed off as the complete list.
    expect(facts.addons).toBeUndefined();
    expect(facts.nodegroups).toHaveLength(2);
    expect(facts.accessEntries).toHaveLength(2);
    expect(facts.cluster?.name).toBe(CLUSTER);
  });

  it('records a denied DescribeCluster as a gap and still tries the other calls', async () => {
    // Prepare
    mockWholeCluster();
    eks.on(DescribeClusterCommand).rejects(denied('DescribeCluster'));

    // Act
    const { facts, gaps, connection } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([
      {
        kind: 'eks:cluster',
        reason: 'forbidden',
        message: expect.stringContaining('DescribeCluster: AccessDeniedException: User: arn:aws:sts::'),
      },
    ]);
    expect(facts.cluster).toBeUndefined();
    expect(connection).toBeUndefined();
    expect(facts.nodegroups).toHaveLength(2);
    expect(facts.addons).toHaveLength(2);
    expect(facts.clusterVersions).toHaveLength(2);
  });

  it('does not list under a cluster that does not exist, but records why for each kind', async () => {
    // Prepare
    mockWholeCluster();
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster found for name: prod.', $metadata: {} }));

    // Act
    const { facts, gaps } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps.map((gap) => [gap.kind, gap.reason])).toEqual([
      ['eks:cluster', 'not_found'],
      ['eks:nodegroups', 'not_found'],
      ['eks:addons', 'not_found'],
      ['eks:accessEntries', 'not_found'],
      ['eks:fargateProfiles', 'not_found'],
      ['eks:insights', 'not_found'],
      ['ec2:launchTemplates', 'not_found'],
    ]);
    expect(eks).not.toHaveReceivedCommand(ListNodegroupsCommand);
    expect(eks).not.toHaveReceivedCommand(ListAddonsCommand);
    expect(facts.clusterVersions).toHaveLength(2);
  });

  it('fails the whole kind when a later page is throttled, and the launch templates with it', async () => {
    // Prepare
    mockWholeCluster();
    eks
      .on(ListNodegroupsCommand)
      .resolvesOnce({ nodegroups: ['ng-a'], nextToken: 'ng-2' })
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));

    // Act
    const { facts, gaps } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([
      {
        kind: 'eks:nodegroups',
        reason: 'throttled',
        message: 'ListNodegroups: ThrottlingException: Rate exceeded',
      },
      {
        kind: 'ec2:launchTemplates',
        reason: 'throttled',
        message: expect.stringContaining('node groups could not be read'),
      },
    ]);
    expect(facts.nodegroups).toBeUndefined();
    expect(facts.launchTemplates).toBeUndefined();
    expect(eks).not.toHaveReceivedCommand(DescribeNodegroupCommand);
    expect(ec2).not.toHaveReceivedCommand(DescribeLaunchTemplateVersionsCommand);
  });

  it('classifies network failures as unreachable', async () => {
    // Prepare
    mockWholeCluster();
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    eks.on(ListInsightsCommand).rejects(refused);

    // Act
    const { gaps } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([
      {
        kind: 'eks:insights',
        reason: 'unreachable',
        message: 'ListInsights: ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443',
      },
    ]);
  });

  it('answers "no access entries" for a CONFIG_MAP cluster without calling the API that refuses it', async () => {
    // Prepare
    mockWholeCluster();
    eks.on(DescribeClusterCommand).resolves({
      cluster: { ...describedCluster, accessConfig: { authenticationMode: 'CONFIG_MAP' } },
    });

    // Act
    const { facts, gaps } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(gaps).toEqual([]);
    expect(facts.accessEntries).toEqual([]);
    expect(eks).not.toHaveReceivedCommand(ListAccessEntriesCommand);
  });

  it('reads only the included kinds, and no launch templates without an EC2 client', async () => {
    // Prepare
    mockWholeCluster();

    // Act
    const { facts, gaps } = await collectEksFacts({
      client: clients().client,
      clusterName: CLUSTER,
      include: eksIncludeFor(['eks:cluster', 'eks:addons', 'ec2:launchTemplates', 'pods']),
    });

    // Assess
    expect(gaps).toEqual([]);
    expect(Object.keys(facts).sort()).toEqual(['addons', 'cluster']);
    expect(eks).not.toHaveReceivedCommand(ListNodegroupsCommand);
    expect(eks).not.toHaveReceivedCommand(DescribeClusterVersionsCommand);
    expect(eks).not.toHaveReceivedCommand(ListInsightsCommand);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('asks for the cluster version by name when the calendar no longer lists it', async () => {
    // Prepare
    mockWholeCluster();
    eks.on(DescribeClusterCommand).resolves({ cluster: { ...describedCluster, version: '1.23' } });
    eks
      .on(DescribeClusterVersionsCommand, { clusterVersions: ['1.23'] })
      .resolves({ clusterVersions: [{ clusterVersion: '1.23', versionStatus: 'UNSUPPORTED' }] });

    // Act
    const { facts } = await collectEksFacts({ ...clients(), clusterName: CLUSTER });

    // Assess
    expect(facts.clusterVersions?.map((v) => [v.clusterVersion, v.versionStatus])).toEqual([
      ['1.32', 'STANDARD_SUPPORT'],
      ['1.31', 'EXTENDED_SUPPORT'],
      ['1.23', 'UNSUPPORTED'],
    ]);
    expect(eks).toHaveReceivedCommandWith(DescribeClusterVersionsCommand, {
      includeAll: true,
      clusterVersions: ['1.23'],
    });
  });

  it('keeps per-item describes within the concurrency bound', async () => {
    // Prepare
    const names = Array.from({ length: 12 }, (_, i) => `addon-${i}`);
    let inFlight = 0;
    let peak = 0;
    eks.on(DescribeClusterCommand).resolves({ cluster: describedCluster });
    eks.on(ListAddonsCommand).resolves({ addons: names });
    eks.on(DescribeAddonCommand).callsFake(async (input: { addonName: string }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { addon: { addonName: input.addonName } };
    });

    // Act
    const { facts, gaps } = await collectEksFacts({
      client: clients().client,
      clusterName: CLUSTER,
      concurrency: 3,
      include: eksIncludeFor(['eks:addons']),
    });

    // Assess
    expect(gaps).toEqual([]);
    expect(facts.addons?.map((a) => a.addonName)).toEqual(names);
    expect(peak).toBe(3);
  });
});
