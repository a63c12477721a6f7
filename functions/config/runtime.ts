import type { Policy } from '../core/model.ts';
import { ConfigError, policyFromConfig } from './config.ts';
import * as z from './zod.ts';

/**
 * The Lambda handlers' configuration, read from their environment once (on the first
 * invocation) and validated here, at the edge. Each message names the variable and says
 * how to fix it; the CDK stack (infra/) sets every variable, so a failure here usually
 * means a function was deployed or run by other means.
 *
 * discover's configuration is in discover-config.ts: it carries the fleet config schema,
 * which no other function needs in its bundle.
 */

export class RuntimeConfigError extends ConfigError {
  override name = 'RuntimeConfigError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** An unset variable and an empty one mean the same: not configured. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.optional(schema),
  );

/** A variable that must be set; `fix` says how. */
const required = (fix: string, ...checks: z.core.$ZodCheck<string>[]) =>
  z.string({ error: `is not set: ${fix}` }).check(z.minLength(1, `is empty: ${fix}`), ...checks);

export const bucket = required(
  'set it to the name of the results bucket (the CDK stack sets it with bindResultsBucket)',
  z.regex(BUCKET_NAME, 'is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)'),
);

export const kmsKeyId = optional(
  z.string().check(z.maxLength(2048, 'is too long for a KMS key id, ARN or alias (at most 2048 characters)')),
);

export const region = required(
  "Lambda sets it; elsewhere set it to the scanner's region, e.g. eu-west-1",
  z.regex(REGION, 'is not an AWS region code such as eu-west-1'),
);

export const jsonText = optional(z.string());

export function readJson(variable: string, text: string | undefined, example: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text, which may be long.
    throw new RuntimeConfigError(
      `${variable} is not valid JSON (${text.length} characters); set it to a JSON object such as ${example}`,
    );
  }
}

export function parseEnv<T extends z.core.$ZodShape>(
  handler: string,
  shape: T,
  env: Environment,
): z.output<z.ZodMiniObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')} ${issue.message}`);
  throw new RuntimeConfigError(`the ${handler} function's environment is not valid:\n${lines.join('\n')}`);
}

/** Where results go: the bucket and, optionally, the KMS key objects are encrypted with. */
export interface ResultsConfig {
  bucket: string;
  /** SSE-KMS key for every object; the bucket default encryption applies when absent. */
  kmsKeyId?: string;
}

export function resultsConfig(values: {
  RESULTS_BUCKET: string;
  RESULTS_KMS_KEY_ID?: string | undefined;
}): ResultsConfig {
  return {
    bucket: values.RESULTS_BUCKET,
    ...(values.RESULTS_KMS_KEY_ID === undefined ? {} : { kmsKeyId: values.RESULTS_KMS_KEY_ID }),
  };
}

export interface ScanClusterConfig {
  results: ResultsConfig;
  region: string;
  /** The read role assumed in every member account (`arn:<partition>:iam::<account>:role/<name>`). */
  memberRoleName?: string;
  externalId?: string;
  /** The scanner's own account, when set; otherwise asked of STS (GetCallerIdentity). */
  scannerAccountId?: string;
  /** Read kubelet configs through `nodes/proxy` (CIS 3.2.x): the operator's opt-in. */
  kubeletConfig: boolean;
  policy: Policy;
}

/**
 * RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, AWS_REGION, MEMBER_ROLE_NAME?, EXTERNAL_ID?,
 * SCANNER_ACCOUNT_ID?, POLICY? (JSON, the CLI's config file format). `knownCheckIds` catches a
 * waiver or override naming a check that does not exist.
 */
