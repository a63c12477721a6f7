import { Aws, CfnOutput, Duration, Fn, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import {
  type DeployConfig,
  type EmailConfig,
  MAX_LISTED_MEMBER_ROLES,
  type MemberRoleGrant,
  memberFleet,
  memberRoleResources,
} from '../config.ts';
import { FleetScanWorkflow } from '../constructs/fleet-scan-workflow.ts';
import { acknowledgeWildcardResource } from '../constructs/nag.ts';
import {
  DISCOVERY_READ_ACTIONS,
  ORGANIZATION_READ_ACTIONS,
  SCAN_READ_ACTIONS,
} from '../constructs/read-actions.ts';
import { CLUSTERS_PREFIX, ResultsBucket, SCANS_PREFIX } from '../constructs/results-bucket.ts';
import { ScannerApi } from '../constructs/scanner-api.ts';
import { ScannerClusterAccess } from '../constructs/scanner-cluster-access.ts';
import { WatchkeeperFunction } from '../constructs/watchkeeper-function.ts';

export interface WatchkeeperStackProps extends StackProps {
  readonly config: DeployConfig;
}

const SCANS = `${SCANS_PREFIX}*`;
const CLUSTERS = `${CLUSTERS_PREFIX}*`;

/**
 * The central Watchkeeper deployment: results bucket, four Lambda functions, the fleet scan
 * state machine, its nightly schedule, the IAM-authorized API and the SES identity. The stack
 * is environment-agnostic (no account or region at synth time), so `cdk synth` needs no
 * credentials and one template deploys anywhere.
 */
export class WatchkeeperStack extends Stack {
  readonly results: ResultsBucket;
  readonly discover: WatchkeeperFunction;
  readonly scanCluster: WatchkeeperFunction;
  readonly report: WatchkeeperFunction;
  readonly apiFunction: WatchkeeperFunction;
  readonly workflow: FleetScanWorkflow;
  readonly api: ScannerApi;
  readonly schedule: scheduler.Schedule;
  readonly emailIdentity?: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: WatchkeeperStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.results = new ResultsBucket(this, 'Results', config.results);

    // ── functions ──────────────────────────────────────────────────────────────────────
    this.discover = new WatchkeeperFunction(this, 'Discover', {
      entry: 'functions/handlers/discover.ts',
      description: 'Watchkeeper: enumerate the fleet and write scans/{scanId}/clusters.json',
      // Lambda's longest: about 19 calls per account when every region is enabled (AssumeRole,
      // DescribeRegions, ListClusters × 17), so 1,500 accounts at maxConcurrency 8 take ~9 min.
      timeout: Duration.minutes(15),
      memorySize: 512,
      logRetention,
    });
    this.scanCluster = new WatchkeeperFunction(this, 'ScanCluster', {
      entry: 'functions/handlers/scan-cluster.ts',
      description: 'Watchkeeper: collect, evaluate and store one cluster',
      timeout: Duration.minutes(config.scan.timeoutMinutes),
      memorySize: config.scan.memoryMb,
      logRetention,
      ...(config.scan.vpc ? { vpc: config.scan.vpc } : {}),
    });
    this.report = new WatchkeeperFunction(this, 'Report', {
      entry: 'functions/handlers/report.ts',
      description: 'Watchkeeper: fleet report, diff and email digest',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      logRetention,
    });
    this.apiFunction = new WatchkeeperFunction(this, 'Api', {
      entry: 'functions/handlers/api.ts',
      description: 'Watchkeeper: on-demand scans and results API',
      // API Gateway stops waiting after 29 s.
      timeout: Duration.seconds(29),
      memorySize: 512,
      logRetention,
    });

    // ── discover ──────────────────────────────────────────────────────────────────────
    const fleet = memberFleet(config, Aws.PARTITION);
    const memberRoles = memberRoleResources(config, Aws.PARTITION);
    this.discover
      .bindResultsBucket(this.results, {
        write: [SCANS],
        reason:
          'discover writes scans/{scanId}/clusters.json for a scan id chosen at run time; nothing outside scans/.',
      })
      .grantAwsRead(DISCOVERY_READ_ACTIONS, {
        reason:
          'Discovery lists the regions and clusters of the scanner account (ec2:DescribeRegions and eks:ListClusters support no resource-level permissions) and reads the tags of clusters it has not seen yet.',
      });
    this.grantAssumeMemberRoles(this.discover, memberRoles);
    const organization = config.fleet.organization;
    if (organization !== undefined) {
      this.discover.grantAwsRead(ORGANIZATION_READ_ACTIONS, {
        reason:
          "With fleet.organization, discover lists the organization's accounts (organizations:ListAccounts supports no resource-level permissions; the parents are only known from the config at run time); all three actions are read-only and named.",
      });
      if (organization.roleArn !== undefined) {
        this.discover.role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [organization.roleArn] }),
        );
      }
    }

    // ── scan-cluster ──────────────────────────────────────────────────────────────────
    this.scanCluster
      .bindResultsBucket(this.results, {
        read: [SCANS, CLUSTERS],
        write: [SCANS, CLUSTERS],
        list: true,
        reason:
          'scan-cluster stores each result under scans/{scanId}/clusters/{account}/{region}/{name}/ and moves clusters/{clusterKey}/latest.json; keys depend on the scan and the cluster.',
      })
      .setEnv('POLICY', this.toJsonString(config.policy))
      .setEnv('MEMBER_ROLE_NAME', config.memberAccess.roleName)
      // Saves a GetCallerIdentity per scan: clusters of this account are read with the
      // function's own role, every other account through the member read role.
      .setEnv('SCANNER_ACCOUNT_ID', Aws.ACCOUNT_ID)
      .setEnv('KUBELET_CONFIG', String(config.scan.kubeletConfig))
      .grantAwsRead(SCAN_READ_ACTIONS, {
        reason:
          'A scan reads the EKS control plane (cluster, node groups, add-ons, access entries, insights) and node launch templates of any cluster of the fleet, found at run time; all actions are read-only and listed one by one.',
      });
    if (config.memberAccess.externalId !== undefined) {
      this.scanCluster.setEnv('EXTERNAL_ID', config.memberAccess.externalId);
    }
    this.grantAssumeMemberRoles(this.scanCluster, memberRoles);

    // ── state machine and schedule ────────────────────────────────────────────────────
    this.workflow = new FleetScanWorkflow(this, 'FleetScan', {
      results: this.results,
      discover: this.discover.function,
      scanCluster: this.scanCluster.function,
      report: this.report.function,
      maxConcurrency: config.scan.maxConcurrency,
      logRetention,
      fleet,
    });

    this.schedule = new scheduler.Schedule(this, 'NightlyScan', {
      description: 'Watchkeeper fleet scan',
      schedule: scheduler.ScheduleExpression.expression(
        config.schedule.expression,
        TimeZone.of(config.schedule.timeZone),
      ),
      enabled: config.schedule.enabled,
      target: new targets.StepFunctionsStartExecution(this.workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });

    // ── report ────────────────────────────────────────────────────────────────────────
    this.report.bindResultsBucket(this.results, {
      read: [SCANS, CLUSTERS],
      write: [SCANS],
      list: true,
      reason:
        'report reads every cluster result of one scan and the previous scan, and writes the fleet report and manifest under scans/{scanId}/.',
    });
    if (config.reportBaseUrl !== undefined) this.report.setEnv('REPORT_BASE_URL', config.reportBaseUrl);
    if (config.email) this.emailIdentity = this.configureEmail(config.email);

    // ── API ───────────────────────────────────────────────────────────────────────────
    this.apiFunction
      .bindResultsBucket(this.results, {
        read: [SCANS, CLUSTERS],
        list: true,
        reason:
          'The API serves any stored scan, report and latest pointer; it reads under scans/ and clusters/ only.',
      })
      .bindStateMachine(this.workflow.stateMachine, {
        reason:
          'GET /scans/{scanId} describes an execution of this one state machine, named per scan at run time.',
      });
    this.api = new ScannerApi(this, 'ScanApi', {
      handler: this.apiFunction.function,
      logRetention,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      manageAccountCloudWatchRole: config.api.manageAccountCloudWatchRole,
    });

    // ── clusters of this account ──────────────────────────────────────────────────────
    for (const clusterName of config.accessEntries) {
      new ScannerClusterAccess(this, `Access-${clusterName}`, {
        clusterName,
        principalArn: this.scanCluster.role.roleArn,
      });
    }

    // ── outputs ───────────────────────────────────────────────────────────────────────
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Invoke URL (SigV4, execute-api:Invoke)',
    });
    new CfnOutput(this, 'ResultsBucketName', { value: this.results.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ScanClusterRoleArn', {
      value: this.scanCluster.role.roleArn,
      description: 'Principal for access entries of clusters scanned with the scanner identity',
    });
    new CfnOutput(this, 'DiscoverRoleArn', {
      value: this.discover.role.roleArn,
      description: 'Principal the organization reader role must trust (DiscoverRoleArn parameter)',
    });
    new CfnOutput(this, 'ScannerPrincipalArns', {
      value: Fn.join(',', [this.discover.role.roleArn, this.scanCluster.role.roleArn]),
      description: 'Principals the member read role must trust (ScannerPrincipalArns parameter)',
    });
  }

  /** sts:AssumeRole on the member read roles of the configured fleet (`memberRoleResources`). */
  private grantAssumeMemberRoles(fn: WatchkeeperFunction, roles: MemberRoleGrant): void {
    if (roles.resources.length > 0) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles.resources }),
      );
    }
    if (roles.wildcard !== undefined) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [roles.wildcard],
          ...(roles.wildcardOrganizationId === undefined
            ? {}
            : { conditions: { StringEquals: { 'aws:ResourceOrgID': roles.wildcardOrganizationId } } }),
        }),
      );
      acknowledgeWildcardResource(
        fn.role,
        roles.wildcard,
        `The fleet lists more than ${MAX_LISTED_MEMBER_ROLES} member accounts, whose role ARNs would not fit the role's inline policy, or takes the accounts of an organization, known only at run time; every member read role has the one configured name, and each decides in its own trust policy (scanner principals, external id) who may assume it.`,
      );
    }
  }

  /**
   * The SES identity (a domain with DKIM, or the single `from` address) and the report's
   * permission to send from it. In the SES sandbox, SES also authorizes the send against
   * each verified recipient identity, so those are granted too (harmless in production).
   */
  private configureEmail(email: EmailConfig): ses.EmailIdentity {
    const identity = new ses.EmailIdentity(this, 'EmailIdentity', {
      identity: email.domain ? ses.Identity.domain(email.domain) : ses.Identity.email(email.from),
    });
    const identityArn = (name: string): string =>
      `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${name}`;
    const recipients = new Set<string>();
    for (const address of email.to) {
      recipients.add(address);
      const domain = address.split('@')[1];
      if (domain) recipients.add(domain);
    }
    recipients.delete(email.domain ?? email.from);
    this.report.bindEmail(email.from, email.to, [
      identityArn(email.domain ?? email.from),
      ...[...recipients].map(identityArn),
    ]);
    if (email.domain) {
      const tokens = [
        [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
        [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
        [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
      ] as const;
      tokens.forEach(([name, value], index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          value: Fn.join(' ', [name, 'CNAME', value]),
          description: `DKIM CNAME record ${index + 1} for ${email.domain}`,
        });
      });
    }
    return identity;
  }
}
