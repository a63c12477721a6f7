/**
 * Kubernetes `Status` bodies, shaped like the API server's so clients (client-node, kubectl)
 * parse them the way they parse real errors: `reason` drives their error types.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-errors
 */

export type StatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Expired'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** An answer the router gives instead of an object: a status code plus its Status body. */
export class ApiStatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: number,
    reason: StatusReason,
    message: string,
    details?: StatusDetails,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiStatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }

  toBody(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

export function unauthorized(): ApiStatusError {
  // The real server says nothing about why a token failed, so neither do we.
  return new ApiStatusError(401, 'Unauthorized', 'Unauthorized');
}

export function notFoundPath(): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
}

/** The reason the API server uses for a given 5xx code. */
export function reasonForServerError(code: number): StatusReason {
  if (code === 503) return 'ServiceUnavailable';
  if (code === 504) return 'Timeout';
  return 'InternalError';
}
