import { FRAMEWORKS } from '../frameworks/index.ts';
import { groupBy } from './group-by.ts';
import type { K8sObject } from './k8s-types.ts';
import { kindKeyOf } from './kinds.ts';
import type {
  AppliedWaiver,
  Check,
  CheckSummary,
  Finding,
  Framework,
  FrameworkRef,
  Outcome,
  Policy,
  ResourceRef,
  ScanResult,
  Snapshot,
  SystemComponent,
  SystemComponentExemption,
  Waiver,
} from './model.ts';
import { SCHEMA_VERSION, STATUSES } from './model.ts';
import { computeScores, rollUpCounts, rollUpFrameworks, zeroCounts } from './scoring.ts';
import { matchSystemComponent } from './system-components.ts';
import { isExpired, waiverMatches } from './waivers.ts';

export interface EvaluateInput {
  snapshot: Snapshot;
  checks: readonly Check[];
  policy: Policy;
  scanId: string;
  startedAt: string;
  /** The edge's clock, read once when evaluation ends. */
  now: () => string;
  /** Frameworks to report per-requirement status for; default: the registry (`FRAMEWORKS`). */
  frameworks?: readonly Framework[];
}

const MAX_MESSAGE = 2000;

function clusterResource(snapshot: Snapshot): ResourceRef {
  const { cluster } = snapshot;
  return { kind: 'Cluster', name: cluster.name, ...(cluster.arn ? { arn: cluster.arn } : {}) };
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_MESSAGE);
}

/** Labels of the object a finding names, for waivers scoped by label. */
function labelIndex(
  snapshot: Snapshot,
): (resource: ResourceRef) => Readonly<Record<string, string>> | undefined {
  let index: Map<string, Readonly<Record<string, string>> | undefined> | undefined;
  const keyOf = (kind: string, namespace: string | undefined, name: string) =>
    `${kind}\u0000${namespace ?? ''}\u0000${name}`;
  return (resource) => {
    if (!index) {
      index = new Map();
      for (const list of Object.values(snapshot.k8s) as ReadonlyArray<ReadonlyArray<K8sObject>>) {
        for (const object of list) {
          if (object.kind)
            index.set(
              keyOf(object.kind, object.metadata.namespace, object.metadata.name),
              object.metadata.labels,
            );
        }
      }
    }
    if (!kindKeyOf(resource.kind)) return undefined;
    return index.get(keyOf(resource.kind, resource.namespace, resource.name));
  };
}

const STATUS_SET: ReadonlySet<string> = new Set(STATUSES);

function isValidOutcome(outcome: Outcome): boolean {
  return (
    typeof outcome === 'object' &&
    outcome !== null &&
    STATUS_SET.has(outcome.status) &&
    typeof outcome.message === 'string' &&
    typeof outcome.resource?.kind === 'string' &&
    typeof outcome.resource?.name === 'string'
  );
}

const refKey = (ref: FrameworkRef) => `${ref.framework}\u0000${ref.requirement}`;

/** Plain, frozen copies of framework references: shared by findings, so no one may change them. */
function frozenRefs(refs: readonly FrameworkRef[]): FrameworkRef[] {
  return Object.freeze(
    refs.map((ref) => Object.freeze({ framework: ref.framework, requirement: ref.requirement })),
  ) as FrameworkRef[];
}

/**
 * The same text as one flat string. Messages are built by concatenation, which V8 keeps as a
 * tree of pieces until something needs the characters in a row; writing the result did that
 * for every finding, long after the findings had moved to the old generation, and each newly
 * flattened text then had to be kept alive from there (150k: storing took 3.0–3.2 s, 2.0 s
 * with the texts flattened here, while they are young; evaluation unchanged within noise).
 * `trim()` hands back the flat string when there is nothing to trim; otherwise, the text is
 * kept as it is.
 */
function flatText(text: string): string {
  const flat = text.trim();
  return flat.length === text.length ? flat : text;
}

