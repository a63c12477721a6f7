import { describe, expect, it } from 'vitest';
import { POD_CHECKS } from '../../functions/checks/pods/index.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { loadFixtures } from '../helpers/fixtures.ts';

const ids = new Set(POD_CHECKS.map((check) => check.id));
const fixtures = loadFixtures().filter((fixture) => ids.has(fixture.checkId));

describe('pod checks: per-finding requirements', () => {
  it.each(fixtures.map((f) => [`${f.checkId}/${f.file}`, f] as const))(
    '%s: every finding names a non-empty subset of its check frameworks',
    (_name, fixture) => {
      const check = POD_CHECKS.find((c) => c.id === fixture.checkId);
      if (!check) throw new Error(fixture.checkId);
      const known = new Set(check.frameworks.map((ref) => `${ref.framework}:${ref.requirement}`));
      for (const outcome of check.evaluate(fixture.snapshot, DEFAULT_PARAMS)) {
        if (outcome.requirements === undefined) continue;
        expect(outcome.requirements.length).toBeGreaterThan(0);
        for (const ref of outcome.requirements)
          expect(known).toContain(`${ref.framework}:${ref.requirement}`);
      }
    },
  );

  it('every Pod Security Admission check id is served by exactly one pod check', () => {
    const psa = POD_CHECKS.flatMap((check) =>
      check.frameworks
        .filter((ref) => ref.framework.startsWith('pss-'))
        .map((ref) => `${ref.framework}:${ref.requirement}`),
    );
    expect([...psa].sort()).toEqual(
      [
        'pss-baseline:appArmorProfile',
        'pss-baseline:capabilities_baseline',
        'pss-baseline:hostNamespaces',
        'pss-baseline:hostPathVolumes',
        'pss-baseline:hostPorts',
        'pss-baseline:hostProbesAndHostLifecycle',
        'pss-baseline:privileged',
        'pss-baseline:procMount',
        'pss-baseline:seLinuxOptions',
        'pss-baseline:seccompProfile_baseline',
        'pss-baseline:sysctls',
        'pss-baseline:windowsHostProcess',
        'pss-restricted:allowPrivilegeEscalation',
        'pss-restricted:capabilities_restricted',
        'pss-restricted:procMount_restricted',
        'pss-restricted:restrictedVolumes',
        'pss-restricted:runAsNonRoot',
        'pss-restricted:runAsUser',
        'pss-restricted:seccompProfile_restricted',
      ].sort(),
    );
  });
});
