import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CHECKS } from '../checks/index.ts';
import { loadPolicy } from '../config/config.ts';
import { evaluate } from '../core/engine.ts';
import { isK8sKind, type K8sKind, type ReadKind } from '../core/kinds.ts';
import type { ClusterSnapshot, ScanResult } from '../core/model.ts';
import { renderClusterReport } from '../report/render.ts';
import { buildReportView } from '../report/view-model.ts';
import { FileResultsStore } from '../store/file-results-store.ts';
import type { ScanOptions } from './args.ts';
import { snapshotFromContext } from './context.ts';
import { snapshotFromDemo } from './demo.ts';
import { snapshotFromManifestsDir } from './offline.ts';
import { createProgress, type Progress } from './progress.ts';
import { failsThreshold, formatSummary } from './summary.ts';

/** Every Kubernetes read failed: there is nothing to evaluate (exit code 3). */
export class ScanUnreadableError extends Error {
  override name = 'ScanUnreadableError';
}

export interface ScanStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface ScanOutcome {
  result: ScanResult;
  files: string[];
  thresholdFailed: boolean;
}

/** `20261123T154000Z-3f9a1c`: sortable by time, unique per run. */
export function newScanId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The kinds the registered checks declare they read: nothing more is collected. */
export function kindsToRead(): ReadKind[] {
  return [...new Set(CHECKS.flatMap((check) => check.reads))].sort();
}

async function takeSnapshot(options: ScanOptions, progress: Progress): Promise<ClusterSnapshot> {
  const kinds = kindsToRead();
  switch (options.source.type) {
    case 'demo':
      return snapshotFromDemo({ kinds, progress, clusterName: options.clusterName });
    case 'context':
      return snapshotFromContext({
        context: options.source.context,
        kinds,
        progress,
        clusterName: options.clusterName,
      });
    case 'manifests':
      return snapshotFromManifestsDir({
        dir: options.source.dir,
        progress,
        clusterName: options.clusterName,
      });
  }
}

/** collect → evaluate → store → render, the same pipeline the scan Lambda runs, in one process. */
export async function runScan(options: ScanOptions, streams: ScanStreams): Promise<ScanOutcome> {
  const progress = createProgress(streams.stderr, options.quiet);
  const policy = await loadPolicy(
    options.config,
    CHECKS.map((c) => c.id),
  );
  const startedAt = new Date();
  const scanId = newScanId(startedAt);

  const snapshot = await takeSnapshot(options, progress);
  const k8sKinds = kindsToRead().filter((kind): kind is K8sKind => isK8sKind(kind));
  const k8sGaps = snapshot.gaps.filter((gap) => isK8sKind(gap.kind));
  if (k8sKinds.length > 0 && k8sGaps.length >= k8sKinds.length) {
    const reasons = [...new Set(k8sGaps.map((gap) => `${gap.reason}: ${gap.message}`))]
      .slice(0, 3)
      .join('; ');
    throw new ScanUnreadableError(`could not read the cluster ${snapshot.cluster.name} at all (${reasons})`);
  }

  progress.step(`Evaluating ${CHECKS.length} checks`);
  const result = evaluate({
    snapshot,
    checks: CHECKS,
    policy,
    scanId,
    startedAt: startedAt.toISOString(),
    now: () => new Date().toISOString(),
  });

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files: string[] = [];
  const store = new FileResultsStore({ root: join(out, 'store') });
  const stored = await store.putResult(result);
  if (options.formats.includes('json')) {
    const file = join(out, 'result.json');
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    files.push(file);
  }
  if (options.formats.includes('html')) {
    progress.step('Rendering the HTML report');
    const html = renderClusterReport(buildReportView(result, CHECKS));
    const file = join(out, 'report.html');
    await writeFile(file, html);
    await store.putArtifact(scanId, stored.clusterKey, 'report.html', html, 'text/html; charset=utf-8');
    files.push(file);
  }
  progress.done();

  streams.stdout.write(`${formatSummary(result)}\n\n`);
  for (const file of files) streams.stdout.write(`Wrote ${file}\n`);
  streams.stdout.write(`Stored the result under ${join(out, 'store', stored.key)}\n`);
  return { result, files, thresholdFailed: options.failOn ? failsThreshold(result, options.failOn) : false };
}
