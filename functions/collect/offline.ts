import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { EksFacts } from '../core/eks-types.ts';
import { isRecord } from '../core/is-record.ts';
import type { K8sObject } from '../core/k8s-types.ts';
import type { EksKind } from '../core/kinds.ts';
import { kindKeyOf } from '../core/kinds.ts';
import type { ClusterRef, ClusterSnapshot, Gap } from '../core/model.ts';
import { newSnapshot } from '../core/snapshot.ts';
import type { ManifestProblem } from './manifests.ts';
import { loadManifests } from './manifests.ts';
import { ProjectionCache, toSnapshotObject } from './project.ts';

export const SOURCE_MANIFESTS = 'manifests';

/** The AWS API JSON files that sit beside the manifests (`eks-*.json`, `ec2-*.json`). */
export function isAwsApiFile(name: string): boolean {
  return /^(eks|ec2)-.*\.json$/i.test(name);
}

/**
 * The EKS API JSON files read beside the manifests, as the AWS CLI prints them
 * (`aws eks describe-cluster --name X > eks-cluster.json`). Each may be the CLI's whole
 * output (`{ "cluster": {...} }`) or the inner value.
 */
export const EKS_FILES: Readonly<Record<EksKind, { file: string; key: string; command: string }>> = {
  'eks:cluster': {
    file: 'eks-cluster.json',
    key: 'cluster',
    command: 'aws eks describe-cluster --name <cluster>',
  },
  'eks:clusterVersions': {
    file: 'eks-cluster-versions.json',
    key: 'clusterVersions',
    command: 'aws eks describe-cluster-versions',
  },
  'eks:nodegroups': {
    file: 'eks-nodegroups.json',
    key: 'nodegroups',
    command: 'aws eks describe-nodegroup for each node group, as a JSON array (or {"nodegroups": [...]})',
  },
  'eks:addons': {
    file: 'eks-addons.json',
    key: 'addons',
    command: 'aws eks describe-addon for each add-on, as a JSON array (or {"addons": [...]})',
  },
  'eks:accessEntries': {
    file: 'eks-access-entries.json',
    key: 'accessEntries',
    command: 'aws eks describe-access-entry for each entry, as a JSON array (or {"accessEntries": [...]})',
  },
  'eks:fargateProfiles': {
    file: 'eks-fargate-profiles.json',
    key: 'fargateProfiles',
    command:
      'aws eks describe-fargate-profile for each profile, as a JSON array (or {"fargateProfiles": [...]})',
  },
  'eks:insights': {
    file: 'eks-insights.json',
    key: 'insights',
    command: 'aws eks list-insights --cluster-name <cluster>',
  },
  'ec2:launchTemplates': {
    file: 'ec2-launch-templates.json',
    key: 'launchTemplates',
    command: 'aws ec2 describe-launch-template-versions for each node group launch template, as a JSON array',
  },
};

export interface OfflineOptions {
  /** Defaults to the name in eks-cluster.json, then to the folder's name. */
  clusterName?: string;
  now: () => Date;
}

export interface OfflineSnapshot {
  snapshot: ClusterSnapshot;
  /** Documents that could not be used, each with the reason. */
  problems: ManifestProblem[];
  /** Objects of kinds Watchkeeper does not read (Secrets among them: never kept). */
  skipped: { kind: string; count: number }[];
}

/** The folder or one of its EKS files cannot be used. */
export class OfflineInputError extends Error {
  override readonly name = 'OfflineInputError';
}

async function readJsonFile(path: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OfflineInputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OfflineInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The CLI's `{ "<key>": value }` wrapper or the value itself. */
function unwrap(value: unknown, key: string): unknown {
  return isRecord(value) && key in value ? value[key] : value;
}

/** DescribeCluster via the SDK gives Dates; the CLI prints ISO strings or epoch seconds. */
function isoDate(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : new Date(time).toISOString();
  }
  return value;
}

function withIsoDates(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...record };
  for (const field of fields) if (field in out) out[field] = isoDate(out[field]);
  return out;
}

