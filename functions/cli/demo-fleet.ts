import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '../checks/index.ts';
import { safeMessage } from '../collect/kube-reader.ts';
import { type FleetClusterEntry, summaryOf } from '../core/fleet.ts';
import type { Policy, ScanResult } from '../core/model.ts';
import type { ResultsStore, StoredResult } from '../core/ports.ts';
import { createHandler as createReportHandler, type ReportOutput, TREND_POINTS } from '../handlers/report.ts';
import { toEml } from '../notify/eml.ts';
import type { EmailMessage, EmailSender } from '../notify/ses-sender.ts';
import { createDigestRenderer } from '../report/digest-render.ts';
import { createFleetReportRenderer } from '../report/fleet-render.ts';
import { percentText } from '../report/text.ts';
import { areaOfCheck } from '../scan/check-areas.ts';
import { fleetClusterSchema, putClusterList, putEntry } from '../scan/fleet-artifacts.ts';
import { readFleetHistory } from '../scan/fleet-history.ts';
import { assessSnapshot, evaluateSnapshot, kindsToRead } from '../scan/pipeline.ts';
import { snapshotFromDemo } from './demo.ts';
import type { Progress } from './progress.ts';

/**
 * The fleet half of `scan --demo`: the main demo cluster (already scanned and stored by
 * `runScan`) and the other demo clusters below, each served by the emulator and read through
 * the real path, make one fleet scan under the same scan id. The fleet manifest, the fleet
 * report and the email digest then come from the report Lambda's own handler, run against
 * the local store with a sender that keeps the message instead of sending it; the CLI
 * copies the report and writes the message as an `.eml` and an HTML preview. Each run adds
 * one fleet scan to the store, so the report's trend grows by one point per run.
 */

/** The other demo clusters of the fleet, each a folder like examples/demo-cluster. */
export const DEMO_FLEET_DIRS: readonly string[] = [
  fileURLToPath(new URL('../../examples/demo-cluster-staging/', import.meta.url)),
];

export const FLEET_REPORT_FILE = 'fleet-report.html';
export const EMAIL_PREVIEW_EML = 'email-preview.eml';
export const EMAIL_PREVIEW_HTML = 'email-preview.html';

/** Placeholders: the preview shows the digest as deployed, where these come from the config. */
export const DEMO_EMAIL = { from: 'watchkeeper@example.com', to: ['security-team@example.com'] };
export const DEMO_REPORT_BASE_URL = 'https://watchkeeper.example.com/';

export interface DemoFleetInput {
  store: ResultsStore;
  scanId: string;
  startedAt: Date;
  /** The main demo cluster's result, stored under `scanId`. */
  main: { result: ScanResult; stored: StoredResult };
  policy: Policy;
  out: string;
  progress: Progress;
  /** The other clusters' folders; DEMO_FLEET_DIRS when absent. */
  dirs?: readonly string[];
}

export interface DemoFleet {
  /** Name and compliance of each cluster, in manifest order. */
  clusters: { name: string; complianceText: string }[];
  manifestKey: string;
  files: string[];
  /** Fleet scans in the report's trend, this one included. */
  trendScans: number;
}

/** Keeps the digest the report handler "sends". */
class PreviewSender implements EmailSender {
  message: EmailMessage | undefined;
  async send(message: EmailMessage) {
    this.message = message;
    return {};
  }
}

/** The fleet entry of a stored result, as scan-cluster writes it. */
function entryOf(result: ScanResult, stored: StoredResult): FleetClusterEntry {
  const cluster = fleetClusterSchema.parse(result.cluster);
  const assessment = assessSnapshot(result, kindsToRead());
  return {
    cluster,
    clusterKey: stored.clusterKey,
    outcome: assessment.outcome,
    ...(assessment.reason === undefined ? {} : { reason: safeMessage(assessment.reason) }),
    resultKey: stored.key,
    summary: summaryOf(result, areaOfCheck),
  };
}

async function scanMember(input: DemoFleetInput, dir: string): Promise<FleetClusterEntry> {
  const snapshot = await snapshotFromDemo({ kinds: kindsToRead(), progress: input.progress, dir });
  input.progress.step(`Evaluating ${CHECKS.length} checks on ${snapshot.cluster.name}`);
  const result = evaluateSnapshot({
    snapshot,
    policy: input.policy,
    scanId: input.scanId,
    startedAt: input.startedAt,
    now: () => new Date(),
  });
  return entryOf(result, await input.store.putResult(result));
}

