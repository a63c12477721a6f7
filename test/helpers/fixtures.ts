import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { EksFacts } from '../../functions/core/eks-types.ts';
import { isReadKind } from '../../functions/core/kinds.ts';
import type {
  ClusterSnapshot,
  Gap,
  GapReason,
  NodeKubeletConfig,
  Status,
} from '../../functions/core/model.ts';
import { GAP_REASONS, STATUSES } from '../../functions/core/model.ts';
import { addObject, newSnapshot } from '../../functions/core/snapshot.ts';

export const FIXTURES_DIR = new URL('../checks/fixtures/', import.meta.url).pathname;
const BASELINE_FILE = new URL('../checks/baseline.yaml', import.meta.url).pathname;

type Manifest = { kind?: string; metadata?: { name?: string; namespace?: string } } & Record<string, unknown>;

export interface ExpectedFinding {
  status: Status;
  resource?: { kind?: string; namespace?: string; name?: string };
  path?: string;
}

export interface Fixture {
  checkId: string;
  file: string;
  /** What the check must roll up to; from `expect.status`, else from the file name (`pass-…`, `fail-…`). */
  expectedStatus: Status;
  /** Findings that must be among the check's findings (subset match). */
  expectedFindings: ExpectedFinding[];
  snapshot: ClusterSnapshot;
}

interface FixtureFile {
  description?: string;
  objects?: Manifest[];
  remove?: { kind: string; namespace?: string; name: string }[];
  eks?: Partial<Record<keyof EksFacts, unknown>> & { cluster?: Record<string, unknown> };
  /** Replaces whole EKS fact lists or removes them: `eks: { clusterVersions: null }`. */
  gaps?: Gap[];
  /** Kubelet configuration per node name, as the configz opt-in collects it (`snapshot.kubelet`). */
  kubelet?: Record<string, NodeKubeletConfig>;
  collectedAt?: string;
  expect?: { status?: Status; findings?: ExpectedFinding[] };
}

interface BaselineFile {
  collectedAt: string;
  cluster: ClusterSnapshot['cluster'];
  eks: EksFacts;
  objects: Manifest[];
}

function identity(object: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge for EKS facts: objects merge key by key, arrays and scalars replace, null deletes. */
function merge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const merged = merge(base[key], value);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  return out;
}

function loadBaseline(): BaselineFile {
  return parse(readFileSync(BASELINE_FILE, 'utf8')) as BaselineFile;
}

/** A snapshot of the compliant baseline cluster with a fixture applied (none: the baseline itself). */
export function buildSnapshot(fixture: FixtureFile = {}): ClusterSnapshot {
  const baseline = loadBaseline();
  const snapshot = newSnapshot(baseline.cluster, fixture.collectedAt ?? baseline.collectedAt, 'fixture');
  snapshot.eks = merge(baseline.eks, fixture.eks ?? {}) as EksFacts;
  const removed = new Set(
    (fixture.remove ?? []).map((r) =>
      identity({ kind: r.kind, metadata: { name: r.name, namespace: r.namespace } }),
    ),
  );
  const replaced = new Set((fixture.objects ?? []).map(identity));
  const objects = [
    ...baseline.objects.filter((o) => !removed.has(identity(o)) && !replaced.has(identity(o))),
    ...(fixture.objects ?? []),
  ];
  for (const object of objects) {
    if (!addObject(snapshot, structuredClone(object))) {
      throw new Error(`fixture object ${identity(object)} is of a kind Watchkeeper does not read`);
    }
  }
  if (fixture.kubelet !== undefined) snapshot.kubelet = structuredClone(fixture.kubelet);
  for (const gap of fixture.gaps ?? []) {
    if (!isReadKind(gap.kind)) throw new Error(`gap names unknown kind ${gap.kind}`);
    if (!(GAP_REASONS as readonly string[]).includes(gap.reason))
      throw new Error(`unknown gap reason ${gap.reason}`);
    snapshot.gaps.push({ kind: gap.kind, reason: gap.reason as GapReason, message: gap.message });
  }
  return snapshot;
}

function statusFromName(file: string): Status | undefined {
  const prefix = file.split('-')[0];
  if (prefix === 'pass') return 'pass';
  if (prefix === 'fail') return 'fail';
  return undefined;
}

/** Every fixture under test/checks/fixtures/<check-id>/ (pass-*.yaml, fail-*.yaml, other-*.yaml with expect.status). */
export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const checkId of readdirSync(FIXTURES_DIR).sort()) {
    for (const file of readdirSync(join(FIXTURES_DIR, checkId)).sort()) {
      if (!/\.ya?ml$/.test(file)) continue;
      const parsed = (parse(readFileSync(join(FIXTURES_DIR, checkId, file), 'utf8')) ?? {}) as FixtureFile;
      const expectedStatus = parsed.expect?.status ?? statusFromName(file);
      if (!expectedStatus || !(STATUSES as readonly string[]).includes(expectedStatus)) {
        throw new Error(`${checkId}/${file}: name it pass-* or fail-*, or give expect.status`);
      }
      fixtures.push({
        checkId,
        file,
        expectedStatus,
        expectedFindings: parsed.expect?.findings ?? [],
        snapshot: buildSnapshot(parsed),
      });
    }
  }
  return fixtures;
}
