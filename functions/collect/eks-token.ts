import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * EKS bearer tokens, minted the way `aws eks get-token` and aws-iam-authenticator do:
 * `k8s-aws-v1.` + unpadded base64url of a presigned STS GetCallerIdentity URL whose
 * signature covers the `x-k8s-aws-id: <cluster>` header. The API server hands the URL to
 * STS, so the token proves the caller's IAM identity for this one cluster only.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html
 */

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';

/** The header that binds a token to one cluster; it must be signed, never sent in the query. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

/**
 * Both reference clients presign for 60 seconds. STS ignores it for GetCallerIdentity, but
 * older authenticators rejected anything outside 0..60, so we keep the same value.
 */
const PRESIGN_EXPIRES_SECONDS = 60;

/**
 * The authenticator accepts a token for 15 minutes after X-Amz-Date; clients report 14 so
 * they refresh before the server starts refusing it.
 */
const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

export interface EksTokenCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MintEksTokenInput {
  /** The EKS cluster name (the cluster ID for local clusters on Outposts). */
  clusterName: string;
  /** Region whose STS endpoint is signed for; any region of the partition is accepted by EKS. */
  region: string;
  credentials: EksTokenCredentials;
  /** Defaults to now; injectable so tests can mint expired or deterministic tokens. */
  signingDate?: Date;
}

export interface EksToken {
  token: string;
  expiresAt: Date;
}

/** Regional endpoint, as AWS recommends (the global one is served from us-east-1). */
export function stsHostname(region: string): string {
  return `sts.${region}.amazonaws.com`;
}

export async function mintEksToken(input: MintEksTokenInput): Promise<EksToken> {
  const signingDate = input.signingDate ?? new Date();
  const hostname = stsHostname(input.region);
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    // `host` must be present to be signed; the presigner keeps both headers as signed
    // headers (X-Amz-SignedHeaders=host;x-k8s-aws-id) since neither starts with x-amz-.
    headers: { host: hostname, [CLUSTER_ID_HEADER]: input.clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate });
  const url = `https://${hostname}/?${serializeQuery(signed.query ?? {})}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** Presigned queries hold single values only; arrays would mean a bug upstream. */
function serializeQuery(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .map(([key, value]) => {
      if (typeof value !== 'string') throw new TypeError(`unexpected non-scalar query parameter ${key}`);
      return `${encodeRfc3986(key)}=${encodeRfc3986(value)}`;
    })
    .join('&');
}

/** SigV4 canonical encoding: encodeURIComponent leaves !'()* alone, SigV4 escapes them. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
