import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import type { FleetManifest } from '../../functions/core/fleet.ts';
import type { Finding, FrameworkRef } from '../../functions/core/model.ts';
import {
  CorruptStoreObjectError,
  decodeManifest,
  decodeResult,
  decodeResultBytes,
  encodeManifest,
  encodeResult,
  encodeResultChunks,
  newestFirst,
  shouldAdvanceLatest,
} from '../../functions/store/codec.ts';
import { InvalidKeyError } from '../../functions/store/keys.ts';
import { bigResult } from '../report/big-result.ts';

const KEY = 'scans/scan-1/manifest.json';

function manifest(): FleetManifest {
  return {
    schemaVersion: 1,
    scanId: 'scan-1',
    startedAt: '2026-03-01T02:00:00.000Z',
    finishedAt: '2026-03-01T02:10:00.000Z',
    clusters: [
      {
        cluster: { name: 'prod', accountId: '123456789012', region: 'eu-west-1' },
        clusterKey: '123456789012/eu-west-1/prod',
        outcome: 'scanned',
        resultKey: 'scans/scan-1/clusters/123456789012/eu-west-1/prod/result.json',
      },
      { cluster: { name: 'dev' }, clusterKey: 'local/local/dev', outcome: 'forbidden', reason: '403' },
    ],
    skipped: [],
  };
}

describe('fleet manifest codec', () => {
  it('round-trips a manifest', () => {
    expect(decodeManifest(encodeManifest(manifest()), KEY, 'scan-1')).toEqual(manifest());
  });

  it('refuses to encode a manifest for a cluster whose account id is not one', () => {
    const bad = manifest();
    const [entry] = bad.clusters;
    if (entry) entry.cluster = { ...entry.cluster, accountId: '../../x' };

    expect(() => encodeManifest(bad)).toThrow(InvalidKeyError);
  });

  it.each<[string, unknown]>([
    ['another schema version', { ...manifest(), schemaVersion: 2 }],
    ['another scan', { ...manifest(), scanId: 'scan-2' }],
    ['no cluster list', { ...manifest(), clusters: undefined }],
    ['an unknown outcome', { ...manifest(), clusters: [{ ...manifest().clusters[0], outcome: 'fine' }] }],
    ['a cluster without a name', { ...manifest(), clusters: [{ ...manifest().clusters[1], cluster: {} }] }],
    ['an array', [manifest()]],
  ])('refuses a stored manifest with %s', (_, value) => {
    expect(() => decodeManifest(JSON.stringify(value), KEY, 'scan-1')).toThrow(CorruptStoreObjectError);
  });
});

