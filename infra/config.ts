import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHECKS } from '../functions/checks/index.ts';
import { ConfigError, policyFromConfig } from '../functions/config/config.ts';
import {
  DEFAULT_MEMBER_ROLE_NAME,
  type FleetConfig,
  fleetConfigSchema,
  ROLE_NAME,
} from '../functions/config/fleet-config.ts';
import * as z from '../functions/config/zod.ts';

/**
 * The deployment configuration of the CDK app, parsed once at the edge (infra/app.ts) from CDK
 * context: `-c config=path/to/config.json` (a JSON file) or the context key `watchkeeper` (an
 * object in cdk.json, or a JSON string on the command line). Every field has a default, so an
 * empty config deploys a working nightly scan of the deployment account.
 *
 * Messages name the exact field, e.g.
 * `watchkeeper.schedule.timeZone 'Europe/Atlantis' is not an IANA time zone`.
 */

/** The deployment config is wrong; the message names the field and what to put there. */
export class DeployConfigError extends Error {
  override name = 'DeployConfigError';
}

/** The context key holding the config object, and the one naming a config file. */
export const CONFIG_CONTEXT_KEY = 'watchkeeper';
export const CONFIG_FILE_CONTEXT_KEY = 'config';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Lambda allows 4 KB of environment variables per function, all of them together. The policy
 * travels as JSON in one variable, so it gets a budget that leaves room for the others (bucket
 * name, key id, role name, Powertools settings).
 */
export const MAX_ENV_JSON_BYTES = 2800;

/**
 * The fleet config travels in the state machine's definition, as part of the Discover task's
 * input (`FleetScanWorkflow`), which Step Functions limits to 256 KiB with the execution's
 * input: room for about 1,480 member accounts with the default role name and an external id.
 */
export const MAX_FLEET_JSON_BYTES = 200 * 1024;

/**
 * Member read roles granted one by one up to this many accounts. Each ARN takes about 55
 * characters of a role's inline policies (10,240 in all, shared with every other grant), so a
 * larger fleet gets one ARN with an account wildcard instead (`memberRoleResources`).
 */
export const MAX_LISTED_MEMBER_ROLES = 40;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// IAM role names (ROLE_NAME, from fleet-config.ts): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
// sts:ExternalId: 2-1224 of [\w+=,.@:/-]. https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const OU_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
// EventBridge Scheduler: cron(min hour day-of-month month day-of-week year) or rate(n unit).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
const SCHEDULE_EXPRESSION = /^(cron\(\S+( \S+){5}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/;
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** True for an IANA time zone name (`Europe/Berlin`, `UTC`); offsets such as `+01:00` are not names. */
export function isIanaTimeZone(value: string): boolean {
  if (!IANA_NAME.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const quoted = (value: unknown): string => `'${String(value)}'`;

/** A string field checked by `test`; the message quotes the value, e.g. `'x' is not an account id`. */
function pattern(test: (value: string) => boolean, what: string) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      if (!test(value)) ctx.addIssue({ code: 'custom', message: `${quoted(value)} is not ${what}` });
    }),
  );
}

const region = pattern((v) => REGION.test(v), 'an AWS region such as eu-west-1');
const emailAddress = z.email({ error: (issue) => `${quoted(issue.input)} is not an email address` });

const scheduleSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  expression: z._default(
    pattern(
      (v) => SCHEDULE_EXPRESSION.test(v),
      'a Scheduler expression such as cron(0 2 * * ? *) or rate(12 hours)',
    ),
    'cron(0 2 * * ? *)',
  ),
  timeZone: z._default(pattern(isIanaTimeZone, 'an IANA time zone'), 'UTC'),
});

const vpcSchema = z.strictObject({
  vpcId: pattern((v) => VPC_ID.test(v), 'a VPC id (vpc-…)'),
  subnetIds: z.array(pattern((v) => SUBNET_ID.test(v), 'a subnet id (subnet-…)')).check(z.minLength(1)),
  securityGroupIds: z
    .array(pattern((v) => SECURITY_GROUP_ID.test(v), 'a security group id (sg-…)'))
    .check(z.minLength(1)),
});

