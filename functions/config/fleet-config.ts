import { ConfigError } from './config.ts';
import * as z from './zod.ts';

/**
 * Which clusters a fleet scan covers: the scanner's own account and/or member accounts
 * reached through a read role, the regions to look in, and name/tag filters.
 *
 * ```yaml
 * includeSelf: true
 * accounts:
 *   - accountId: "222233334444"
 *     roleArn: arn:aws:iam::222233334444:role/watchkeeper-read
 *     externalId: watchkeeper-prod
 * regions: [eu-west-1, us-east-1]   # omit to use every region enabled in each account
 * include: { names: ["prod-*"], tags: { team: "*" } }
 * exclude: { tags: { "watchkeeper/skip": "true" } }
 * maxConcurrency: 8
 * organization:                     # also every active account of the organization (or of OUs)
 *   parents: [ou-ab12-cdef3456]     # omit for the whole organization
 *   memberRoleName: WatchkeeperReadRole   # the default
 *   memberExternalId: watchkeeper-prod
 *   roleArn: arn:aws:iam::111122223333:role/watchkeeper-org-reader  # omit if this account may list
 * ```
 */

export const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** YAML reads an unquoted 123456789012 as a number, and drops leading zeros; both are caught here. */
const accountId = z.pipe(
  z.transform((value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) ? String(value) : value,
  ),
  z
    .string({ error: 'accountId must be the 12-digit AWS account id, in quotes, e.g. "123456789012"' })
    .check(
      z.regex(
        ACCOUNT_ID,
        'accountId must be exactly 12 digits, e.g. "012345678901" (quote it in YAML so leading zeros are kept)',
      ),
    ),
);

/** `sts:ExternalId`: 2-1224 of [\w+=,.@:/-] (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
function externalIdField(name: string) {
  return z
    .string()
    .check(
      z.regex(
        /^[\w+=,.@:/-]{2,1224}$/,
        `${name} must be 2 to 1224 characters of letters, digits and +=,.@:/-`,
      ),
    );
}

function roleArnField(example: string) {
  return z.string().check(z.regex(ROLE_ARN, `roleArn must be an IAM role ARN such as ${example}`));
}

const region = z
  .string()
  .check(
    z.regex(REGION, 'a region is written like eu-west-1 or us-gov-west-1 (the code, not the display name)'),
  );

const globs = z
  .array(z.string().check(z.minLength(1, 'a name pattern cannot be empty; use * to match every name')))
  .check(z.minLength(1, { error: 'names needs at least one pattern, or leave it out' }));

/** Tag values are globs too: `*` means "the key is present", whatever its value. */
const tags = z
  .record(z.string().check(z.minLength(1, 'a tag key cannot be empty')), z.string())
  .check(z.refine((value) => Object.keys(value).length > 0, 'tags needs at least one key, or leave it out'));

const includeFilter = z.strictObject({
  /** The cluster name must match one of these globs. */
  names: z.optional(globs),
  /** Every tag listed must be on the cluster with a matching value. */
  tags: z.optional(tags),
});

const excludeFilter = z.strictObject({
  /** A cluster whose name matches any of these globs is left out. */
  names: z.optional(globs),
  /** A cluster carrying any one of these tags (with a matching value) is left out. */
  tags: z.optional(tags),
});

const account = z
  .strictObject({
    accountId,
    /** The read role to assume; leave it out only for the scanner's own account. */
    roleArn: z.optional(roleArnField('arn:aws:iam::123456789012:role/watchkeeper-read')),
    /** Must equal the `sts:ExternalId` condition in the member role's trust policy. */
    externalId: z.optional(externalIdField('externalId')),
    /** RoleSessionName; shows in CloudTrail and the cluster audit log. Default `watchkeeper`. */
    sessionName: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^[\w+=,.@-]{2,64}$/,
            'sessionName must be 2 to 64 characters of letters, digits and +=,.@-',
          ),
        ),
    ),
  })
  .check(
    z.superRefine((value, ctx) => {
      const roleAccount = value.roleArn === undefined ? undefined : ROLE_ARN.exec(value.roleArn)?.[2];
      if (roleAccount !== undefined && roleAccount !== value.accountId) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleArn'],
          message: `roleArn is in account ${roleAccount} but accountId is ${value.accountId}; use the read role of account ${value.accountId}`,
        });
      }
      if (value.externalId !== undefined && value.roleArn === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['externalId'],
          message: 'externalId is only used to assume roleArn; add the roleArn or remove the externalId',
        });
      }
    }),
  );

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
const PARENT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** The member read role's name in the member stacks (infra/stacks/member-read-role-stack.ts). */
export const DEFAULT_MEMBER_ROLE_NAME = 'WatchkeeperReadRole';