/**
 * The finding of an outcome, built field by field in one fixed order: every finding has the
 * same shape, which keeps serialising a million of them fast, and nothing a check added
 * beyond the Outcome fields is carried along.
 */
function toFinding(
  outcome: Outcome,
  meta: Pick<Finding, 'checkId' | 'severity' | 'responsibility'>,
  frameworks: FrameworkRef[],
): Finding {
  const finding: Finding = {
    checkId: meta.checkId,
    status: outcome.status,
    resource: outcome.resource,
    message: flatText(outcome.message),
    severity: meta.severity,
    responsibility: meta.responsibility,
    frameworks,
  };
  if (outcome.path !== undefined) finding.path = outcome.path;
  if (outcome.evidence !== undefined) finding.evidence = outcome.evidence;
  return finding;
}

/**
 * An outcome's `requirements` must name some of its check's frameworks and nothing else: a
 * check cannot move a finding onto a requirement it does not declare.
 */
function invalidRequirements(check: Check, outcomes: readonly Outcome[]): string | undefined {
  const declared = new Set(check.frameworks.map(refKey));
  for (const outcome of outcomes) {
    if (outcome.requirements === undefined) continue;
    if (!Array.isArray(outcome.requirements) || outcome.requirements.length === 0) {
      return 'an outcome gives an empty requirements list (leave it out to mean every framework of the check)';
    }
    const foreign = outcome.requirements.filter((ref) => !declared.has(refKey(ref)));
    if (foreign.length > 0) {
      return (
        'an outcome names requirements the check does not declare in its frameworks: ' +
        foreign.map((ref) => `${ref.framework} ${ref.requirement}`).join(', ')
      );
    }
  }
  return undefined;
}

/**
 * Runs every check over one snapshot and applies policy. Never throws for a check's sake:
 * a check that throws, returns garbage or reads a kind that could not be collected becomes
 * `not_evaluated` with the reason, and the rest of the scan goes on.
 */
