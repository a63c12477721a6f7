import {
  type FromTemporaryCredentialsOptions,
  fromNodeProviderChain,
  fromTemporaryCredentials,
} from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The AWS identity the scanner uses for one account: its own (the default provider chain,
 * i.e. the Lambda role) or a member account's read role, assumed with an ExternalId.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 */

/** Shows in CloudTrail and in the cluster's audit log (`assumed-role/<role>/<session>`). */
export const DEFAULT_SESSION_NAME = 'watchkeeper';

/**
 * Lambda role → member role is role chaining, which AWS caps at one hour whatever the
 * role's MaxSessionDuration; asking for more fails the AssumeRole call. A scan that runs
 * longer simply assumes the role again (see memoizeCredentials).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/** Credentials are refreshed this long before they expire (the SDK's own margin). */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

export interface CredentialsTarget {
  /** The member account's read role; none means the scanner's own identity. */
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  /** The region whose (regional) STS endpoint is used. */
  region: string;
}

export interface CredentialsOptions {
  /** The identity that assumes the role; defaults to the default provider chain. */
  masterCredentials?: AwsCredentialIdentityProvider;
  /** STS client settings for AssumeRole (tests pass a request handler here). */
  stsClientConfig?: FromTemporaryCredentialsOptions['clientConfig'];
  now?: () => Date;
}

export function credentialsFor(
  target: CredentialsTarget,
  options: CredentialsOptions = {},
): AwsCredentialIdentityProvider {
  if (target.roleArn === undefined) {
    // Already memoized by the SDK, with the same refresh-before-expiry rule.
    return fromNodeProviderChain({ clientConfig: { region: target.region } });
  }
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: target.roleArn,
      RoleSessionName: sessionName(target.sessionName),
      DurationSeconds: ROLE_CHAINING_MAX_SECONDS,
      ...(target.externalId === undefined ? {} : { ExternalId: target.externalId }),
    },
    clientConfig: { ...options.stsClientConfig, region: target.region },
    ...(options.masterCredentials === undefined ? {} : { masterCredentials: options.masterCredentials }),
  });
  // fromTemporaryCredentials calls AssumeRole on every call; token providers and SDK
  // clients call it often, so one session is kept until it nears its end.
  return memoizeCredentials(assume, options.now);
}

/** RoleSessionName allows `[\w+=,.@-]{2,64}`; anything else is replaced, not rejected. */
function sessionName(name: string | undefined): string {
  const cleaned = (name ?? DEFAULT_SESSION_NAME).replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : DEFAULT_SESSION_NAME;
}

/**
 * Caches an identity until CREDENTIALS_REFRESH_MARGIN_MS before its expiration (forever
 * if it has none). Concurrent callers share one fetch; a failed fetch is not cached.
 */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  now: () => Date = () => new Date(),
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const fresh = (identity: AwsCredentialIdentity): boolean =>
    identity.expiration === undefined ||
    identity.expiration.getTime() - CREDENTIALS_REFRESH_MARGIN_MS > now().getTime();

  return async () => {
    if (cached !== undefined && fresh(cached)) return cached;
    if (pending === undefined) {
      const current = provider();
      pending = current;
      current.then(
        (identity) => {
          cached = identity;
          if (pending === current) pending = undefined;
        },
        () => {
          if (pending === current) pending = undefined;
        },
      );
    }
    return pending;
  };
}
