import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import type { Check } from '../../functions/core/model.ts';
import { DEFAULT_SYSTEM_COMPONENTS } from '../../functions/core/system-components.ts';
import { renderChecksDoc } from '../../functions/frameworks/docs.ts';
import { FRAMEWORKS } from '../../functions/frameworks/index.ts';

const DOC = new URL('../../docs/checks.md', import.meta.url);

describe('docs/checks.md', () => {
  it('is what the registry and the framework files render (run `npm run docs:checks` to update it)', () => {
    const committed = readFileSync(DOC, 'utf8');
    expect(
      committed === renderChecksDoc(CHECKS, FRAMEWORKS, DEFAULT_SYSTEM_COMPONENTS),
      'docs/checks.md is stale: run `npm run docs:checks`',
    ).toBe(true);
  });

  it('lists every check and a CIS coverage row for all 50 recommendations', () => {
    const doc = renderChecksDoc(CHECKS, FRAMEWORKS, DEFAULT_SYSTEM_COMPONENTS);
    for (const check of CHECKS) expect(doc).toContain(`| \`${check.id}\` |`);
    const cisRows = doc.split('\n').filter((line) => /^\| \d\.\d\.\d+ \|/.test(line));
    expect(cisRows).toHaveLength(50);
    for (const component of DEFAULT_SYSTEM_COMPONENTS) expect(doc).toContain(`| \`${component.name}\` |`);
  });

  it('escapes table cells and says when no check evaluates a recommendation', () => {
    const check: Check = {
      id: 'pod-pipes',
      title: 'A title | with a pipe',
      severity: 'low',
      responsibility: 'customer',
      frameworks: [{ framework: 'cis-eks-1.8.0', requirement: '4.2.1' }],
      reads: [],
      rationale: 'r',
      remediation: { summary: 's' },
      docs: ['https://example.com'],
      evaluate: () => [],
    };
    const doc = renderChecksDoc([check], FRAMEWORKS);
    expect(doc).toContain('A title \\| with a pipe');
    expect(doc).toMatch(/\| 4\.2\.1 \|.*\| `pod-pipes` \|/);
    expect(doc).toMatch(/\| 4\.2\.2 \|.*\| \*\*none yet\*\* \|/);
    expect(doc).toContain('Watchkeeper runs 1 checks (1 low; by responsibility: 1 customer).');
  });
});