/** The EKS API JSON files in a folder; each missing file is a `not_collected` gap naming the command that makes it. */
export async function readEksFiles(dir: string): Promise<{ facts: EksFacts; gaps: Gap[] }> {
  const facts: EksFacts = {};
  const gaps: Gap[] = [];
  for (const [kind, { file, key, command }] of Object.entries(EKS_FILES) as [
    EksKind,
    (typeof EKS_FILES)[EksKind],
  ][]) {
    const path = join(dir, file);
    const raw = await readJsonFile(path);
    if (raw === undefined) {
      gaps.push({
        kind,
        reason: 'not_collected',
        message: `add ${file} to the folder (output of: ${command})`,
      });
      continue;
    }
    const value = unwrap(raw, key);
    if (kind === 'eks:cluster') {
      if (!isRecord(value))
        throw new OfflineInputError(`${path} must hold the DescribeCluster "cluster" object`);
      facts.cluster = withIsoDates(value, ['createdAt']) as EksFacts['cluster'];
      continue;
    }
    if (!Array.isArray(value) || !value.every(isRecord)) {
      throw new OfflineInputError(`${path} must hold a JSON array of objects, or {"${key}": [...]}`);
    }
    if (kind === 'eks:clusterVersions') {
      facts.clusterVersions = value.map((row) =>
        withIsoDates(row, ['releaseDate', 'endOfStandardSupportDate', 'endOfExtendedSupportDate']),
      );
    } else if (kind === 'eks:nodegroups') {
      facts.nodegroups = value;
    } else if (kind === 'eks:addons') {
      facts.addons = value;
    } else if (kind === 'eks:accessEntries') {
      facts.accessEntries = value;
    } else if (kind === 'eks:fargateProfiles') {
      facts.fargateProfiles = value;
    } else if (kind === 'eks:insights') {
      facts.insights = value;
    } else {
      facts.launchTemplates = value;
    }
  }
  return { facts, gaps };
}

/** `arn:aws:eks:eu-west-1:123456789012:cluster/prod` → account and region. */
export function clusterRefFromArn(name: string, arn: unknown): ClusterRef {
  const ref: ClusterRef = { name };
  if (typeof arn !== 'string') return ref;
  const match = /^arn:[\w-]+:eks:([\w-]+):(\d{12}):cluster\/(.+)$/.exec(arn);
  if (!match) return ref;
  ref.arn = arn;
  if (match[1]) ref.region = match[1];
  if (match[2]) ref.accountId = match[2];
  return ref;
}

/**
 * Builds a snapshot from a folder of manifests (YAML/JSON, recursively) and the EKS API
 * JSON files beside them, through the same projection and redaction as a live scan. A
 * broken manifest is reported in `problems`; a broken EKS file throws, since it is the
 * user's direct input.
 */
export async function snapshotFromManifests(dir: string, options: OfflineOptions): Promise<OfflineSnapshot> {
  const folder = resolve(dir);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new OfflineInputError(`no such folder: ${folder}`);

  const eks = await readEksFiles(folder);
  const loaded = await loadManifests(folder, isAwsApiFile);

  const name =
    options.clusterName ?? (typeof eks.facts.cluster?.name === 'string' ? eks.facts.cluster.name : '');
  const cluster = clusterRefFromArn(name || basename(folder), eks.facts.cluster?.arn);
  const snapshot = newSnapshot(cluster, options.now().toISOString(), SOURCE_MANIFESTS);
  snapshot.eks = eks.facts;
  snapshot.gaps = eks.gaps;

  const skipped = new Map<string, number>();
  const cache = new ProjectionCache();
  for (const object of loaded.objects) {
    const kind = kindKeyOf(object.kind);
    const projected = kind ? toSnapshotObject(kind, object, cache) : undefined;
    if (!kind || !projected) {
      skipped.set(object.kind, (skipped.get(object.kind) ?? 0) + 1);
      continue;
    }
    (snapshot.k8s[kind] as K8sObject[]).push(projected);
  }

  return {
    snapshot,
    problems: loaded.problems,
    skipped: [...skipped]
      .map(([kind, count]) => ({ kind, count }))
      .sort((a, b) => a.kind.localeCompare(b.kind)),
  };
}
