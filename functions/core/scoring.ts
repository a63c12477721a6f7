import type {
  CheckSummary,
  Framework,
  FrameworkId,
  FrameworkRef,
  FrameworkRequirement,
  FrameworkSection,
  FrameworkStatus,
  RequirementStatus,
  Responsibility,
  Score,
  Scores,
  Status,
} from './model.ts';
import { RESPONSIBILITIES, STATUSES } from './model.ts';

export function zeroCounts(): Record<Status, number> {
  const counts = {} as Record<Status, number>;
  for (const status of STATUSES) counts[status] = 0;
  return counts;
}

/**
 * Which status a check takes from its findings. A check fails if any finding fails;
 * anything that could not be checked outranks a pass, so "could not check" never reads as
 * "pass"; a waived failure is not a pass either.
 */
const PRECEDENCE: readonly Status[] = [
  'fail',
  'not_evaluated',
  'manual',
  'waived',
  'pass',
  'inherited',
  'not_applicable',
];

export function rollUpStatus(statuses: Iterable<Status>): Status {
  const seen = new Set(statuses);
  return PRECEDENCE.find((status) => seen.has(status)) ?? 'not_applicable';
}

/** `rollUpStatus` of the findings counted in `counts` (statuses with a count above zero). */
export function rollUpCounts(counts: Readonly<Record<Status, number>>): Status {
  return PRECEDENCE.find((status) => counts[status] > 0) ?? 'not_applicable';
}

function percent(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator / denominator) * 1000) / 10;
}

/**
 * compliance = checks passed / (passed + failed);
 * coverage = checks evaluated (passed, failed or waived) / checks applicable (all but
 * not_applicable and inherited). not_evaluated, manual, inherited and waived never count
 * as passed.
 */
export function scoreOf(checks: readonly { readonly status: Status }[]): Score {
  const counts = zeroCounts();
  for (const check of checks) counts[check.status] += 1;
  const evaluated = counts.pass + counts.fail + counts.waived;
  const applicable = checks.length - counts.not_applicable - counts.inherited;
  return {
    compliance: percent(counts.pass, counts.pass + counts.fail),
    coverage: percent(evaluated, applicable),
    counts,
  };
}

export const SCORING_RULES: readonly string[] = [
  'Compliance = checks passed ÷ (checks passed + checks failed).',
  'Coverage = checks evaluated (passed, failed or waived) ÷ checks applicable (every check except not applicable and inherited).',
  'A check fails if any of its findings fails; a check that could not be evaluated is never counted as passed.',
  'Not evaluated, manual, inherited and waived checks never count as passed and are shown with their own counts.',
  'Per framework, the same rules count requirements instead of checks: a requirement takes the status of the findings mapped to it (a check may map a finding to only some of its requirements), and a requirement no check evaluates counts as not evaluated.',
];

/**
 * Scores overall and per responsibility count checks. Per framework they count the
 * framework's requirements when the per-requirement roll-up is given (what the engine does),
 * else the checks that map to the framework.
 */
export function computeScores(
  checks: readonly CheckSummary[],
  frameworks?: Partial<Record<FrameworkId, FrameworkStatus>>,
): Scores {
  const byResponsibility = {} as Record<Responsibility, Score>;
  for (const responsibility of RESPONSIBILITIES) {
    byResponsibility[responsibility] = scoreOf(checks.filter((c) => c.responsibility === responsibility));
  }
  const byFramework: Partial<Record<FrameworkId, Score>> = {};
  if (frameworks) {
    for (const [id, status] of Object.entries(frameworks) as [FrameworkId, FrameworkStatus][]) {
      byFramework[id] = scoreOf(status.requirements);
    }
  } else {
    const frameworkIds = new Set<FrameworkId>();
    for (const check of checks) for (const ref of check.frameworks) frameworkIds.add(ref.framework);
    for (const id of [...frameworkIds].sort()) {
      byFramework[id] = scoreOf(checks.filter((c) => c.frameworks.some((ref) => ref.framework === id)));
    }
  }
  return { overall: scoreOf(checks), byResponsibility, byFramework };
}

