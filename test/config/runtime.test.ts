import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { ConfigError } from '../../functions/config/config.ts';
import { discoverConfig } from '../../functions/config/discover-config.ts';
import {
  apiConfig,
  RuntimeConfigError,
  reportConfig,
  scanClusterConfig,
} from '../../functions/config/runtime.ts';

const IDS = CHECKS.map((check) => check.id);
const BASE = { RESULTS_BUCKET: 'watchkeeper-results', AWS_REGION: 'eu-west-1' };

describe('discoverConfig', () => {
  it('reads the bucket, the region and the fleet config, with the fleet defaults', () => {
    expect(
      discoverConfig({
        ...BASE,
        RESULTS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111111111111:key/abc',
        FLEET_CONFIG: '{"regions":["eu-west-1"]}',
        MEMBER_ROLE_NAME: 'ignored-here',
      }),
    ).toEqual({
      results: { bucket: 'watchkeeper-results', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/abc' },
      region: 'eu-west-1',
      fleet: { accounts: [], includeSelf: true, regions: ['eu-west-1'], maxConcurrency: 8 },
    });
  });

  it('scans its own account in every enabled region without FLEET_CONFIG; an empty variable is unset', () => {
    expect(discoverConfig({ ...BASE, FLEET_CONFIG: '', RESULTS_KMS_KEY_ID: '' })).toEqual({
      results: { bucket: 'watchkeeper-results' },
      region: 'eu-west-1',
      fleet: { accounts: [], includeSelf: true, maxConcurrency: 8 },
    });
  });

  it('names every missing or malformed variable and how to fix it, in one error', () => {
    expect(() => discoverConfig({ RESULTS_BUCKET: 'Not_A_Bucket' })).toThrow(
      new RuntimeConfigError(
        "the discover function's environment is not valid:\n" +
          '  RESULTS_BUCKET is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)\n' +
          "  AWS_REGION is not set: Lambda sets it; elsewhere set it to the scanner's region, e.g. eu-west-1",
      ),
    );
  });

  it('says FLEET_CONFIG is not JSON without echoing it', () => {
    expect(() => discoverConfig({ ...BASE, FLEET_CONFIG: '{regions: secret-ish}' })).toThrow(
      /^FLEET_CONFIG is not valid JSON \(21 characters\); set it to a JSON object such as/,
    );
  });

  it('passes fleet config problems on with the variable name', () => {
    expect(() => discoverConfig({ ...BASE, FLEET_CONFIG: '{"regions":["Ireland"]}' })).toThrow(ConfigError);
    expect(() => discoverConfig({ ...BASE, FLEET_CONFIG: '{"regions":["Ireland"]}' })).toThrow(
      /^FLEET_CONFIG is not valid:\n.*a region is written like eu-west-1/s,
    );
  });
});

describe('scanClusterConfig', () => {
  it('reads the member role, the external id, the scanner account and the policy', () => {
    const config = scanClusterConfig(
      {
        ...BASE,
        MEMBER_ROLE_NAME: 'watchkeeper-read',
        EXTERNAL_ID: 'wk-external-1',
        SCANNER_ACCOUNT_ID: '111111111111',
        POLICY: JSON.stringify({ severityOverrides: { [IDS[0] as string]: 'low' } }),
      },
      IDS,
    );

    expect(config).toMatchObject({
      results: { bucket: 'watchkeeper-results' },
      region: 'eu-west-1',
      memberRoleName: 'watchkeeper-read',
      externalId: 'wk-external-1',
      scannerAccountId: '111111111111',
      policy: { severityOverrides: { [IDS[0] as string]: 'low' }, waivers: [] },
    });
  });

  it('has the default policy without POLICY', () => {
    const config = scanClusterConfig(BASE, IDS);
    expect(config.policy.waivers).toEqual([]);
    expect(config.memberRoleName).toBeUndefined();
    expect(config.kubeletConfig).toBe(false);
  });

  it('turns the kubelet-config opt-in on only for KUBELET_CONFIG=true', () => {
    expect(scanClusterConfig({ ...BASE, KUBELET_CONFIG: 'true' }, IDS).kubeletConfig).toBe(true);
    expect(scanClusterConfig({ ...BASE, KUBELET_CONFIG: 'false' }, IDS).kubeletConfig).toBe(false);
  });

  it.each([
    [{ MEMBER_ROLE_NAME: 'role/with/path' }, /MEMBER_ROLE_NAME is not an IAM role name/],
    [{ EXTERNAL_ID: 'x' }, /EXTERNAL_ID must be 2 to 1224 characters/],
    [{ SCANNER_ACCOUNT_ID: '1234' }, /SCANNER_ACCOUNT_ID must be the scanner's 12-digit AWS account id/],
    [
      {
        POLICY:
          '{"waivers":[{"checkId":"no-such-check","reason":"because it is fine","owner":"me","expires":"2030-01-01"}]}',
      },
      /POLICY names checks that do not exist: no-such-check/,
    ],
    [{ POLICY: 'not json' }, /POLICY is not valid JSON/],
    [{ KUBELET_CONFIG: 'yes' }, /KUBELET_CONFIG must be "true"/],
  ])('refuses %j', (env, message) => {
    expect(() => scanClusterConfig({ ...BASE, ...env }, IDS)).toThrow(message);
  });
});

describe('reportConfig', () => {
  it('reads the email settings and the report base URL', () => {
    expect(
      reportConfig({
        RESULTS_BUCKET: 'watchkeeper-results',
        EMAIL_FROM: 'watchkeeper@example.com',
        EMAIL_TO: 'security@example.com, sre@example.com',
        REPORT_BASE_URL: 'https://reports.example.com/watchkeeper/',
      }),
    ).toEqual({
      results: { bucket: 'watchkeeper-results' },
      email: { from: 'watchkeeper@example.com', to: ['security@example.com', 'sre@example.com'] },
      reportBaseUrl: 'https://reports.example.com/watchkeeper/',
    });
  });

  it.each([
    [{ EMAIL_TO: 'security@example.com' }, /EMAIL_FROM and EMAIL_TO go together/],
    [
      { EMAIL_FROM: 'a@example.com', EMAIL_TO: 'security@example.com,not-an-address' },
      /EMAIL_TO must be email addresses separated by commas/,
    ],
    [{ REPORT_BASE_URL: 'http://reports.example.com' }, /REPORT_BASE_URL must be an https:\/\/ URL/],
  ])('refuses %j', (env, message) => {
    expect(() => reportConfig({ RESULTS_BUCKET: 'watchkeeper-results', ...env })).toThrow(message);
  });
});

describe('apiConfig', () => {
  it('reads the state machine ARN', () => {
    const arn = 'arn:aws:states:eu-west-1:111111111111:stateMachine:FleetScan1A2B3C';
    expect(apiConfig({ RESULTS_BUCKET: 'watchkeeper-results', STATE_MACHINE_ARN: arn })).toEqual({
      results: { bucket: 'watchkeeper-results' },
      stateMachineArn: arn,
    });
  });

  it('refuses an ARN that is not a state machine', () => {
    expect(() =>
      apiConfig({
        RESULTS_BUCKET: 'watchkeeper-results',
        STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:execution:FleetScan:x',
      }),
    ).toThrow(/STATE_MACHINE_ARN is not a state machine ARN/);
  });
});