const scanSchema = z.strictObject({
  /** Clusters scanned at the same time (Distributed Map MaxConcurrency). */
  maxConcurrency: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(10_000)), 20),
  memoryMb: z._default(z.number().check(z.int(), z.minimum(512), z.maximum(10_240)), 2048),
  /** The scan-cluster Lambda timeout; child executions are STANDARD, so up to Lambda's 15. */
  timeoutMinutes: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(15)), 10),
  /** Attach scan-cluster to a VPC to reach clusters whose API endpoint is private only. */
  vpc: z.optional(vpcSchema),
  /**
   * Read each node's kubelet configuration (CIS 3.2.x) through nodes/proxy. Off by default:
   * `get nodes/proxy` also lets its holder run commands through the kubelet (CIS 4.1.10),
   * so clusters must also bind deploy/cluster-rbac-kubelet-config.yaml.
   */
  kubeletConfig: z._default(z.boolean(), false),
});

const memberAccessSchema = z.strictObject({
  roleName: z._default(
    pattern((v) => ROLE_NAME.test(v), 'an IAM role name'),
    DEFAULT_MEMBER_ROLE_NAME,
  ),
  externalId: z.optional(
    pattern((v) => EXTERNAL_ID.test(v), 'an STS external id (2-1224 of [A-Za-z0-9+=,.@:/_-])'),
  ),
  organizationId: z.optional(pattern((v) => ORG_ID.test(v), 'an AWS Organizations id (o-…)')),
});

const memberStackSetSchema = z.strictObject({
  organizationalUnitIds: z
    .array(pattern((v) => OU_ID.test(v), 'an organizational unit or root id'))
    .check(z.minLength(1)),
  /** IAM is global: one stack instance per account is enough, so one region. */
  region,
  callAs: z._default(z.enum(['SELF', 'DELEGATED_ADMIN']), 'SELF'),
  /**
   * The central discover and scan-cluster role ARNs (the ScannerPrincipalArns output). Leave
   * out when the StackSet stack deploys to the same account and region as the central stack.
   */
  scannerPrincipalArns: z.optional(
    z
      .array(pattern((v) => /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(v), 'an IAM role ARN'))
      .check(z.minLength(1)),
  ),
});

const emailSchema = z
  .strictObject({
    from: emailAddress,
    to: z.array(emailAddress).check(z.minLength(1)),
    /** Verify this domain (DKIM) instead of the single `from` address. */
    domain: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
            'must be a domain name such as example.com',
          ),
        ),
    ),
  })
  .check(
    z.superRefine((email, ctx) => {
      if (email.domain && !email.from.toLowerCase().endsWith(`@${email.domain.toLowerCase()}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: `${quoted(email.from)} is not an address of the verified domain ${quoted(email.domain)}`,
        });
      }
    }),
  );

const resultsSchema = z.strictObject({
  /** Days a scan's objects (`scans/…`) are kept; auditors usually ask for a year. */
  scanRetentionDays: z._default(z.number().check(z.int(), z.minimum(1)), 400),
  noncurrentVersionRetentionDays: z._default(z.number().check(z.int(), z.minimum(1)), 30),
  accessLogRetentionDays: z._default(z.number().check(z.int(), z.minimum(1)), 365),
});

const apiSchema = z.strictObject({
  throttlingRateLimit: z._default(z.number().check(z.minimum(1)), 10),
  throttlingBurstLimit: z._default(z.number().check(z.int(), z.minimum(1)), 20),
  /**
   * API Gateway writes execution and access logs with ONE role per account and region
   * (`AWS::ApiGateway::Account`). true: this stack creates that role (inline policy, no AWS
   * managed policy) and sets it. false: the account already has one; this stack leaves it alone.
   */
  manageAccountCloudWatchRole: z._default(z.boolean(), true),
});

const logRetention = z.number().check(
  z.int(),
  z.superRefine((value, ctx) => {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${value} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`,
      });
    }
  }),
);

const configSchema = z.strictObject({
  stackName: z._default(
    z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,99}$/, 'must be a CloudFormation stack name')),
    'Watchkeeper',
  ),
  schedule: z.prefault(scheduleSchema, {}),
  scan: z.prefault(scanSchema, {}),
  /**
   * Which clusters a fleet scan covers, in the discover handler's own schema
   * (functions/config/fleet-config.ts); passed to it in the state machine's Discover input
   * (`FleetScanWorkflow`), not in its environment, so it may list many accounts. A member account
   * without `roleArn`/`externalId` gets the `memberAccess` role name and external id.
   */
  fleet: z.prefault(fleetConfigSchema, {}),
  memberAccess: z.prefault(memberAccessSchema, {}),
  memberStackSet: z.optional(memberStackSetSchema),
  /** Clusters in the deployment account and region that get an access entry for the scanner. */
  accessEntries: z._default(z.array(pattern((v) => EKS_CLUSTER_NAME.test(v), 'an EKS cluster name')), []),
  email: z.optional(emailSchema),
  reportBaseUrl: z.optional(z.url({ protocol: /^https$/, error: 'must be an https:// URL' })),
  logRetentionDays: z._default(logRetention, 90),
  results: z.prefault(resultsSchema, {}),
  api: z.prefault(apiSchema, {}),
  /** Check policy (params, waivers, severity overrides), validated like the CLI's config file. */
  policy: z._default(z.record(z.string(), z.unknown()), {}),
});

