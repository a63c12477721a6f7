import { describe, expect, it } from 'vitest';
import { kindsToRead as cliKindsToRead, newScanId as cliNewScanId } from '../../functions/cli/scan.ts';
import { apiKindsOf, kindsToRead, MAX_SCAN_ID_LENGTH, newScanId } from '../../functions/scan/pipeline.ts';
import { isValidScanId } from '../../functions/store/keys.ts';

describe('the shared pipeline', () => {
  it('names scans by their UTC start, sortable, valid as store keys and execution names', () => {
    const first = newScanId(new Date('2026-11-23T15:40:00.123Z'));
    const second = newScanId(new Date('2026-11-23T15:40:01.000Z'));

    expect(first).toMatch(/^20261123T154000Z-[0-9a-f]{6}$/);
    expect(first < second).toBe(true);
    expect(isValidScanId(first)).toBe(true);
    expect(first.length).toBeLessThanOrEqual(MAX_SCAN_ID_LENGTH);
  });

  it('names scans made within one second in the order they were made', () => {
    const at = new Date('2026-11-23T15:40:00.500Z');

    const ids = Array.from({ length: 200 }, () => newScanId(at));

    expect(ids.every((id) => /^20261123T154000Z-[0-9a-f]{6}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads exactly the kinds the checks declare, and the CLI uses the same functions', () => {
    const kinds = kindsToRead([{ reads: ['pods', 'eks:cluster'] }, { reads: ['pods', 'roles'] }]);

    expect(kinds).toEqual(['eks:cluster', 'pods', 'roles']);
    expect(apiKindsOf(kinds)).toEqual(['pods', 'roles']);
    expect(cliKindsToRead).toBe(kindsToRead);
    expect(cliNewScanId).toBe(newScanId);
  });
});
