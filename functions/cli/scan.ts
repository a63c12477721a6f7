import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CHECKS } from '../checks/index.ts';
import { loadPolicy } from '../config/config-file.ts';
import { diffResults, type ScanDiff } from '../core/diff.ts';
import type { ClusterSnapshot, ScanResult } from '../core/model.ts';
import type { ResultsStore } from '../core/ports.ts';
import { AsffInputError, toAsff } from '../report/formats/asff.ts';
import { toCsv } from '../report/formats/csv.ts';
import { toJunit } from '../report/formats/junit.ts';
import { toSarif } from '../report/formats/sarif.ts';
import { renderClusterReport } from '../report/render.ts';
import { buildReportView } from '../report/view-model.ts';
import { assessSnapshot, evaluateSnapshot, kindsToRead, newScanId } from '../scan/pipeline.ts';
import { encodeResultChunks } from '../store/codec.ts';
import { FileResultsStore } from '../store/file-results-store.ts';
import { FORMAT_FILES, type OutputFormat, type ScanOptions, UsageError } from './args.ts';
import { snapshotFromContext } from './context.ts';
import { snapshotFromDemo } from './demo.ts';
import { demoFleet, formatDemoFleet } from './demo-fleet.ts';
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
  /** What changed since the cluster's previous result in the store. */
  diff: ScanDiff;
  files: string[];
  thresholdFailed: boolean;
}

/** The file beside result.json that holds the whole diff (the report lists only some of it). */
export const DIFF_FILE = 'diff.json';

const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  sarif: 'application/sarif+json',
  junit: 'application/xml',
  csv: 'text/csv; charset=utf-8',
  asff: 'application/json',
};

// Shared with the scan-cluster Lambda (functions/scan/pipeline.ts); re-exported for existing callers.
export { kindsToRead, newScanId };

async function takeSnapshot(options: ScanOptions, progress: Progress): Promise<ClusterSnapshot> {
  const kinds = kindsToRead();
  switch (options.source.type) {
    case 'demo':
      return snapshotFromDemo({
        kinds,
        progress,
        clusterName: options.clusterName,
        kubeletConfig: options.kubeletConfig,
      });
    case 'context':
      return snapshotFromContext({
        context: options.source.context,
        kinds,
        progress,
        clusterName: options.clusterName,
        kubeletConfig: options.kubeletConfig,
      });
    case 'manifests':
      return snapshotFromManifestsDir({
        dir: options.source.dir,
        progress,
        clusterName: options.clusterName,
      });
  }
}

/**
 * The cluster's latest result in the store, to compare with. A store that cannot be read
 * is not a reason to lose the scan: the comparison is skipped with a warning.
 */
async function previousResult(
  store: ResultsStore,
  result: ScanResult,
  progress: Progress,
): Promise<ScanResult | undefined> {
  try {
    return await store.getLatest(result.cluster);
  } catch (error) {
    progress.warn(
      `could not read the previous result of ${result.cluster.name} (${(error as Error).message}); ` +
        'nothing to compare with this time',
    );
    return undefined;
  }
}

/** Every requested output, rendered before anything is written, so a bad one writes nothing. */
function renderOutputs(
  formats: readonly OutputFormat[],
  result: ScanResult,
  diff: ScanDiff,
  progress: Progress,
): Map<OutputFormat, string | Iterable<string>> {
  const outputs = new Map<OutputFormat, string | Iterable<string>>();
  for (const format of formats) {
    switch (format) {
      case 'json':
        // The stored layout, written piece by piece: a big cluster's result is no one string.
        outputs.set(format, encodeResultChunks(result));
        break;
      case 'html': {
        progress.step('Rendering the HTML report');
        const view = buildReportView(
          result,
          CHECKS,
          {},
          { diff, completeIn: formats.includes('csv') ? ['result.json', FORMAT_FILES.csv] : ['result.json'] },
        );
        outputs.set(format, renderClusterReport(view));
        break;
      }
      case 'sarif':
        outputs.set(format, toSarif(result, CHECKS));
        break;
      case 'junit':
        outputs.set(format, toJunit(result, CHECKS));
        break;
      case 'csv':
        outputs.set(format, toCsv(result, CHECKS));
        break;
      case 'asff':
        try {
          outputs.set(format, toAsff(result, CHECKS, { diff }));
        } catch (error) {
          if (error instanceof AsffInputError) throw new UsageError(`--format asff: ${error.message}`);
          throw error;
        }
        break;
    }
  }
  return outputs;
}

/** collect → evaluate → diff → store → render, the same pipeline the scan Lambda runs, in one process. */
export async function runScan(options: ScanOptions, streams: ScanStreams): Promise<ScanOutcome> {
  const progress = createProgress(streams.stderr, options.quiet);
  const policy = await loadPolicy(
    options.config,
    CHECKS.map((c) => c.id),
  );
  const startedAt = new Date();
  const scanId = newScanId(startedAt);

  const snapshot = await takeSnapshot(options, progress);
  const assessment = assessSnapshot(snapshot);
  if (assessment.outcome !== 'scanned') {
    throw new ScanUnreadableError(
      `could not read the cluster ${snapshot.cluster.name} at all (${assessment.outcome}: ${assessment.reason ?? 'no reason given'})`,
    );
  }
  if (assessment.reason) progress.info(assessment.reason);

  progress.step(`Evaluating ${CHECKS.length} checks`);
  const result = evaluateSnapshot({ snapshot, policy, scanId, startedAt, now: () => new Date() });

  const out = resolve(options.out);
  const store = new FileResultsStore({ root: join(out, 'store') });
  // Read before this result is stored: afterwards the latest pointer names this scan.
  const diff = diffResults(await previousResult(store, result, progress), result);
  const outputs = renderOutputs(options.formats, result, diff, progress);

  await mkdir(out, { recursive: true });
  const stored = await store.putResult(result);
  // Still-failing findings are counted but not listed: each one is in result.json already.
  const diffJson = `${JSON.stringify({ ...diff, stillFailing: undefined }, null, 2)}\n`;
  await store.putArtifact(scanId, stored.clusterKey, DIFF_FILE, diffJson, 'application/json');
  const files: string[] = [];
  for (const [format, body] of outputs) {
    const name = FORMAT_FILES[format];
    const file = join(out, name);
    await writeFile(file, body);
    // result.json is the stored result itself; every other output is kept beside it.
    if (typeof body === 'string' && format !== 'json')
      await store.putArtifact(scanId, stored.clusterKey, name, body, CONTENT_TYPES[format]);
    files.push(file);
    if (format === 'json') {
      const diffFile = join(out, DIFF_FILE);
      await writeFile(diffFile, diffJson);
      files.push(diffFile);
    }
  }
  // The demo is a fleet of its own: a fleet report and the email digest, as the AWS side writes them.
  const fleet =
    options.source.type === 'demo'
      ? await demoFleet({ store, scanId, startedAt, main: { result, stored }, policy, out, progress })
      : undefined;
  progress.done();

  streams.stdout.write(`${formatSummary(result, diff)}\n\n`);
  for (const file of files) streams.stdout.write(`Wrote ${file}\n`);
  streams.stdout.write(`Stored the result under ${join(out, 'store', stored.key)}\n`);
  if (fleet !== undefined) streams.stdout.write(formatDemoFleet(fleet, scanId, join(out, 'store')));
  return {
    result,
    diff,
    files,
    thresholdFailed: options.failOn ? failsThreshold(result, options.failOn) : false,
  };
}
