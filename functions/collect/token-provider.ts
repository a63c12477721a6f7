import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { mintEksToken } from './eks-token.ts';

/**
 * A bearer-token source for one cluster's Kubernetes client. Minting is local crypto, but a
 * scan makes many API calls, so a token is reused until it is within a minute of the
 * 14 minutes `mintEksToken` reports (the API server accepts it for 15), or until the
 * credentials change or are about to expire. One provider per cluster per scan: nothing is
 * shared between clusters, so a token for one cluster can never be sent to another.
 */

/** Refresh this long before the token (or the credentials signing it) expires. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface EksTokenProviderOptions {
  clusterName: string;
  /** The region whose STS endpoint the token is signed for (any region of the partition works). */
  region: string;
  /** Called on every request; it should be memoized (see `credentialsFor`). */
  credentials: AwsCredentialIdentityProvider;
  now?: () => Date;
}

interface CachedToken {
  token: string;
  /** When the token must no longer be handed out. */
  refreshAt: number;
  identity: AwsCredentialIdentity;
}

function sameIdentity(a: AwsCredentialIdentity, b: AwsCredentialIdentity): boolean {
  return (
    a.accessKeyId === b.accessKeyId &&
    a.secretAccessKey === b.secretAccessKey &&
    (a.sessionToken ?? '') === (b.sessionToken ?? '')
  );
}

export function createEksTokenProvider(options: EksTokenProviderOptions): () => Promise<string> {
  const now = options.now ?? (() => new Date());
  let cached: CachedToken | undefined;
  // Concurrent callers that all find the cache stale share one mint.
  let minting: { identity: AwsCredentialIdentity; promise: Promise<CachedToken> } | undefined;

  const mint = async (identity: AwsCredentialIdentity): Promise<CachedToken> => {
    const signingDate = now();
    const { token, expiresAt } = await mintEksToken({
      clusterName: options.clusterName,
      region: options.region,
      credentials: {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        ...(identity.sessionToken === undefined ? {} : { sessionToken: identity.sessionToken }),
      },
      signingDate,
    });
    // STS checks the signing session when the API server presents the token, so a token
    // outlives neither its own 14 minutes nor the credentials that signed it.
    const credentialsEnd = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    const refreshAt = Math.min(expiresAt.getTime(), credentialsEnd) - TOKEN_REFRESH_MARGIN_MS;
    return { token, refreshAt, identity };
  };

  return async () => {
    const identity = await options.credentials();
    if (
      cached !== undefined &&
      sameIdentity(cached.identity, identity) &&
      now().getTime() < cached.refreshAt
    ) {
      return cached.token;
    }
    let pending = minting;
    if (pending === undefined || !sameIdentity(pending.identity, identity)) {
      const current = { identity, promise: mint(identity) };
      pending = current;
      minting = current;
      current.promise.then(
        (fresh) => {
          cached = fresh;
          if (minting === current) minting = undefined;
        },
        () => {
          if (minting === current) minting = undefined;
        },
      );
    }
    return (await pending.promise).token;
  };
}