export function evaluate(input: EvaluateInput): ScanResult {
  const { snapshot, checks, policy, scanId, startedAt } = input;
  const collectedAt = snapshot.collectedAt;
  const expired: Waiver[] = [];
  const active: Waiver[] = [];
  for (const waiver of policy.waivers) (isExpired(waiver, collectedAt) ? expired : active).push(waiver);
  // A failing finding is matched against the waivers of its own check only: with hundreds of
  // waivers and a million findings, trying every waiver on every failure was the slowest part.
  const activeByCheck = groupBy(active, (waiver) => waiver.checkId);
  const usedWaivers = new Set<Waiver>();
  const labelsOf = labelIndex(snapshot);
  const components = policy.systemComponents ?? [];
  const exemptions = new Map<
    SystemComponent,
    { waiver: AppliedWaiver; checks: Set<string>; findings: number }
  >();

  const findings: Finding[] = [];
  const summaries: CheckSummary[] = [];

  for (const check of checks) {
    const severity = policy.severityOverrides[check.id] ?? check.severity;
    const meta = {
      checkId: check.id,
      severity,
      responsibility: check.responsibility,
      frameworks: check.frameworks.map((ref) => ({ ...ref })),
    };
    let outcomes: Outcome[];
    let reason: string | undefined;

    const gaps = snapshot.gaps.filter((gap) => check.reads.includes(gap.kind));
    if (gaps.length > 0) {
      reason = gaps.map((gap) => `could not read ${gap.kind} (${gap.reason}): ${gap.message}`).join('; ');
      outcomes = [{ status: 'not_evaluated', resource: clusterResource(snapshot), message: reason }];
    } else {
      try {
        outcomes = check.evaluate(snapshot, policy.params);
        if (!Array.isArray(outcomes) || !outcomes.every(isValidOutcome)) {
          throw new TypeError('the check returned outcomes that are not of the Outcome shape');
        }
        const invalid = invalidRequirements(check, outcomes);
        if (invalid) throw new TypeError(invalid);
      } catch (error) {
        reason = `the check failed to run: ${errorText(error)}`;
        outcomes = [{ status: 'not_evaluated', resource: clusterResource(snapshot), message: reason }];
      }
    }

    const counts = zeroCounts();
    // One frozen copy of the check's frameworks serves every finding that does not narrow them,
    // and only the components that name this check are matched against its failures: a
    // 150,000-pod cluster has close to a million findings.
    const checkFrameworks = frozenRefs(meta.frameworks);
    const checkComponents = components.filter((component) => component.checks.includes(check.id));
    const checkWaivers = activeByCheck.get(check.id) ?? [];
    // Outcomes that name the same requirements (some of their check's) share one frozen copy.
    const narrowed = new Map<string, FrameworkRef[]>();
    const narrowedRefs = (requirements: readonly FrameworkRef[]): FrameworkRef[] => {
      const key = requirements.map(refKey).join('\u0001');
      let refs = narrowed.get(key);
      if (refs === undefined) {
        refs = frozenRefs(requirements);
        narrowed.set(key, refs);
      }
      return refs;
    };
    for (const outcome of outcomes) {
      const finding = toFinding(
        outcome,
        meta,
        outcome.requirements ? narrowedRefs(outcome.requirements) : checkFrameworks,
      );
      if (finding.status === 'fail' && checkWaivers.length > 0) {
        const target = { clusterName: snapshot.cluster.name, finding, labels: labelsOf(finding.resource) };
        const waiver = checkWaivers.find((w) => waiverMatches(w, target));
        if (waiver) {
          usedWaivers.add(waiver);
          finding.status = 'waived';
          finding.waiver = {
            id: waiver.id,
            reason: waiver.reason,
            owner: waiver.owner,
            expires: waiver.expires,
          };
        }
      }
      // A configured waiver wins (it names an owner and an expiry); otherwise an add-on's need
      // is reported as waived with its reason, never dropped.
      if (finding.status === 'fail' && checkComponents.length > 0) {
        const match = matchSystemComponent(checkComponents, check.id, finding.resource);
        if (match) {
          finding.status = 'waived';
          finding.waiver = match.waiver;
          const used = exemptions.get(match.component) ?? {
            waiver: match.waiver,
            checks: new Set<string>(),
            findings: 0,
          };
          used.checks.add(check.id);
          used.findings += 1;
          exemptions.set(match.component, used);
        }
      }
      counts[finding.status] += 1;
      findings.push(finding);
    }

    const status = rollUpCounts(counts);
    summaries.push({
      checkId: check.id,
      title: check.title,
      severity,
      responsibility: check.responsibility,
      frameworks: meta.frameworks,
      status,
      counts,
      ...(status === 'not_evaluated'
        ? { reason: reason ?? outcomes.find((o) => o.status === 'not_evaluated')?.message }
        : {}),
    });
  }

  const frameworks = rollUpFrameworks(input.frameworks ?? FRAMEWORKS, checks, findings);
  const exempted: SystemComponentExemption[] = [...exemptions].map(([component, used]) => ({
    id: used.waiver.id,
    name: component.name,
    owner: used.waiver.owner,
    reason: component.reason,
    namespace: component.namespace,
    kind: component.kind,
    resourceName: component.resourceName,
    checks: [...used.checks],
    findings: used.findings,
  }));

  return {
    schemaVersion: SCHEMA_VERSION,
    scanId,
    cluster: { ...snapshot.cluster },
    source: snapshot.source,
    startedAt,
    finishedAt: input.now(),
    collectedAt,
    findings,
    checks: summaries,
    scores: computeScores(summaries, frameworks),
    gaps: snapshot.gaps.map((gap) => ({ ...gap })),
    waivers: {
      applied: active.filter((w) => usedWaivers.has(w)),
      expired,
      unused: active.filter((w) => !usedWaivers.has(w)),
      exempted,
    },
    frameworks,
  };
}
