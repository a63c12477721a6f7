import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import {
  ASSESSMENTS,
  EVALUATION_MODES,
  FRAMEWORK_IDS,
  type Framework,
  type FrameworkSection,
} from '../../functions/core/model.ts';
import {
  FRAMEWORKS,
  frameworkById,
  requirementPaths,
  requirementsOf,
} from '../../functions/frameworks/index.ts';

/** Every recommendation of CIS Amazon EKS Benchmark v1.8.0 (kube-bench cfg/eks-1.8.0). */
const CIS_1_8_0 = [
  '2.1.1',
  '2.1.2',
  '3.1.1',
  '3.1.2',
  '3.1.3',
  '3.1.4',
  '3.2.1',
  '3.2.2',
  '3.2.3',
  '3.2.4',
  '3.2.5',
  '3.2.6',
  '3.2.7',
  '3.2.8',
  '3.2.9',
  '4.1.1',
  '4.1.2',
  '4.1.3',
  '4.1.4',
  '4.1.5',
  '4.1.6',
  '4.1.7',
  '4.1.8',
  '4.1.9',
  '4.1.10',
  '4.1.11',
  '4.1.12',
  '4.2.1',
  '4.2.2',
  '4.2.3',
  '4.2.4',
  '4.2.5',
  '4.3.1',
  '4.3.2',
  '4.4.1',
  '4.4.2',
  '4.5.1',
  '4.5.2',
  '5.1.1',
  '5.1.2',
  '5.1.3',
  '5.1.4',
  '5.2.1',
  '5.3.1',
  '5.4.1',
  '5.4.2',
  '5.4.3',
  '5.4.4',
  '5.4.5',
  '5.5.1',
];

/** CIS v1.8.0 recommendations marked Automated in the benchmark; the rest are Manual. */
const CIS_AUTOMATED = new Set([
  '3.1.1',
  '3.1.2',
  '3.1.3',
  '3.1.4',
  '3.2.1',
  '3.2.2',
  '3.2.3',
  '3.2.4',
  '3.2.5',
  '3.2.6',
  '3.2.7',
  '3.2.8',
  '3.2.9',
  '4.1.1',
  '4.1.2',
  '4.1.3',
  '4.1.4',
  '4.1.5',
  '4.1.6',
  '4.2.1',
  '4.2.2',
  '4.2.3',
  '4.2.4',
  '4.2.5',
  '4.3.2',
  '4.4.1',
  '4.5.2',
]);

/** Pod Security Admission check ids (kubernetes/pod-security-admission policy/check_*.go). */
const PSS_BASELINE = [
  'windowsHostProcess',
  'hostNamespaces',
  'privileged',
  'capabilities_baseline',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'appArmorProfile',
  'seLinuxOptions',
  'procMount',
  'seccompProfile_baseline',
  'sysctls',
];
const PSS_RESTRICTED = [
  'restrictedVolumes',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
  'capabilities_restricted',
  'procMount_restricted',
];

function sectionIds(framework: Framework): string[] {
  const ids: string[] = [];
  const walk = (section: FrameworkSection) => {
    ids.push(section.id);
    for (const child of section.sections ?? []) walk(child);
  };
  for (const section of framework.sections) walk(section);
  return ids;
}

const ids = (framework: Framework) => requirementsOf(framework).map((r) => r.id);

