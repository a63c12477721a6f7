import type { GapReason } from '../core/model.ts';
import { safeMessage } from './kube-reader.ts';

/**
 * Sorts an AWS SDK failure into the gap vocabulary. The SDK has already retried throttling
 * and transient faults by the time an error reaches us, so a throttling error here means
 * the retries ran out.
 */

export interface AwsFailure {
  reason: GapReason;
  /** The service's error code (`AccessDeniedException`), or the Node error code for network faults. */
  code: string;
  /** `code: message`, one line, capped and scrubbed of anything that looks like a credential. */
  message: string;
}

/** Wrong, expired or unknown credentials; in an opt-in region that is not enabled, STS-issued keys are "unrecognized". */
const UNAUTHORIZED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'CredentialsProviderError',
]);

const FORBIDDEN = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'OptInRequired',
]);

const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  // A connect that never completes is a network reach problem, not a slow answer.
  'ETIMEDOUT',
]);

const TIMEOUT_CODES = new Set([
  'ESOCKETTIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function classifyAwsError(error: unknown): AwsFailure {
  const name = text(field(error, 'name')) ?? 'Error';
  const nodeCode = text(field(error, 'code'));
  const status = field(field(error, '$metadata'), 'httpStatusCode');
  const throttling = field(field(error, '$retryable'), 'throttling') === true;
  const code =
    nodeCode !== undefined && (NETWORK_CODES.has(nodeCode) || TIMEOUT_CODES.has(nodeCode)) ? nodeCode : name;
  const detail = text(field(error, 'message')) ?? String(error);
  const message = safeMessage(`${code}: ${detail}`);

  let reason: GapReason = 'error';
  if (UNAUTHORIZED.has(name)) reason = 'unauthorized';
  else if (FORBIDDEN.has(name)) reason = 'forbidden';
  else if (THROTTLED.has(name) || throttling || status === 429) reason = 'throttled';
  else if (name === 'ResourceNotFoundException' || name === 'NotFoundException' || /\.NotFound/.test(name)) {
    reason = 'not_found';
  } else if (TIMEOUT_CODES.has(code) || name === 'AbortError') reason = 'timeout';
  else if (NETWORK_CODES.has(code)) reason = 'unreachable';
  else if (status === 403) reason = 'forbidden';
  else if (status === 404) reason = 'not_found';
  return { reason, code, message };
}