const organization = z
  .strictObject({
    /** Roots or OUs whose accounts, and those of every OU below them, are scanned; omit for all. */
    parents: z.optional(
      z
        .array(
          z.string().check(z.regex(PARENT_ID, 'a parent is a root (r-…) or organizational unit (ou-…-…) id')),
        )
        .check(z.minLength(1, 'parents needs at least one root or OU id, or leave it out')),
    ),
    /**
     * The read role every account found this way is read through; default
     * `WatchkeeperReadRole`, the role the member stacks create.
     */
    memberRoleName: z._default(
      z
        .string()
        .check(
          z.regex(ROLE_NAME, 'memberRoleName must be an IAM role name (1-64 of letters, digits and +=,.@_-)'),
        ),
      DEFAULT_MEMBER_ROLE_NAME,
    ),
    /** Must equal the `sts:ExternalId` condition in those roles' trust policy. */
    memberExternalId: z.optional(externalIdField('memberExternalId')),
    /**
     * A role in the management or a delegated administrator account that may list accounts
     * (organizations:ListAccounts…); omit when the scanner's own account may.
     */
    roleArn: z.optional(roleArnField('arn:aws:iam::123456789012:role/watchkeeper-org-reader')),
    externalId: z.optional(externalIdField('externalId')),
    /** Accounts of the organization to leave out. */
    excludeAccounts: z._default(z.array(accountId), []),
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.externalId !== undefined && value.roleArn === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['externalId'],
          message: 'externalId is only used to assume roleArn; add the roleArn or remove the externalId',
        });
      }
    }),
  );

export const fleetConfigSchema = z
  .strictObject({
    /** Member accounts to scan (the scanner's own account is covered by includeSelf). */
    accounts: z._default(z.array(account), []),
    /** Scan the account the scanner runs in, with its own identity. */
    includeSelf: z._default(z.boolean(), true),
    /** Regions to look in; omit to use the regions enabled in each account (DescribeRegions). */
    regions: z.optional(
      z.array(region).check(z.minLength(1, 'regions needs at least one region, or leave it out')),
    ),
    include: z.optional(includeFilter),
    exclude: z.optional(excludeFilter),
    /** Also every active account of the organization, or of some of its OUs (ListAccounts…). */
    organization: z.optional(organization),
    /** AWS calls in flight at once across accounts × regions. */
    maxConcurrency: z._default(
      z
        .number()
        .check(
          z.int('maxConcurrency must be a whole number'),
          z.minimum(1, 'maxConcurrency must be at least 1'),
          z.maximum(64, 'maxConcurrency above 64 only invites throttling; use 64 or less'),
        ),
      8,
    ),
  })
  .check(
    z.superRefine((value, ctx) => {
      const seen = new Set<string>();
      value.accounts.forEach((entry, index) => {
        if (seen.has(entry.accountId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', index, 'accountId'],
            message: `account ${entry.accountId} is listed twice; keep one entry`,
          });
        }
        seen.add(entry.accountId);
      });
      if (!value.includeSelf && value.accounts.length === 0 && value.organization === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts'],
          message:
            'nothing to scan: includeSelf is false, no accounts are listed and no organization is given',
        });
      }
    }),
  );

export type FleetConfig = z.output<typeof fleetConfigSchema>;
export type FleetAccount = FleetConfig['accounts'][number];
export type ClusterFilter = NonNullable<FleetConfig['include']>;

/** Parses a fleet config (already read from YAML/JSON); throws ConfigError naming each problem. */
export function parseFleetConfig(raw: unknown, source = 'fleet config'): FleetConfig {
  const parsed = fleetConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(`${source} is not valid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
