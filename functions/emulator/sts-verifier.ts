import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Verifies EKS bearer tokens the way the API server's authenticator and STS do together:
 * first the shape checks of aws-iam-authenticator (`pkg/token/token.go`, `Verify`), then,
 * playing STS, the SigV4 signature against a local user base. The constants are written out
 * here rather than imported from the minter so that a mistake in one is caught by the other.
 */

const TOKEN_PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** STS refuses signatures dated further in the future than its clock-skew allowance. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES_SECONDS = 900;

const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** Parameters the presigner writes itself; everything else goes back in as signed input. */
const PRESIGNER_PARAMETERS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
]);

export interface StsUser {
  secretAccessKey: string;
  arn: string;
}

export interface StsVerifierOptions {
  clusterName: string;
  region: string;
  users: Readonly<Record<string, StsUser>>;
}

export type TokenVerdict = { ok: true; arn: string } | { ok: false; why: string };

function reject(why: string): TokenVerdict {
  return { ok: false, why };
}

/** `20261123T154820Z` → Date, or undefined when it is not exactly that shape. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [y = 0, mo = 1, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 20261332 over into 2027; a real date survives the round trip.
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '') === value ? date : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export class StsTokenVerifier {
  readonly #options: StsVerifierOptions;

  constructor(options: StsVerifierOptions) {
    this.#options = options;
  }

  /** `now` is injectable so expiry can be tested without waiting. */
  async verify(token: string, now: Date = new Date()): Promise<TokenVerdict> {
    if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) return reject('token is too large');
    if (!token.startsWith(TOKEN_PREFIX)) return reject('token has no k8s-aws-v1. prefix');
    const encoded = token.slice(TOKEN_PREFIX.length);
    // Raw (unpadded) base64url only, like Go's base64.RawURLEncoding; Buffer would
    // otherwise silently skip characters it does not know.
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return reject('token is not unpadded base64url');

    let url: URL;
    try {
      url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return reject('token does not hold a URL');
    }
    if (url.protocol !== 'https:') return reject('URL is not https');
    if (url.username !== '' || url.password !== '' || url.port !== '' || url.hash !== '') {
      return reject('URL has user info, a port or a fragment');
    }
    const host = url.hostname.toLowerCase();
    const expectedRegion = this.#stsRegionFor(host);
    if (expectedRegion === undefined) return reject(`unexpected STS host ${host}`);
    if (url.pathname !== '/') return reject('URL path is not /');

    const params = new Map<string, string>();
    const byLowerKey = new Map<string, string>();
    for (const [key, value] of url.searchParams) {
      const lower = key.toLowerCase();
      if (!ALLOWED_PARAMETERS.has(lower)) return reject(`query parameter ${key} is not allowed`);
      if (byLowerKey.has(lower)) return reject(`query parameter ${key} is repeated`);
      byLowerKey.set(lower, value);
      params.set(key, value);
    }
    if (byLowerKey.get('action') !== 'GetCallerIdentity') return reject('Action is not GetCallerIdentity');
    if (byLowerKey.get('version') !== '2011-06-15') return reject('unsupported STS API version');
    if (byLowerKey.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return reject('unsupported algorithm');
    const signature = byLowerKey.get('x-amz-signature') ?? '';
    if (!/^[0-9a-f]{64}$/.test(signature)) return reject('X-Amz-Signature is malformed');

    const signedHeaders = (byLowerKey.get('x-amz-signedheaders') ?? '').split(';');
    if (!signedHeaders.includes('x-k8s-aws-id')) return reject('client did not sign the x-k8s-aws-id header');
    if (!signedHeaders.includes('host')) return reject('client did not sign the host header');
    if (signedHeaders.some((name) => name !== 'host' && name !== 'x-k8s-aws-id')) {
      // We cannot know the values of other signed headers, so we cannot check them.
      return reject('unexpected signed headers');
    }

    const expires = byLowerKey.get('x-amz-expires') ?? '';
    if (!/^\d{1,4}$/.test(expires) || Number(expires) > MAX_EXPIRES_SECONDS) {
      return reject('X-Amz-Expires is outside 0..900');
    }

    const date = parseAmzDate(byLowerKey.get('x-amz-date') ?? '');
    if (date === undefined) return reject('X-Amz-Date is malformed');
    const age = now.getTime() - date.getTime();
    if (age > TOKEN_LIFETIME_MS) return reject('token has expired');
    if (age < -MAX_CLOCK_SKEW_MS) return reject('token is dated in the future');

    const credential = (byLowerKey.get('x-amz-credential') ?? '').split('/');
    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = credential;
    if (credential.length !== 5 || accessKeyId === undefined || scopeRegion === undefined) {
      return reject('X-Amz-Credential is malformed');
    }
    if (scopeService !== 'sts' || terminator !== 'aws4_request') return reject('credential scope is not STS');
    if (scopeDate !== byLowerKey.get('x-amz-date')?.slice(0, 8))
      return reject('credential scope date mismatch');
    if (scopeRegion !== expectedRegion) return reject('credential scope region does not match the host');

    // Playing STS: an unknown key id is InvalidClientTokenId.
    const user = Object.hasOwn(this.#options.users, accessKeyId)
      ? this.#options.users[accessKeyId]
      : undefined;
    if (user === undefined) return reject('unknown access key id');

    const expected = await this.#presign({
      host,
      region: scopeRegion,
      date,
      expiresIn: Number(expires),
      accessKeyId,
      secretAccessKey: user.secretAccessKey,
      sessionToken: byLowerKey.get('x-amz-security-token'),
      query: [...params].filter(([key]) => !PRESIGNER_PARAMETERS.has(key)),
    });
    if (expected.signedHeaders !== byLowerKey.get('x-amz-signedheaders')) {
      return reject('signed headers differ from the recomputed request');
    }
    if (!sameSecret(expected.signature, signature)) {
      // A wrong secret, a tampered parameter, or a token minted for another cluster name.
      return reject('signature does not match');
    }
    return { ok: true, arn: user.arn };
  }

  /** The signing region each accepted STS host implies; undefined for any other host. */
  #stsRegionFor(host: string): string | undefined {
    if (host === 'sts.amazonaws.com') return 'us-east-1';
    if (host === `sts.${this.#options.region}.amazonaws.com`) return this.#options.region;
    return undefined;
  }

  async #presign(input: {
    host: string;
    region: string;
    date: Date;
    expiresIn: number;
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string | undefined;
    query: [string, string][];
  }): Promise<{ signature: string; signedHeaders: string }> {
    const signer = new SignatureV4({
      service: 'sts',
      region: input.region,
      credentials: {
        accessKeyId: input.accessKeyId,
        secretAccessKey: input.secretAccessKey,
        ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
      },
      sha256: Sha256,
    });
    const request = new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: input.host,
      path: '/',
      query: Object.fromEntries(input.query),
      // The cluster name comes from our configuration, never from the token: that is what
      // makes a token minted for another cluster fail here.
      headers: { host: input.host, 'x-k8s-aws-id': this.#options.clusterName },
    });
    const signed = await signer.presign(request, { signingDate: input.date, expiresIn: input.expiresIn });
    const signature = signed.query?.['X-Amz-Signature'];
    const signedHeaders = signed.query?.['X-Amz-SignedHeaders'];
    return {
      signature: typeof signature === 'string' ? signature : '',
      signedHeaders: typeof signedHeaders === 'string' ? signedHeaders : '',
    };
  }
}
