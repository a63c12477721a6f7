import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeployConfigError,
  isIanaTimeZone,
  loadDeployConfig,
  memberFleet,
  parseDeployConfig,
} from '../../infra/config.ts';
import { REPO_ROOT } from '../../infra/constructs/watchkeeper-function.ts';
import { FULL_CONFIG } from './helpers.ts';

function context(values: Record<string, unknown>) {
  return { tryGetContext: (key: string): unknown => values[key] };
}

function errorOf(raw: unknown): string {
  try {
    parseDeployConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DeployConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('deployment config defaults', () => {
  it('deploys a nightly scan of the deployment account from an empty config', () => {
    const config = parseDeployConfig({});
    expect(config).toMatchObject({
      stackName: 'Watchkeeper',
      schedule: { enabled: true, expression: 'cron(0 2 * * ? *)', timeZone: 'UTC' },
      scan: { maxConcurrency: 20, memoryMb: 2048, timeoutMinutes: 10 },
      fleet: { accounts: [], includeSelf: true },
      memberAccess: { roleName: 'WatchkeeperReadRole' },
      accessEntries: [],
      logRetentionDays: 90,
      results: { scanRetentionDays: 400, noncurrentVersionRetentionDays: 30, accessLogRetentionDays: 365 },
      api: { manageAccountCloudWatchRole: true },
      policy: {},
    });
    expect(config.email).toBeUndefined();
    expect(config.scan.vpc).toBeUndefined();
  });

  it('accepts the full test config and the documented example', () => {
    expect(() => parseDeployConfig(FULL_CONFIG)).not.toThrow();
    const example = loadDeployConfig(context({ config: 'examples/deploy-config.json' }), REPO_ROOT);
    expect(example.schedule.timeZone).toBe('Europe/Berlin');
    expect(example.fleet.accounts).toHaveLength(2);
  });
});

describe('deployment config errors name the field and the fix', () => {
  it('rejects a time zone that is not an IANA name', () => {
    expect(errorOf({ schedule: { timeZone: 'Europe/Atlantis' } })).toContain(
      "watchkeeper.schedule.timeZone 'Europe/Atlantis' is not an IANA time zone",
    );
    expect(errorOf({ schedule: { timeZone: '+02:00' } })).toContain("'+02:00' is not an IANA time zone");
    expect(isIanaTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
  });

  it('rejects schedule expressions Scheduler would refuse', () => {
    expect(errorOf({ schedule: { expression: 'cron(0 2 * * *)' } })).toContain(
      "watchkeeper.schedule.expression 'cron(0 2 * * *)' is not a Scheduler expression",
    );
    expect(() => parseDeployConfig({ schedule: { expression: 'rate(12 hours)' } })).not.toThrow();
  });

  it('reports every problem at once, with array positions', () => {
    const message = errorOf({
      scan: { maxConcurrency: 0, memoryMb: 128 },
      fleet: { accounts: [{ accountId: '1234' }] },
      email: { from: 'not-an-address', to: [] },
      logRetentionDays: 42,
      typo: true,
    });
    expect(message).toContain('watchkeeper.scan.maxConcurrency');
    expect(message).toContain('watchkeeper.scan.memoryMb');
    expect(message).toContain('watchkeeper.fleet.accounts[0].accountId accountId must be exactly 12 digits');
    expect(message).toContain("watchkeeper.email.from 'not-an-address' is not an email address");
    expect(message).toContain('watchkeeper.email.to');
    expect(message).toContain('watchkeeper.logRetentionDays 42 is not a CloudWatch Logs retention');
    expect(message).toMatch(/watchkeeper Unrecognized key: "typo"/);
  });

  it('rejects a VPC attachment without subnets or with malformed ids', () => {
    const message = errorOf({
      scan: { vpc: { vpcId: 'vpc-1', subnetIds: [], securityGroupIds: ['sg-zz'] } },
    });
    expect(message).toContain("watchkeeper.scan.vpc.vpcId 'vpc-1' is not a VPC id");
    expect(message).toContain('watchkeeper.scan.vpc.subnetIds');
    expect(message).toContain("watchkeeper.scan.vpc.securityGroupIds[0] 'sg-zz' is not a security group id");
  });

  it('rejects a from address outside the verified domain', () => {
    expect(
      errorOf({ email: { from: 'a@example.net', to: ['b@example.com'], domain: 'example.com' } }),
    ).toContain(
      "watchkeeper.email.from 'a@example.net' is not an address of the verified domain 'example.com'",
    );
  });

  it('requires an external id when member accounts are scanned', () => {
    expect(errorOf({ fleet: { accounts: [{ accountId: '111122223333' }] } })).toContain(
      'watchkeeper.memberAccess.externalId is required when member accounts are scanned',
    );
  });

  it('rejects fleet accounts whose role or external id scan-cluster would not use', () => {
    const message = errorOf({
      memberAccess: { externalId: 'expected-id' },
      fleet: {
        accounts: [
          {
            accountId: '111122223333',
            roleArn: 'arn:aws:iam::111122223333:role/OtherRole',
            externalId: 'another-id',
          },
        ],
      },
    });
    expect(message).toContain(
      "watchkeeper.fleet.accounts[0].roleArn names role 'OtherRole' but memberAccess.roleName is 'WatchkeeperReadRole'",
    );
    expect(message).toContain(
      'watchkeeper.fleet.accounts[0].externalId differs from memberAccess.externalId',
    );
  });

  it('validates the check policy like the CLI does', () => {
    expect(
      errorOf({
        policy: {
          waivers: [
            {
              checkId: 'no-such-check',
              reason: 'accepted for the pilot',
              owner: 'sre',
              expires: '2027-01-01',
            },
          ],
        },
      }),
    ).toContain('watchkeeper.policy names checks that do not exist: no-such-check');
  });

  it('takes a fleet of a thousand member accounts, and names the limit past the Discover input', () => {
    const accountsOf = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ accountId: String(100000000000 + i) }));
    const memberAccess = { externalId: 'watchkeeper-external-id' };
    expect(
      parseDeployConfig({ memberAccess, fleet: { accounts: accountsOf(1000) } }).fleet.accounts,
    ).toHaveLength(1000);
    expect(errorOf({ memberAccess, fleet: { accounts: accountsOf(3000) } })).toMatch(
      /watchkeeper\.fleet is \d+ bytes as JSON; it travels in the state machine's Discover input and may be at most 204800 bytes/,
    );
  });

  it('keeps an organization on the member role and external id scan-cluster uses', () => {
    expect(errorOf({ fleet: { organization: {} } })).toMatch(/memberAccess\.externalId is required/);
    const memberAccess = { roleName: 'ReadRole', externalId: 'ext-1' };
    expect(errorOf({ memberAccess, fleet: { organization: { memberRoleName: 'OtherRole' } } })).toMatch(
      /fleet\.organization\.memberRoleName is 'OtherRole' but memberAccess\.roleName is 'ReadRole'/,
    );
    expect(errorOf({ memberAccess, fleet: { organization: { memberExternalId: 'ext-2' } } })).toMatch(
      /fleet\.organization\.memberExternalId differs from memberAccess\.externalId/,
    );
    expect(
      errorOf({
        memberAccess,
        fleet: { organization: { roleArn: 'arn:aws:iam::999988887777:role/reader' } },
      }),
    ).toMatch(/fleet\.organization\.externalId is required with roleArn/);
    expect(parseDeployConfig({ memberAccess, fleet: { organization: {} } }).fleet.organization).toMatchObject(
      {
        memberRoleName: 'WatchkeeperReadRole',
      },
    );
  });

  it('keeps POLICY within the Lambda environment limit', () => {
    const allowedRegistries = Array.from({ length: 100 }, (_, i) => `registry-${i}.example.com/team/*`);
    expect(errorOf({ policy: { params: { allowedRegistries } } })).toMatch(
      /watchkeeper\.policy is \d+ bytes as JSON; .* at most 2800 bytes/,
    );
  });
});

