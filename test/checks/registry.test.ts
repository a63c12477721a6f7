import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { isReadKind } from '../../functions/core/kinds.ts';
import { FRAMEWORK_IDS, RESPONSIBILITIES, SEVERITIES } from '../../functions/core/model.ts';

const CHECKS_DIR = new URL('../../functions/checks/', import.meta.url).pathname;

/** Every check file: functions/checks/<area>/<id>.ts, leaving out the shared lib/ folder. */
function checkFiles(): string[] {
  return readdirSync(CHECKS_DIR, { withFileTypes: true, recursive: true })
    .filter(
      (e) =>
        e.isFile() &&
        e.name.endsWith('.ts') &&
        e.name !== 'index.ts' &&
        e.parentPath !== CHECKS_DIR &&
        !e.parentPath.includes('/lib'),
    )
    .map((e) => join(e.parentPath, e.name));
}

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('check registry', () => {
  it('registers every check file exactly once, id = file name = export name', async () => {
    const files = checkFiles();
    expect(files.length).toBe(CHECKS.length);
    for (const file of files) {
      const id = basename(file, '.ts');
      const module = (await import(file)) as Record<string, unknown>;
      expect(Object.keys(module), file).toEqual([camel(id)]);
      expect(CHECKS, `${id} is in functions/checks/index.ts`).toContain(module[camel(id)]);
      expect((module[camel(id)] as { id: string }).id).toBe(id);
    }
  });

  it('has unique ids', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))('%s has complete, well-formed metadata', (_id, check) => {
    expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+){2,}$/);
    expect(check.title.length).toBeGreaterThan(10);
    expect(check.title.length).toBeLessThanOrEqual(80);
    expect(check.title).not.toMatch(/^Ensure/i);
    expect(SEVERITIES).toContain(check.severity);
    expect(RESPONSIBILITIES).toContain(check.responsibility);
    expect(check.frameworks.length).toBeGreaterThan(0);
    for (const ref of check.frameworks) {
      expect(FRAMEWORK_IDS).toContain(ref.framework);
      expect(ref.requirement.length).toBeGreaterThan(0);
    }
    expect(check.reads.length).toBeGreaterThan(0);
    for (const kind of check.reads) expect(isReadKind(kind), kind).toBe(true);
    expect(check.rationale.length).toBeGreaterThan(60);
    expect(check.remediation.summary.length).toBeGreaterThan(20);
    expect(check.remediation.cli ?? check.remediation.iac ?? check.remediation.console).toBeTruthy();
    expect(check.docs.length).toBeGreaterThan(0);
    for (const url of check.docs) expect(url).toMatch(/^https:\/\/[^\s]+$/);
  });
});