describe('result codec', () => {
  const result = bigResult({ count: 3_000, checks: CHECKS, namespaces: 40 });
  const RESULT_KEY = 'scans/scan-1/clusters/local/local/prod/result.json';
  const bytesOf = (text: string) => new TextEncoder().encode(text);

  it('writes compact JSON in pieces, the findings last and one per line', () => {
    const chunks = [...encodeResultChunks(result)];
    const text = chunks.join('');
    const lines = text.split('\n');

    expect(chunks.length).toBeGreaterThan(1);
    expect(JSON.parse(text)).toEqual(result);
    expect(lines[0]?.endsWith('"findings":[')).toBe(true);
    expect(lines).toHaveLength(result.findings.length + 3);
    expect(JSON.parse(lines[1]?.replace(/,$/, '') ?? '')).toEqual(result.findings[0]);
    expect(lines.at(-2)).toBe(']}');
  });

  /** The finding with its message first. */
  const reordered = ({ message, ...rest }: Finding): Finding => ({ message, ...rest });

  it('writes each finding as JSON.stringify does, shared frozen framework lists included', () => {
    const shared = Object.freeze([
      Object.freeze({ framework: 'cis-eks-1.8.0', requirement: '4.2.1' }),
      Object.freeze({ framework: 'pss-baseline', requirement: 'privileged' }),
    ]) as FrameworkRef[];
    const first = result.findings[0] as Finding;
    // The engine's key order (toFinding), which the encoder writes from shared texts.
    const base: Finding = {
      checkId: first.checkId,
      status: first.status,
      resource: first.resource,
      message: first.message,
      severity: first.severity,
      responsibility: first.responsibility,
      frameworks: shared,
    };
    const findings: Finding[] = [
      { ...base, frameworks: shared },
      {
        ...base,
        status: 'waived',
        frameworks: shared,
        waiver: { id: 'w', reason: 'r', owner: 'o', expires: 'e' },
      },
      // Not frozen: written out every time, and a change between findings shows.
      { ...base, frameworks: [{ framework: 'nsa-cisa-1.2', requirement: 'pod-security' }] },
      { ...base, message: 'quotes " and \\ and \u2028 and ü', path: undefined, evidence: { a: null, b: 1 } },
      { ...base, frameworks: shared, evidence: undefined },
      // The same frozen list under another severity, and the engine's keys in another order.
      { ...base, severity: base.severity === 'low' ? 'high' : 'low' },
      { ...first, frameworks: shared },
      reordered(base),
    ];
    const lines = encodeResult({ ...result, findings })
      .split('\n')
      .slice(1, -2);

    expect(lines).toEqual(
      findings.map((finding, i) => `${JSON.stringify(finding)}${i < findings.length - 1 ? ',' : ''}`),
    );
  });

  it('writes a result without findings as valid JSON', () => {
    const empty = { ...result, findings: [] };

    expect(JSON.parse(encodeResult(empty))).toEqual(empty);
  });

  it('reads a result too long for one string line by line, with the same outcome as whole', () => {
    const bytes = bytesOf(encodeResult(result));

    const byLines = decodeResultBytes(bytes, RESULT_KEY, 1_000);

    expect(byLines).toEqual(result);
    expect(byLines).toEqual(decodeResultBytes(bytes, RESULT_KEY));
  });

  it('reads results stored pretty-printed by earlier versions when they fit one string', () => {
    expect(decodeResultBytes(bytesOf(JSON.stringify(result, null, 2)), RESULT_KEY)).toEqual(result);
  });

  it.each<[string, string]>([
    ['pretty-printed', JSON.stringify({ schemaVersion: 1, findings: [] }, null, 2)],
    ['cut short', encodeResult(result).slice(0, 50_000)],
    ['a corrupt finding line', encodeResult(result).replace('\n{', '\n{oops')],
  ])('refuses a long result that is %s, naming the key and never quoting the body', (_, text) => {
    const read = () => decodeResultBytes(bytesOf(text), RESULT_KEY, 10);

    expect(read).toThrow(CorruptStoreObjectError);
    expect(read).toThrow(RESULT_KEY);
    expect(read).not.toThrow(/oops/);
  });

  it('checks the envelope of a result read line by line', () => {
    const wrongVersion = encodeResult({ ...result, schemaVersion: 99 as 1 });

    expect(() => decodeResultBytes(bytesOf(wrongVersion), RESULT_KEY, 10)).toThrow(/schema version 99/);
    expect(() => decodeResult(wrongVersion, RESULT_KEY)).toThrow(/schema version 99/);
  });
});

describe('newestFirst', () => {
  it('sorts scan ids descending, drops duplicates and invalid ids, and applies the limit', () => {
    const ids = [
      '20260301T020000Z-a',
      '20260303T020000Z-c',
      '../x',
      '20260302T020000Z-b',
      '20260303T020000Z-c',
    ];

    expect(newestFirst(ids, undefined)).toEqual([
      '20260303T020000Z-c',
      '20260302T020000Z-b',
      '20260301T020000Z-a',
    ]);
    expect(newestFirst(ids, 1)).toEqual(['20260303T020000Z-c']);
  });
});

describe('shouldAdvanceLatest', () => {
  const pointer = (scanId: string, finishedAt: string) => ({ scanId, key: 'k', finishedAt });

  it('moves forward or stays on a rerun, never back', () => {
    const current = pointer('b', '2026-03-02T00:00:00Z');

    expect(shouldAdvanceLatest(undefined, current)).toBe(true);
    expect(shouldAdvanceLatest(current, pointer('c', '2026-03-03T00:00:00Z'))).toBe(true);
    expect(shouldAdvanceLatest(current, pointer('b', '2026-03-01T00:00:00Z'))).toBe(true);
    expect(shouldAdvanceLatest(current, pointer('a', '2026-03-01T00:00:00Z'))).toBe(false);
  });
});