export function scanClusterConfig(env: Environment, knownCheckIds: readonly string[]): ScanClusterConfig {
  const values = parseEnv(
    'scan-cluster',
    {
      RESULTS_BUCKET: bucket,
      RESULTS_KMS_KEY_ID: kmsKeyId,
      AWS_REGION: region,
      MEMBER_ROLE_NAME: optional(
        z
          .string()
          .check(
            z.regex(
              ROLE_NAME,
              'is not an IAM role name (1-64 letters, digits and +=,.@_-); set it to the member read role name, e.g. watchkeeper-read',
            ),
          ),
      ),
      EXTERNAL_ID: optional(
        z
          .string()
          .check(
            z.regex(
              EXTERNAL_ID,
              "must be 2 to 1224 characters of letters, digits and +=,.@:/- (the member role trust policy's sts:ExternalId)",
            ),
          ),
      ),
      SCANNER_ACCOUNT_ID: optional(
        z
          .string()
          .check(z.regex(ACCOUNT_ID, "must be the scanner's 12-digit AWS account id, or be left unset")),
      ),
      POLICY: jsonText,
      KUBELET_CONFIG: optional(
        z.enum(['true', 'false'], {
          error:
            'must be "true" (read kubelet configs through nodes/proxy, CIS 3.2.x) or "false"; leave it unset for false',
        }),
      ),
    },
    env,
  );
  const policy = policyFromConfig(
    readJson('POLICY', values.POLICY, '{"params":{},"waivers":[],"severityOverrides":{}}') ?? {},
    knownCheckIds,
    'POLICY',
  );
  return {
    results: resultsConfig(values),
    region: values.AWS_REGION,
    ...(values.MEMBER_ROLE_NAME === undefined ? {} : { memberRoleName: values.MEMBER_ROLE_NAME }),
    ...(values.EXTERNAL_ID === undefined ? {} : { externalId: values.EXTERNAL_ID }),
    ...(values.SCANNER_ACCOUNT_ID === undefined ? {} : { scannerAccountId: values.SCANNER_ACCOUNT_ID }),
    kubeletConfig: values.KUBELET_CONFIG === 'true',
    policy,
  };
}

export interface ReportConfig {
  results: ResultsConfig;
  /** The digest's sender and recipients: the report function sends the digest when set. */
  email?: { from: string; to: string[] };
  /** Where people open reports (links in the email); https only. */
  reportBaseUrl?: string;
}

/** RESULTS_BUCKET, RESULTS_KMS_KEY_ID?, EMAIL_FROM? with EMAIL_TO? (comma-separated), REPORT_BASE_URL?. */
export function reportConfig(env: Environment): ReportConfig {
  const values = parseEnv(
    'report',
    {
      RESULTS_BUCKET: bucket,
      RESULTS_KMS_KEY_ID: kmsKeyId,
      EMAIL_FROM: optional(
        z.string().check(z.regex(EMAIL, 'is not an email address; set it to the verified SES sender')),
      ),
      EMAIL_TO: optional(
        z
          .pipe(
            z.string(),
            z.transform((text) => text.split(',').map((address) => address.trim())),
          )
          .check(
            z.refine(
              (addresses) => addresses.every((address) => EMAIL.test(address)),
              'must be email addresses separated by commas, e.g. security@example.com,sre@example.com',
            ),
          ),
      ),
      REPORT_BASE_URL: optional(
        z
          .string()
          .check(
            z.refine(
              (text) => URL.canParse(text) && new URL(text).protocol === 'https:',
              'must be an https:// URL',
            ),
          ),
      ),
    },
    env,
  );
  if ((values.EMAIL_FROM === undefined) !== (values.EMAIL_TO === undefined)) {
    throw new RuntimeConfigError(
      "the report function's environment is not valid:\n  EMAIL_FROM and EMAIL_TO go together: set both (sender and recipients) or neither",
    );
  }
  return {
    results: resultsConfig(values),
    ...(values.EMAIL_FROM !== undefined && values.EMAIL_TO !== undefined
      ? { email: { from: values.EMAIL_FROM, to: values.EMAIL_TO } }
      : {}),
    ...(values.REPORT_BASE_URL === undefined ? {} : { reportBaseUrl: values.REPORT_BASE_URL }),
  };
}

export interface ApiConfig {
  results: ResultsConfig;
  stateMachineArn: string;
}

/** STATE_MACHINE_ARN, RESULTS_BUCKET, RESULTS_KMS_KEY_ID?. */
export function apiConfig(env: Environment): ApiConfig {
  const values = parseEnv(
    'api',
    {
      STATE_MACHINE_ARN: required(
        'set it to the fleet scan state machine ARN (the CDK stack sets it with bindStateMachine)',
        z.regex(
          STATE_MACHINE_ARN,
          'is not a state machine ARN such as arn:aws:states:eu-west-1:123456789012:stateMachine:FleetScan',
        ),
      ),
      RESULTS_BUCKET: bucket,
      RESULTS_KMS_KEY_ID: kmsKeyId,
    },
    env,
  );
  return { results: resultsConfig(values), stateMachineArn: values.STATE_MACHINE_ARN };
}
