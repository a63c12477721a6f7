import { describe, expect, it } from 'vitest';
import { REDACTED, redactValue } from '../../functions/core/redaction.ts';

describe('redaction', () => {
  it.each([
    ['DB_PASSWORD', 'hunter2'],
    ['DB_PASS', '123456'],
    ['API_KEY', 'abc123def'],
    ['GITHUB_TOKEN', 'not-a-known-format'],
    ['CONFIG', 'AKIAIOSFODNN7EXAMPLE'],
    ['DATABASE_URL', 'postgres://app:s3cr3t@db:5432/app'],
    ['TLS_KEY', '-----BEGIN RSA PRIVATE KEY-----\nMIIE'],
  ])('redacts %s', (name, value) => {
    expect(redactValue(name, value)).toBe(REDACTED);
  });

  it.each([
    ['LOG_LEVEL', 'info'],
    ['GF_AUTH_ANONYMOUS_ENABLED', 'true'],
    ['AWS_WEB_IDENTITY_TOKEN_FILE', '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'],

    ['DB_PASSWORD', ''],
    ['DATABASE_URL', 'postgres://db:5432/app'],
  ])('keeps %s=%s', (name, value) => {
    expect(redactValue(name, value)).toBe(value);
  });
});