/** Runs the report Lambda's handler on the local store; its log lines go to the progress stream. */
function runReportHandler(input: DemoFleetInput, sender: EmailSender): Promise<ReportOutput> {
  const log =
    (write: (message: string) => void) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      write(
        attributes.length === 0 ? message : `${message} ${JSON.stringify(Object.assign({}, ...attributes))}`,
      );
  const handler = createReportHandler({
    config: { email: DEMO_EMAIL, reportBaseUrl: DEMO_REPORT_BASE_URL },
    store: input.store,
    renderer: () => createFleetReportRenderer(),
    digestRenderer: () => createDigestRenderer(),
    emailSender: () => sender,
    checks: CHECKS,
    now: () => new Date(),
    logger: {
      info: () => undefined,
      warn: log(input.progress.warn),
      error: log(input.progress.warn),
      appendKeys: () => undefined,
      resetKeys: () => undefined,
    },
    metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined },
  });
  return handler({ scanId: input.scanId, startedAt: input.startedAt.toISOString() });
}

/**
 * Whether the main result can join a fleet: fleet clusters are AWS clusters (account,
 * region, EKS name, and an ARN that names them), which `--cluster-name` can break.
 */
export function fleetProblem(result: ScanResult): string | undefined {
  const parsed = fleetClusterSchema.safeParse(result.cluster);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'not an EKS cluster');
}

/**
 * The demo fleet, or undefined (said on the progress stream) when the main result cannot
 * join one (`--cluster-name` renames the cluster away from its ARN).
 */
export async function demoFleet(input: DemoFleetInput): Promise<DemoFleet | undefined> {
  const problem = fleetProblem(input.main.result);
  if (problem !== undefined) {
    input.progress.warn(
      `no fleet report or email preview: the scanned cluster cannot join a fleet (${problem})`,
    );
    return undefined;
  }
  return writeDemoFleet(input);
}

export async function writeDemoFleet(input: DemoFleetInput): Promise<DemoFleet> {
  const entries = [entryOf(input.main.result, input.main.stored)];
  for (const dir of input.dirs ?? DEMO_FLEET_DIRS) entries.push(await scanMember(input, dir));

  input.progress.step(
    'Writing the fleet manifest, the fleet report and the email digest (the report Lambda)',
  );
  await putClusterList(
    input.store,
    input.scanId,
    entries.map((entry) => entry.cluster),
  );
  for (const entry of entries) await putEntry(input.store, input.scanId, entry);
  const sender = new PreviewSender();
  const output = await runReportHandler(input, sender);

  const files: string[] = [];
  const write = async (name: string, body: string | Uint8Array) => {
    const file = join(input.out, name);
    await writeFile(file, body);
    files.push(file);
  };
  const report = await input.store.getArtifact(output.reportKey);
  if (report !== undefined) await write(FLEET_REPORT_FILE, report.body);
  if (sender.message !== undefined) {
    await write(EMAIL_PREVIEW_EML, toEml(sender.message, { ...DEMO_EMAIL, date: new Date() }));
    await write(EMAIL_PREVIEW_HTML, sender.message.html);
  }
  const history = await readFleetHistory(input.store, input.scanId, { maxPoints: TREND_POINTS - 1 });
  const manifest = await input.store.getManifest(input.scanId);
  return {
    clusters: (manifest?.clusters ?? []).map((entry) => ({
      name: entry.cluster.name,
      complianceText: percentText(entry.summary?.overall.compliance ?? null),
    })),
    manifestKey: output.manifestKey,
    files,
    trendScans: history.points.length + 1,
  };
}

/** The stdout lines of the fleet half: the clusters, then the files, like the cluster's own. */
export function formatDemoFleet(fleet: DemoFleet, scanId: string, storeDir: string): string {
  const clusters = fleet.clusters.map((cluster) => `${cluster.name} ${cluster.complianceText}`).join(', ');
  return [
    '',
    `Fleet scan ${scanId} of ${fleet.clusters.length} demo clusters: ${clusters}; trend over ${fleet.trendScans} fleet scan${fleet.trendScans === 1 ? '' : 's'}`,
    ...fleet.files.map((file) => `Wrote ${file}`),
    `Stored the fleet manifest under ${join(storeDir, fleet.manifestKey)}`,
    '',
  ].join('\n');
}
