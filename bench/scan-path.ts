import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKS } from '../functions/checks/index.ts';
import { ClientNodeKubeReader } from '../functions/collect/client-node-reader.ts';
import { collectSnapshot } from '../functions/collect/collector.ts';
import { policyFromConfig } from '../functions/config/config.ts';
import { diffResults } from '../functions/core/diff.ts';
import type { EksFacts } from '../functions/core/eks-types.ts';
import type { ClusterRef, ClusterSnapshot } from '../functions/core/model.ts';
import { renderClusterReport } from '../functions/report/render.ts';
import { buildReportView } from '../functions/report/view-model.ts';
import { assessSnapshot, evaluateSnapshot, kindsToRead, newScanId } from '../functions/scan/pipeline.ts';
import { FileResultsStore } from '../functions/store/file-results-store.ts';
import { clusterKeyOf } from '../functions/store/keys.ts';

/**
 * The scan path the benchmark times, as `watchkeeper scan` runs it (functions/cli/scan.ts):
 * collect (client-node over HTTPS, an EKS token per request from the cached provider,
 * `limit=500` paging) → evaluate (every registered check, default policy) → store (the result
 * and the latest pointer in a FileResultsStore, as the scan-cluster Lambda does) → render (the
 * changes since the previous result and the HTML report, stored beside the result).
 */

export interface ScanPathInput {
  url: string;
  caData: string;
  token: () => Promise<string>;
  cluster: ClusterRef;
  eks: EksFacts;
  storeRoot: string;
  /** Called at every page and phase boundary: the RSS sampler hooks in here. */
  onTick?: () => void;
}

export interface PhaseTimes {
  collect: number;
  evaluate: number;
  store: number;
  render: number;
}

/** The scan path threw in `phase`; `phases` holds the times of the phases that had finished. */
export class ScanPathError extends Error {
  override readonly name = 'ScanPathError';
  readonly phase: keyof PhaseTimes;
  readonly phases: Partial<PhaseTimes>;
  readonly objects: number | undefined;

  constructor(
    phase: keyof PhaseTimes,
    phases: Partial<PhaseTimes>,
    objects: number | undefined,
    cause: unknown,
  ) {
    super(`${phase} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, {
      cause,
    });
    this.phase = phase;
    this.phases = phases;
    this.objects = objects;
  }
}

export interface ScanPathResult {
  phases: PhaseTimes;
  totalMs: number;
  /** Objects in the snapshot, all kinds together. */
  objects: number;
  findings: number;
  resultBytes: number;
  reportBytes: number;
  gaps: number;
  snapshot: ClusterSnapshot;
}

export async function runScanPath(input: ScanPathInput): Promise<ScanPathResult> {
  const tick = input.onTick ?? (() => undefined);
  const policy = policyFromConfig(
    {},
    CHECKS.map((check) => check.id),
  );
  const startedAt = new Date();
  const scanId = newScanId(startedAt);
  const phases: Partial<PhaseTimes> = {};
  let objects: number | undefined;
  let clock = performance.now();
  const started = clock;
  const phase = async <T>(name: keyof PhaseTimes, run: () => Promise<T> | T): Promise<T> => {
    try {
      const value = await run();
      const now = performance.now();
      phases[name] = now - clock;
      clock = now;
      tick();
      return value;
    } catch (error) {
      throw new ScanPathError(name, phases, objects, error);
    }
  };

  const snapshot = await phase('collect', async () => {
    const reader = ClientNodeKubeReader.fromEndpoint({
      server: input.url,
      caData: input.caData,
      token: input.token,
    });
    try {
      return await collectSnapshot({
        reader,
        cluster: input.cluster,
        kinds: kindsToRead(),
        eks: { facts: input.eks, gaps: [] },
        now: () => new Date(),
        onProgress: tick,
      });
    } finally {
      await reader.close();
    }
  });
  const objectCount = Object.values(snapshot.k8s).reduce(
    (sum, list: readonly unknown[]) => sum + list.length,
    0,
  );
  objects = objectCount;

  const result = await phase('evaluate', () => {
    const assessment = assessSnapshot(snapshot);
    if (assessment.outcome !== 'scanned')
      throw new Error(`the cluster could not be read: ${assessment.reason}`);
    return evaluateSnapshot({ snapshot, policy, scanId, startedAt, now: () => new Date() });
  });

  // What the scan-cluster Lambda stores: the result (and the cluster's latest pointer).
  const store = new FileResultsStore({ root: input.storeRoot });
  const { previous, resultFile } = await phase('store', async () => {
    const previous = await store.getLatest(result.cluster);
    const stored = await store.putResult(result);
    return { previous, resultFile: join(input.storeRoot, stored.key) };
  });

  // What `watchkeeper scan` adds: the report, with the changes since the previous result.
  const html = await phase('render', async () => {
    const diff = diffResults(previous, result);
    const view = buildReportView(result, CHECKS, {}, { diff, completeIn: ['result.json'] });
    const html = renderClusterReport(view);
    await store.putArtifact(
      scanId,
      clusterKeyOf(result.cluster),
      'report.html',
      html,
      'text/html; charset=utf-8',
    );
    return html;
  });

  return {
    phases: phases as PhaseTimes,
    totalMs: performance.now() - started,
    objects: objectCount,
    findings: result.findings.length,
    resultBytes: (await stat(resultFile)).size,
    reportBytes: html.length,
    gaps: snapshot.gaps.length,
    snapshot,
  };
}