export type DeployConfig = z.infer<typeof configSchema>;
export type EmailConfig = NonNullable<DeployConfig['email']>;
export type VpcConfig = NonNullable<DeployConfig['scan']['vpc']>;

function issueLine(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('');
  return `${CONFIG_CONTEXT_KEY}${path} ${issue.message}`;
}

/** Validates a raw config object; `source` says where it came from in error messages. */
export function parseDeployConfig(
  raw: unknown,
  source = `context key '${CONFIG_CONTEXT_KEY}'`,
): DeployConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map(issueLine);
    throw new DeployConfigError(`The Watchkeeper config (${source}) is not valid:\n  ${lines.join('\n  ')}`);
  }
  const config = parsed.data;

  try {
    policyFromConfig(
      config.policy,
      CHECKS.map((check) => check.id),
      `${CONFIG_CONTEXT_KEY}.policy`,
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new DeployConfigError(error.message);
    throw error;
  }

  checkMemberRoles(config);

  // The longest partition name, so the budget holds in every partition.
  const fleetBytes = Buffer.byteLength(JSON.stringify(memberFleet(config, 'aws-us-gov')));
  if (fleetBytes > MAX_FLEET_JSON_BYTES) {
    throw new DeployConfigError(
      `${CONFIG_CONTEXT_KEY}.fleet is ${fleetBytes} bytes as JSON; it travels in the state machine's ` +
        `Discover input and may be at most ${MAX_FLEET_JSON_BYTES} bytes (Step Functions allows 256 KiB ` +
        'of task input); leave out roleArn and externalId per account where memberAccess sets them',
    );
  }
  const policyBytes = Buffer.byteLength(JSON.stringify(config.policy));
  if (policyBytes > MAX_ENV_JSON_BYTES) {
    throw new DeployConfigError(
      `${CONFIG_CONTEXT_KEY}.policy is ${policyBytes} bytes as JSON; it travels in a Lambda environment ` +
        `variable and may be at most ${MAX_ENV_JSON_BYTES} bytes (Lambda allows 4 KB of environment in total)`,
    );
  }
  return config;
}

/**
 * scan-cluster assumes `MEMBER_ROLE_NAME` with `EXTERNAL_ID` in a cluster's account, while
 * discover uses each fleet account's `roleArn`/`externalId`: both must name the same role.
 */