describe('loading the config from CDK context', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'watchkeeper-config-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the file named by -c config=…', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deploy.json'), JSON.stringify({ scan: { maxConcurrency: 7 } }));
    expect(loadDeployConfig(context({ config: 'deploy.json' }), dir).scan.maxConcurrency).toBe(7);
  });

  it('names the file in errors', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ schedule: { timeZone: 'Mars/Olympus' } }));
    expect(() => loadDeployConfig(context({ config: 'bad.json' }), dir)).toThrow(
      /file bad\.json\) is not valid:\n {2}watchkeeper\.schedule\.timeZone 'Mars\/Olympus'/,
    );
    expect(() => loadDeployConfig(context({ config: 'missing.json' }), dir)).toThrow(/cannot read/);
    writeFileSync(join(dir, 'broken.json'), '{ nope');
    expect(() => loadDeployConfig(context({ config: 'broken.json' }), dir)).toThrow(/is not JSON/);
  });

  it('reads the watchkeeper context key as an object or a JSON string', () => {
    expect(loadDeployConfig(context({ watchkeeper: { scan: { memoryMb: 4096 } } })).scan.memoryMb).toBe(4096);
    expect(loadDeployConfig(context({ watchkeeper: '{"scan":{"memoryMb":1024}}' })).scan.memoryMb).toBe(1024);
    expect(() => loadDeployConfig(context({ watchkeeper: '{oops' }))).toThrow(/must be a JSON object/);
    expect(loadDeployConfig(context({})).stackName).toBe('Watchkeeper');
  });
});

describe('the fleet discover receives', () => {
  it('fills each member account with the member role and external id', () => {
    const config = parseDeployConfig({
      memberAccess: { roleName: 'ScanRead', externalId: 'ext-123' },
      fleet: { accounts: [{ accountId: '111122223333' }], regions: ['eu-west-1'] },
    });
    expect(memberFleet(config, 'aws')).toEqual({
      accounts: [
        {
          accountId: '111122223333',
          roleArn: 'arn:aws:iam::111122223333:role/ScanRead',
          externalId: 'ext-123',
        },
      ],
      includeSelf: true,
      regions: ['eu-west-1'],
      maxConcurrency: 8,
    });
  });
});
