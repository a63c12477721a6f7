import type { Framework, FrameworkId, FrameworkRequirement, FrameworkSection } from '../core/model.ts';
import { CIS_EKS_1_8_0 } from './cis-eks-1.8.0.ts';
import { EKS_BEST_PRACTICES } from './eks-best-practices.ts';
import { NSA_CISA_1_2 } from './nsa-cisa-1.2.ts';
import { PSS_BASELINE, PSS_RESTRICTED } from './pss.ts';

/**
 * Every framework Watchkeeper reports against, in report order. The engine rolls findings up
 * into each framework's requirements; test/frameworks proves every check's framework
 * references name a requirement listed here.
 */
export const FRAMEWORKS: readonly Framework[] = [
  CIS_EKS_1_8_0,
  PSS_BASELINE,
  PSS_RESTRICTED,
  NSA_CISA_1_2,
  EKS_BEST_PRACTICES,
];

export function frameworkById(id: FrameworkId, frameworks: readonly Framework[] = FRAMEWORKS): Framework {
  const framework = frameworks.find((f) => f.id === id);
  if (!framework) throw new RangeError(`no framework ${id} in the registry`);
  return framework;
}

export interface SectionPath {
  /** The sections from the top down to the requirement's own section. */
  sections: readonly FrameworkSection[];
  requirement: FrameworkRequirement;
}

/** Every requirement of a framework with the sections above it, in document order. */
export function requirementPaths(framework: Framework): SectionPath[] {
  const out: SectionPath[] = [];
  const walk = (section: FrameworkSection, above: readonly FrameworkSection[]) => {
    const sections = [...above, section];
    for (const requirement of section.requirements ?? []) out.push({ sections, requirement });
    for (const child of section.sections ?? []) walk(child, sections);
  };
  for (const section of framework.sections) walk(section, []);
  return out;
}

export { requirementsOf } from '../core/scoring.ts';