describe('framework registry', () => {
  it('holds each framework id exactly once', () => {
    expect(FRAMEWORKS.map((f) => f.id).sort()).toEqual([...FRAMEWORK_IDS].sort());
  });

  it.each(FRAMEWORKS.map((f) => [f.id, f] as const))(
    '%s: unique ids, titles in our words, a how',
    (_id, framework) => {
      const requirementIds = ids(framework);
      expect(new Set(requirementIds).size, 'duplicate requirement ids').toBe(requirementIds.length);
      const sections = sectionIds(framework);
      expect(new Set(sections).size, 'duplicate section ids').toBe(sections.length);
      expect(framework.url).toMatch(/^https:\/\//);
      for (const { sections: path, requirement } of requirementPaths(framework)) {
        const where = `${framework.id} ${requirement.id}`;
        expect(path.length, where).toBeGreaterThan(0);
        expect(requirement.title.length, where).toBeGreaterThan(10);
        expect(requirement.title.length, where).toBeLessThanOrEqual(100);
        expect(requirement.title, where).not.toMatch(/^(ensure|minimi[sz]e|prefer|consider|avoid)\b/i);
        expect(requirement.how.length, where).toBeGreaterThan(10);
        expect(EVALUATION_MODES, where).toContain(requirement.evaluation);
        if (requirement.assessment !== undefined)
          expect(ASSESSMENTS, where).toContain(requirement.assessment);
        if (requirement.level !== undefined) expect([1, 2], where).toContain(requirement.level);
      }
      // Every section holds requirements or subsections.
      const empty: string[] = [];
      const walk = (section: FrameworkSection) => {
        if (!section.requirements?.length && !section.sections?.length) empty.push(section.id);
        for (const child of section.sections ?? []) walk(child);
      };
      for (const section of framework.sections) walk(section);
      expect(empty).toEqual([]);
    },
  );
});

describe('CIS Amazon EKS Benchmark v1.8.0', () => {
  const cis = frameworkById('cis-eks-1.8.0');

  it('lists all 50 recommendations, in order, plus the section-1 entry', () => {
    expect(ids(cis)).toEqual(['1', ...CIS_1_8_0]);
    expect(CIS_1_8_0).toHaveLength(50);
  });

  it('marks each recommendation Automated or Manual as the benchmark does', () => {
    for (const requirement of requirementsOf(cis).filter((r) => r.id !== '1')) {
      expect(requirement.assessment, requirement.id).toBe(
        CIS_AUTOMATED.has(requirement.id) ? 'automated' : 'manual',
      );
    }
  });

  it('puts each recommendation under the section its id names', () => {
    for (const { sections, requirement } of requirementPaths(cis)) {
      const own = sections[sections.length - 1];
      expect(requirement.id === own?.id || requirement.id.startsWith(`${own?.id}.`), requirement.id).toBe(
        true,
      );
    }
  });

  it('evaluates node files as not remotely evaluable, kubelet settings through opt-in configz, section 1 as inherited', () => {
    for (const requirement of requirementsOf(cis)) {
      const expected = requirement.id.startsWith('3.1.')
        ? 'not-remotely-evaluable'
        : requirement.id.startsWith('3.2.')
          ? 'kubelet-configz-opt-in'
          : requirement.id === '1'
            ? 'inherited'
            : undefined;
      if (expected) expect(requirement.evaluation, requirement.id).toBe(expected);
      else expect(['automated', 'manual-with-evidence'], requirement.id).toContain(requirement.evaluation);
    }
  });
});

describe('Pod Security Standards', () => {
  it('baseline has the 12 PSA baseline checks', () => {
    expect(ids(frameworkById('pss-baseline'))).toEqual(PSS_BASELINE);
  });

  it('restricted has the 7 PSA restricted checks', () => {
    expect(ids(frameworkById('pss-restricted'))).toEqual(PSS_RESTRICTED);
  });
});

describe('check framework references', () => {
  it('name a requirement that exists in the framework file', () => {
    const known = new Map(FRAMEWORKS.map((f) => [f.id, new Set(ids(f))]));
    const missing = CHECKS.flatMap((check) =>
      check.frameworks
        .filter((ref) => !known.get(ref.framework)?.has(ref.requirement))
        .map((ref) => `${check.id} → ${ref.framework} "${ref.requirement}"`),
    );
    expect(
      missing,
      `these checks name requirements missing from functions/frameworks (add the requirement or fix the ref):\n  ${missing.join('\n  ')}`,
    ).toEqual([]);
  });

  it('do not repeat a requirement within one check', () => {
    const repeated = CHECKS.filter((check) => {
      const keys = check.frameworks.map((ref) => `${ref.framework} ${ref.requirement}`);
      return new Set(keys).size !== keys.length;
    }).map((check) => check.id);
    expect(repeated).toEqual([]);
  });

  it('map every CIS EKS 1.8.0 recommendation to at least one registered check', () => {
    const mapped = new Set(
      CHECKS.flatMap((c) =>
        c.frameworks.filter((r) => r.framework === 'cis-eks-1.8.0').map((r) => r.requirement),
      ),
    );
    const unmapped = ids(frameworkById('cis-eks-1.8.0')).filter((id) => !mapped.has(id));
    expect(unmapped, `CIS recommendations no check evaluates: ${unmapped.join(', ')}`).toEqual([]);
  });

  it('map every PSS control to at least one registered check', () => {
    const unmapped = (['pss-baseline', 'pss-restricted'] as const).flatMap((id) => {
      const mapped = new Set(
        CHECKS.flatMap((c) => c.frameworks.filter((r) => r.framework === id).map((r) => r.requirement)),
      );
      return ids(frameworkById(id))
        .filter((requirement) => !mapped.has(requirement))
        .map((requirement) => `${id} ${requirement}`);
    });
    expect(unmapped, `PSS controls no check evaluates: ${unmapped.join(', ')}`).toEqual([]);
  });

  it('agree with how the mapped checks evaluate each CIS recommendation', () => {
    const problems: string[] = [];
    for (const requirement of requirementsOf(frameworkById('cis-eks-1.8.0'))) {
      const mapped = CHECKS.filter((c) =>
        c.frameworks.some((r) => r.framework === 'cis-eks-1.8.0' && r.requirement === requirement.id),
      );
      const modes = mapped.map((c) => `${c.id}: ${c.evaluation ?? 'automated'}`);
      if (requirement.evaluation === 'inherited') {
        if (!mapped.every((c) => c.responsibility === 'aws'))
          problems.push(`${requirement.id} (inherited) ← ${modes}`);
      } else if (requirement.evaluation === 'automated') {
        if (!mapped.some((c) => (c.evaluation ?? 'automated') === 'automated'))
          problems.push(`${requirement.id} (automated) ← ${modes}`);
      } else if (requirement.evaluation !== 'manual-with-evidence') {
        if (!mapped.every((c) => c.evaluation === requirement.evaluation))
          problems.push(`${requirement.id} (${requirement.evaluation}) ← ${modes}`);
      }
    }
    expect(problems, `framework file and checks disagree:\n  ${problems.join('\n  ')}`).toEqual([]);
  });
});
