/**
 * Secrets never leave the cluster: values that look like credentials are replaced at
 * collection time, before anything can store, log or render them. Checks can still see
 * that a value was there (the marker) and report it, without ever holding the value.
 */
export const REDACTED = '[redacted by watchkeeper]';

/** Names of variables and keys that conventionally hold credentials. */
const SENSITIVE_NAME =
  /(pass(word|wd|phrase)?|secret|token|api[_-]?key|apikey|private[_-]?key|credential|access[_-]?key|auth|session[_-]?key|signing[_-]?key|client[_-]?secret|conn(ection)?[_-]?str(ing)?|dsn)/i;

/** Values that are credentials whatever they are called. */
const CREDENTIAL_VALUE: readonly RegExp[] = [
  /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM private key
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}/, // GitHub tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /\bsk_(live|test)_[A-Za-z0-9]{16,}/, // Stripe keys
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL with user:password@
];

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

export function looksLikeCredential(value: string): boolean {
  return CREDENTIAL_VALUE.some((pattern) => pattern.test(value));
}

/**
 * Values that cannot be a credential even under a sensitive name: flags
 * (`GF_AUTH_ANONYMOUS_ENABLED=true`) and file paths
 * (`AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/...`). Keeping them lets checks see them.
 */
const HARMLESS_VALUE = /^(true|false|yes|no|on|off|enabled|disabled|\/[\w./-]*)$/i;

/** The value to keep for a named value: the marker when it may be a credential. */
export function redactValue(name: string, value: string): string {
  if (value === '' || value === REDACTED) return value;
  if (looksLikeCredential(value)) return REDACTED;
  return isSensitiveName(name) && !HARMLESS_VALUE.test(value) ? REDACTED : value;
}

export function isRedacted(value: string | undefined): boolean {
  return value === REDACTED;
}
