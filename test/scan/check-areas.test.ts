import { readdirSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { CHECK_AREAS } from '../../functions/core/fleet.ts';
import { AREA_CHECKS, areaOfCheck } from '../../functions/scan/check-areas.ts';

const CHECKS_DIR = new URL('../../functions/checks/', import.meta.url).pathname;

/** check id → the folder its file is in (functions/checks/<area>/<id>.ts). */
function foldersOfCheckFiles(): Map<string, string> {
  return new Map(
    readdirSync(CHECKS_DIR, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== 'index.ts')
      .map((e) => [basename(e.name, '.ts'), relative(CHECKS_DIR, e.parentPath)] as const)
      // Files directly in functions/checks/ and the shared lib/ are no checks.
      .filter(([, folder]) => folder !== '' && folder !== 'lib' && !folder.startsWith('lib/')),
  );
}

describe('check areas', () => {
  it('places every registered check in exactly one area, the folder of its file', () => {
    const folders = foldersOfCheckFiles();
    expect(folders.size).toBe(CHECKS.length);
    for (const check of CHECKS) expect(areaOfCheck(check.id), check.id).toBe(folders.get(check.id));
  });

  it('lists the areas in the registry order, and every check of the registry once', () => {
    expect(Object.keys(AREA_CHECKS)).toEqual([...CHECK_AREAS]);
    expect(CHECK_AREAS.flatMap((area) => AREA_CHECKS[area])).toEqual([...CHECKS]);
    for (const area of CHECK_AREAS) expect(AREA_CHECKS[area].length, area).toBeGreaterThan(0);
  });

  it('knows no area for an id the registry does not hold, nor for inherited names', () => {
    expect(areaOfCheck('retired-check-id')).toBeUndefined();
    expect(areaOfCheck('constructor')).toBeUndefined();
    expect(areaOfCheck('__proto__')).toBeUndefined();
  });
});