/** Every requirement of a framework, in document order (depth first through the section tree). */
export function requirementsOf(framework: Framework): FrameworkRequirement[] {
  const out: FrameworkRequirement[] = [];
  const walk = (section: FrameworkSection) => {
    out.push(...(section.requirements ?? []));
    for (const child of section.sections ?? []) walk(child);
  };
  for (const section of framework.sections) walk(section);
  return out;
}

/** Why a requirement no registered check maps to is `not_evaluated`. */
export const NO_CHECK = 'no check';

interface RequirementTally {
  title: string;
  checks: Set<string>;
  statuses: Set<Status>;
  notEvaluatedBy: Set<string>;
}

/**
 * Per-requirement status of every framework: each requirement rolls up, with the precedence
 * of `rollUpStatus`, the statuses of the findings whose `frameworks` name it; `checks` lists
 * the checks whose metadata map to it. A requirement no check maps to is `not_evaluated`
 * ("no check"); one whose checks gave no finding is `not_applicable`. Requirements or
 * frameworks a check names but the registry lacks are appended, titled by their id, rather
 * than dropped.
 */
export function rollUpFrameworks(
  frameworks: readonly Framework[],
  checks: readonly { readonly id: string; readonly frameworks: readonly FrameworkRef[] }[],
  findings: readonly {
    readonly checkId: string;
    readonly status: Status;
    readonly frameworks: readonly FrameworkRef[];
  }[],
): Partial<Record<FrameworkId, FrameworkStatus>> {
  const tallies = new Map<FrameworkId, { title: string; requirements: Map<string, RequirementTally> }>();
  const frameworkTally = (id: FrameworkId, title: string = id) => {
    let tally = tallies.get(id);
    if (!tally) {
      tally = { title, requirements: new Map() };
      tallies.set(id, tally);
    }
    return tally;
  };
  const requirementTally = (ref: FrameworkRef) => {
    const { requirements } = frameworkTally(ref.framework);
    let tally = requirements.get(ref.requirement);
    if (!tally) {
      tally = { title: ref.requirement, checks: new Set(), statuses: new Set(), notEvaluatedBy: new Set() };
      requirements.set(ref.requirement, tally);
    }
    return tally;
  };

  for (const framework of frameworks) {
    const { requirements } = frameworkTally(framework.id, framework.title);
    for (const requirement of requirementsOf(framework)) {
      requirements.set(requirement.id, {
        title: requirement.title,
        checks: new Set(),
        statuses: new Set(),
        notEvaluatedBy: new Set(),
      });
    }
  }
  for (const check of checks) for (const ref of check.frameworks) requirementTally(ref).checks.add(check.id);
  // A check's findings mostly share one frameworks list (the engine's frozen copy) and come
  // in runs of one status: a finding like the one before it adds nothing, and a list's
  // tallies are looked up once. Close to a million findings at 150,000 pods.
  const talliesOf = new Map<readonly FrameworkRef[], RequirementTally[]>();
  let last: (typeof findings)[number] | undefined;
  for (const finding of findings) {
    if (
      last !== undefined &&
      finding.frameworks === last.frameworks &&
      finding.status === last.status &&
      finding.checkId === last.checkId
    ) {
      continue;
    }
    last = finding;
    let listTallies = talliesOf.get(finding.frameworks);
    if (listTallies === undefined) {
      listTallies = finding.frameworks.map(requirementTally);
      talliesOf.set(finding.frameworks, listTallies);
    }
    for (const tally of listTallies) {
      tally.statuses.add(finding.status);
      if (finding.status === 'not_evaluated') tally.notEvaluatedBy.add(finding.checkId);
    }
  }

  const out: Partial<Record<FrameworkId, FrameworkStatus>> = {};
  for (const [id, framework] of tallies) {
    out[id] = {
      title: framework.title,
      requirements: [...framework.requirements].map(([requirementId, tally]): RequirementStatus => {
        const checkIds = [...tally.checks];
        if (checkIds.length === 0) {
          return {
            id: requirementId,
            title: tally.title,
            status: 'not_evaluated',
            checks: [],
            reason: NO_CHECK,
          };
        }
        const status = rollUpStatus(tally.statuses);
        return {
          id: requirementId,
          title: tally.title,
          status,
          checks: checkIds,
          ...(status === 'not_evaluated'
            ? { reason: `not evaluated by ${[...tally.notEvaluatedBy].join(', ')}` }
            : {}),
        };
      }),
    };
  }
  return out;
}
