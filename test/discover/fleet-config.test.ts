import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/config/config.ts';
import { parseFleetConfig } from '../../functions/config/fleet-config.ts';
import { passesNameFilters, passesTagFilters } from '../../functions/discover/filters.ts';

function problem(raw: unknown): string {
  try {
    parseFleetConfig(raw, 'fleet.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected the config to be refused');
}

describe('parseFleetConfig', () => {
  it('fills the defaults: own account only, enabled regions, 8 at a time', () => {
    expect(parseFleetConfig(undefined)).toEqual({ accounts: [], includeSelf: true, maxConcurrency: 8 });
  });

  it('accepts a full config, and an account id YAML read as a number', () => {
    const config = parseFleetConfig({
      accounts: [
        {
          accountId: 222233334444,
          roleArn: 'arn:aws:iam::222233334444:role/path/watchkeeper-read',
          externalId: 'wk-prod',
          sessionName: 'watchkeeper-nightly',
        },
        { accountId: '012345678901', roleArn: 'arn:aws-us-gov:iam::012345678901:role/watchkeeper-read' },
      ],
      regions: ['eu-west-1', 'us-gov-west-1'],
      include: { names: ['prod-*'], tags: { team: '*' } },
      exclude: { tags: { 'watchkeeper/skip': 'true' } },
      maxConcurrency: 4,
    });
    expect(config.accounts[0]?.accountId).toBe('222233334444');
    expect(config.regions).toEqual(['eu-west-1', 'us-gov-west-1']);
  });

  it.each([
    [
      { accounts: [{ accountId: '12345678901', roleArn: 'arn:aws:iam::12345678901:role/r' }] },
      'exactly 12 digits',
    ],
    [{ accounts: [{ accountId: 12345678901 }] }, 'quote it in YAML so leading zeros are kept'],
    [
      {
        accounts: [{ accountId: '222233334444', roleArn: 'arn:aws:iam::999988887777:role/watchkeeper-read' }],
      },
      'roleArn is in account 999988887777 but accountId is 222233334444',
    ],
    [
      { accounts: [{ accountId: '222233334444', roleArn: 'arn:aws:iam::222233334444:user/alice' }] },
      'roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/watchkeeper-read',
    ],
    [
      { accounts: [{ accountId: '222233334444', externalId: 'x1' }] },
      'add the roleArn or remove the externalId',
    ],
    [
      {
        accounts: [
          { accountId: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/a' },
          { accountId: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/b' },
        ],
      },
      'account 222233334444 is listed twice',
    ],
    [{ regions: ['Europe (Ireland)'] }, 'a region is written like eu-west-1'],
    [{ regions: [] }, 'regions needs at least one region, or leave it out'],
    [{ includeSelf: false }, 'nothing to scan'],
    [{ include: { names: [''] } }, 'use * to match every name'],
    [{ maxConcurrency: 0 }, 'maxConcurrency must be at least 1'],
    [{ accountz: [] }, 'accountz'],
  ])('refuses %j with a message that says what to do', (raw, expected) => {
    const message = problem(raw);
    expect(message).toContain('fleet.yaml is not valid');
    expect(message).toContain(expected);
  });
});

describe('the organization in a fleet config', () => {
  it('reads every account through WatchkeeperReadRole unless told otherwise', () => {
    expect(parseFleetConfig({ organization: {} }).organization).toEqual({
      memberRoleName: 'WatchkeeperReadRole',
      excludeAccounts: [],
    });
  });

  it('takes parents, the member role and the reader role, and excluded accounts', () => {
    const config = parseFleetConfig({
      includeSelf: false,
      organization: {
        parents: ['r-ab12', 'ou-ab12-cdef3456'],
        memberRoleName: 'watchkeeper-read',
        memberExternalId: 'org-ext',
        roleArn: 'arn:aws:iam::111122223333:role/watchkeeper-org-reader',
        externalId: 'reader-ext',
        excludeAccounts: [222233334444],
      },
    });

    expect(config.organization).toEqual({
      parents: ['r-ab12', 'ou-ab12-cdef3456'],
      memberRoleName: 'watchkeeper-read',
      memberExternalId: 'org-ext',
      roleArn: 'arn:aws:iam::111122223333:role/watchkeeper-org-reader',
      externalId: 'reader-ext',
      excludeAccounts: ['222233334444'],
    });
  });

  it.each([
    [
      { organization: { memberRoleName: 'r', parents: ['ou-nope'] } },
      /a root \(r-…\) or organizational unit/,
    ],
    [{ organization: { memberRoleName: 'r', parents: [] } }, /parents needs at least one/],
    [{ organization: { memberRoleName: 'bad role' } }, /memberRoleName must be an IAM role name/],
    [
      { organization: { memberRoleName: 'r', externalId: 'x-1' } },
      /externalId is only used to assume roleArn/,
    ],
  ])('refuses %j, naming the fix', (raw, message) => {
    expect(problem(raw)).toMatch(message);
  });
});

describe('cluster filters', () => {
  const filters = {
    include: { names: ['prod-*', 'shared'], tags: { team: '*', env: 'prod' } },
    exclude: { names: ['*-canary'], tags: { 'watchkeeper/skip': 'true', lifecycle: 'retiring' } },
  };

  it('includes by any name glob and excludes by any exclude glob', () => {
    expect(passesNameFilters('prod-api', filters)).toBe(true);
    expect(passesNameFilters('shared', filters)).toBe(true);
    expect(passesNameFilters('dev-api', filters)).toBe(false);
    expect(passesNameFilters('prod-canary', filters)).toBe(false);
    expect(passesNameFilters('anything', {})).toBe(true);
  });

  it('needs every include tag (`*` = present) and drops a cluster with any exclude tag', () => {
    expect(passesTagFilters({ team: 'a', env: 'prod' }, filters)).toBe(true);
    expect(passesTagFilters({ team: '', env: 'prod' }, filters)).toBe(true);
    expect(passesTagFilters({ env: 'prod' }, filters)).toBe(false);
    expect(passesTagFilters({ team: 'a', env: 'dev' }, filters)).toBe(false);
    expect(passesTagFilters({ team: 'a', env: 'prod', lifecycle: 'retiring' }, filters)).toBe(false);
    expect(passesTagFilters({ team: 'a', env: 'prod', 'watchkeeper/skip': 'false' }, filters)).toBe(true);
  });
});