function checkMemberRoles(config: DeployConfig): void {
  const { roleName, externalId } = config.memberAccess;
  const problems: string[] = [];
  const organization = config.fleet.organization;
  if (
    externalId === undefined &&
    (config.fleet.accounts.length > 0 || config.memberStackSet || organization !== undefined)
  ) {
    problems.push(
      `${CONFIG_CONTEXT_KEY}.memberAccess.externalId is required when member accounts are scanned: ` +
        'the member read role trusts only callers that send it (sts:ExternalId)',
    );
  }
  config.fleet.accounts.forEach((account, index) => {
    const at = `${CONFIG_CONTEXT_KEY}.fleet.accounts[${index}]`;
    const name = account.roleArn?.split('/').pop();
    if (name !== undefined && name !== roleName) {
      problems.push(
        `${at}.roleArn names role '${name}' but memberAccess.roleName is '${roleName}'; ` +
          'scan-cluster assumes memberAccess.roleName in every member account, so use one name',
      );
    }
    if (account.externalId !== undefined && account.externalId !== externalId) {
      problems.push(
        `${at}.externalId differs from memberAccess.externalId; scan-cluster sends memberAccess.externalId ` +
          'to every member account, so set it once there',
      );
    }
  });
  if (organization !== undefined) {
    const at = `${CONFIG_CONTEXT_KEY}.fleet.organization`;
    if (
      organization.memberRoleName !== DEFAULT_MEMBER_ROLE_NAME &&
      organization.memberRoleName !== roleName
    ) {
      problems.push(
        `${at}.memberRoleName is '${organization.memberRoleName}' but memberAccess.roleName is '${roleName}'; ` +
          'scan-cluster assumes memberAccess.roleName in every member account, so leave memberRoleName out',
      );
    }
    if (organization.roleArn !== undefined && organization.externalId === undefined) {
      problems.push(
        `${at}.externalId is required with roleArn: the organization reader role ` +
          '(the …OrganizationReader stack) trusts only callers that send it (sts:ExternalId)',
      );
    }
    if (organization.memberExternalId !== undefined && organization.memberExternalId !== externalId) {
      problems.push(
        `${at}.memberExternalId differs from memberAccess.externalId; scan-cluster sends memberAccess.externalId ` +
          'to every member account, so leave memberExternalId out',
      );
    }
  }
  if (problems.length > 0) {
    throw new DeployConfigError(`The Watchkeeper config is not valid:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * The fleet config as discover receives it: every member account gets the member role ARN
 * (`arn:<partition>:iam::<account>:role/<memberAccess.roleName>`) and external id unless it
 * names them itself. `partition` may be a token (`Aws.PARTITION`).
 */
export function memberFleet(config: DeployConfig, partition: string): FleetConfig {
  const { roleName, externalId } = config.memberAccess;
  const { organization } = config.fleet;
  return {
    ...config.fleet,
    ...(organization === undefined
      ? {}
      : {
          organization: {
            ...organization,
            memberRoleName: roleName,
            ...(externalId === undefined ? {} : { memberExternalId: externalId }),
          },
        }),
    accounts: config.fleet.accounts.map((account) => ({
      ...account,
      roleArn: account.roleArn ?? `arn:${partition}:iam::${account.accountId}:role/${roleName}`,
      ...(externalId === undefined ? {} : { externalId: account.externalId ?? externalId }),
    })),
  };
}

/**
 * The member read roles discover and scan-cluster may assume: each fleet account's, one by one,
 * or for a fleet of more than `MAX_LISTED_MEMBER_ROLES` accounts, or one that takes the accounts
 * of an organization, `arn:<partition>:iam::*:role/<memberAccess.roleName>` (every member role
 * has that name, see `checkMemberRoles`), plus the
 * roles given with a path, which that ARN does not match. Which accounts can be entered is
 * still each member role's own decision: its trust policy names the scanner's principals and
 * requires the external id. `wildcard` is set when the account wildcard is used.
 */
export function memberRoleResources(config: DeployConfig, partition: string): MemberRoleGrant {
  const arns = memberFleet(config, partition).accounts.flatMap((account) =>
    account.roleArn ? [account.roleArn] : [],
  );
  const wildcard = `arn:${partition}:iam::*:role/${config.memberAccess.roleName}`;
  if (arns.length <= MAX_LISTED_MEMBER_ROLES) {
    if (config.fleet.organization === undefined) return { resources: arns };
    // The accounts of an organization are known only when discover lists them; they are all in
    // it, so with the organization's id the wildcard is narrowed to roles inside it.
    const { organizationId } = config.memberAccess;
    return {
      resources: arns,
      wildcard,
      ...(organizationId === undefined ? {} : { wildcardOrganizationId: organizationId }),
    };
  }
  const withPath = config.fleet.accounts
    .map((account) => account.roleArn)
    .filter((arn): arn is string => arn?.split(':role/')[1]?.includes('/') === true);
  return { resources: withPath, wildcard };
}

/**
 * Member roles granted one by one (`resources`), and the member role name in any account
 * (`wildcard`), in its own statement, limited to the organization when `wildcardOrganizationId`
 * is set (`aws:ResourceOrgID`): listed accounts may lie outside the organization, found ones not.
 */
export interface MemberRoleGrant {
  resources: string[];
  wildcard?: string;
  wildcardOrganizationId?: string;
}

/** The part of a CDK construct node this module reads. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/**
 * Reads the config from CDK context: the file named by `-c config=…` if given, else the
 * `watchkeeper` context value (an object, or a JSON string from `-c watchkeeper='{…}'`).
 */
export function loadDeployConfig(node: ContextSource, cwd = process.cwd()): DeployConfig {
  const file = node.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file !== undefined) {
    if (typeof file !== 'string' || file.length === 0) {
      throw new DeployConfigError(`-c ${CONFIG_FILE_CONTEXT_KEY}=<path> must name a JSON file`);
    }
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new DeployConfigError(
        `cannot read the Watchkeeper config file ${path}: ${(error as Error).message}`,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new DeployConfigError(
        `the Watchkeeper config file ${path} is not JSON: ${(error as Error).message}`,
      );
    }
    return parseDeployConfig(raw, `file ${file}`);
  }

  let raw = node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (error) {
      throw new DeployConfigError(
        `-c ${CONFIG_CONTEXT_KEY}=… must be a JSON object: ${(error as Error).message}`,
      );
    }
  }
  return parseDeployConfig(raw);
}
