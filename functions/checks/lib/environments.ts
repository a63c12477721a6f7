/**
 * Heuristics for the deployment stage (production or not) of a cluster or a namespace, from
 * tags, labels and names. Words come from the `productionStages` and `nonProductionStages`
 * parameters and match whole name parts: `checkout-staging` is staging, `prodigy` is nothing.
 */
import type { CheckParams, Snapshot } from '../../core/model.ts';
import { wordPatterns } from './words.ts';

export type Stage = 'production' | 'non-production' | 'unknown';

/** Tag and label keys that conventionally hold the stage, compared case-insensitively. */
export const STAGE_KEYS: readonly string[] = ['env', 'environment', 'stage'];

const stageWord = wordPatterns('-_.:/\\s');

function hasWord(text: string, word: string): boolean {
  return stageWord(word.toLowerCase()).test(text.toLowerCase());
}

/** The stage a value names; non-production words win (`pre-prod`, `non-prod`). */
export function stageOf(
  value: string,
  params: Readonly<Pick<CheckParams, 'productionStages' | 'nonProductionStages'>>,
): Stage {
  if (params.nonProductionStages.some((word) => hasWord(value, word))) return 'non-production';
  if (params.productionStages.some((word) => hasWord(value, word))) return 'production';
  return 'unknown';
}

export interface StageEvidence {
  stage: Stage;
  /** Where the stage was read: `tag env=prod`, `label env=staging`, `name checkout-staging`. */
  source: string;
}

/**
 * The stage from a stage tag or label when one is set (the first that names a known stage),
 * else from the name.
 */
export function stageFrom(
  name: string,
  keyed: Readonly<Record<string, string>> | undefined,
  kind: 'tag' | 'label',
  params: Readonly<Pick<CheckParams, 'productionStages' | 'nonProductionStages'>>,
): StageEvidence {
  for (const [key, value] of Object.entries(keyed ?? {})) {
    if (!STAGE_KEYS.includes(key.toLowerCase())) continue;
    const stage = stageOf(value, params);
    if (stage !== 'unknown') return { stage, source: `${kind} ${key}=${value}` };
  }
  const stage = stageOf(name, params);
  return { stage, source: stage === 'unknown' ? 'no stage tag, label or name part' : `name ${name}` };
}

/** The cluster's stage from its EKS tags, else from its name. */
export function clusterStage(snapshot: Snapshot, params: Readonly<CheckParams>): StageEvidence {
  return stageFrom(snapshot.cluster.name, snapshot.eks.cluster?.tags, 'tag', params);
}

/** A lookup of each namespace's stage, from its labels, else from its name. */
export function namespaceStages(
  snapshot: Snapshot,
  params: Readonly<CheckParams>,
): (namespace: string) => StageEvidence {
  const labels = new Map(
    snapshot.k8s.namespaces.map((ns) => [ns.metadata.name, ns.metadata.labels] as const),
  );
  const cache = new Map<string, StageEvidence>();
  return (namespace) => {
    let stage = cache.get(namespace);
    if (!stage) {
      stage = stageFrom(namespace, labels.get(namespace), 'label', params);
      cache.set(namespace, stage);
    }
    return stage;
  };
}
