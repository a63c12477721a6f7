import { describe, expect, it } from 'vitest';
import type { ClusterRef } from '../../functions/core/model.ts';
import {
  artifactKey,
  assertArtifactName,
  assertScanArtifactName,
  assertScanId,
  clusterKeyOf,
  InvalidKeyError,
  latestKey,
  manifestKey,
  parseArtifactKey,
  parseClusterKey,
  parseResultKey,
  resultKey,
  scanArtifactKey,
} from '../../functions/store/keys.ts';

const HOSTILE_NAMES = [
  '../../etc',
  'a/b',
  '..',
  '.',
  '/etc/passwd',
  'a\\b',
  '%2e%2e%2f',
  'C:\\Windows',
  'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
  'name with spaces',
  'nul\u0000byte',
  '_looks-encoded',
  '-leading-dash',
  'ünïcødé',
];

describe('clusterKeyOf', () => {
  it('joins account, region and name', () => {
    expect(clusterKeyOf({ name: 'prod-eu_1.a', accountId: '123456789012', region: 'eu-west-1' })).toBe(
      '123456789012/eu-west-1/prod-eu_1.a',
    );
  });

  it('uses local for an absent account or region', () => {
    expect(clusterKeyOf({ name: 'demo' })).toBe('local/local/demo');
    expect(clusterKeyOf({ name: 'demo', accountId: '', region: 'us-gov-west-1' })).toBe(
      'local/us-gov-west-1/demo',
    );
  });

  it.each(HOSTILE_NAMES)('encodes %j into one plain segment that decodes back', (name) => {
    const key = clusterKeyOf({ name, accountId: '123456789012', region: 'eu-west-1' });
    const segment = key.split('/')[2] ?? '';

    expect(key.split('/')).toHaveLength(3);
    expect(segment).toMatch(/^_[A-Za-z0-9_-]+$/);
    expect(parseClusterKey(key)).toEqual({ name, accountId: '123456789012', region: 'eu-west-1' });
  });

  it('gives different names different keys', () => {
    const keys = new Set(
      [...HOSTILE_NAMES, 'prod', 'Prod', 'prod.', 'prod_'].map((name) => clusterKeyOf({ name })),
    );
    expect(keys.size).toBe(HOSTILE_NAMES.length + 4);
  });

  it.each<[ClusterRef, string]>([
    [{ name: '' }, 'empty name'],
    [{ name: 'x'.repeat(181) }, 'name too long to encode'],
    [{ name: 'ok', accountId: '12345' }, 'short account id'],
    [{ name: 'ok', accountId: '../123456789' }, 'hostile account id'],
    [{ name: 'ok', region: 'eu-west-1/../../x' }, 'hostile region'],
    [{ name: 'ok', region: 'local' }, 'region spelled like the local marker'],
  ])('rejects %j (%s)', (cluster) => {
    expect(() => clusterKeyOf(cluster)).toThrow(InvalidKeyError);
  });
});

describe('parseClusterKey', () => {
  it.each([
    'local/local/..',
    'local/local/.',
    'local/local/_YWJj', // "abc" is stored verbatim, so this encoding is not canonical
    'local/local',
    'local/local/a/b',
    '../local/x',
    'local/../x',
    '',
  ])('rejects the non-canonical key %j', (key) => {
    expect(() => parseClusterKey(key)).toThrow(InvalidKeyError);
  });
});

describe('key layout', () => {
  const clusterKey = '123456789012/eu-west-1/prod';

  it('places results, artifacts and the latest pointer', () => {
    expect(resultKey('scan-1', clusterKey)).toBe(
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
    );
    expect(artifactKey('scan-1', clusterKey, 'report.html')).toBe(
      'scans/scan-1/clusters/123456789012/eu-west-1/prod/report.html',
    );
    expect(latestKey(clusterKey)).toBe('clusters/123456789012/eu-west-1/prod/latest.json');
  });

  it('parses result keys back and refuses others', () => {
    expect(parseResultKey('scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json')).toEqual({
      scanId: 'scan-1',
      clusterKey,
    });
    expect(parseResultKey('scans/scan-1/clusters/123456789012/eu-west-1/prod/report.html')).toBeUndefined();
    expect(parseResultKey('scans/../clusters/local/local/x/result.json')).toBeUndefined();
    expect(parseResultKey('scans/s/clusters/local/local/../result.json')).toBeUndefined();
    expect(parseResultKey('/scans/s/clusters/local/local/x/result.json')).toBeUndefined();
  });

  it.each(['', '../x', 'a/b', '.hidden', '2026-03-01T02:00:00Z', 'x'.repeat(129)])(
    'rejects the scan id %j',
    (scanId) => {
      expect(() => assertScanId(scanId)).toThrow(InvalidKeyError);
    },
  );

  it.each(['result.json', '../report.html', 'a/b.html', '.hidden', ''])(
    'rejects the artifact name %j',
    (name) => {
      expect(() => assertArtifactName(name)).toThrow(InvalidKeyError);
    },
  );

  it('rejects a hand-made cluster key in an artifact key', () => {
    expect(() => artifactKey('scan-1', '../../../etc', 'report.html')).toThrow(InvalidKeyError);
  });
});

describe('scan-level keys', () => {
  const clusterKey = '123456789012/eu-west-1/prod';

  it('places the manifest and fleet artifacts directly under the scan', () => {
    expect(manifestKey('scan-1')).toBe('scans/scan-1/manifest.json');
    expect(scanArtifactKey('scan-1', 'report.html')).toBe('scans/scan-1/report.html');
  });

  it.each(['manifest.json', 'clusters', '../report.html', 'a/b.html', '.hidden', ''])(
    'rejects the scan artifact name %j',
    (name) => {
      expect(() => assertScanArtifactName(name)).toThrow(InvalidKeyError);
    },
  );

  it('parses artifact keys of both levels back', () => {
    expect(parseArtifactKey('scans/scan-1/report.html')).toEqual({ scanId: 'scan-1', name: 'report.html' });
    expect(parseArtifactKey(`scans/scan-1/clusters/${clusterKey}/snapshot.json`)).toEqual({
      scanId: 'scan-1',
      clusterKey,
      name: 'snapshot.json',
    });
  });

  it.each([
    `scans/scan-1/clusters/${clusterKey}/result.json`,
    'scans/scan-1/manifest.json',
    `clusters/${clusterKey}/latest.json`,
    'scans/scan-1/clusters',
    'scans/../report.html',
    'scans/scan-1/clusters/local/local/_YWJj/report.html',
    'scans/scan-1/clusters/local/local/../report.html',
    'scans/scan-1/a/b/report.html',
    '/scans/scan-1/report.html',
    'scans/scan-1/report.html/',
  ])('refuses %j as an artifact key', (key) => {
    expect(parseArtifactKey(key)).toBeUndefined();
  });
});
