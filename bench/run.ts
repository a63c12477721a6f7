import { type ChildProcess, execFile, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEksTokenProvider } from '../functions/collect/token-provider.ts';
import { isK8sKind } from '../functions/core/kinds.ts';
import type { ClusterSnapshot } from '../functions/core/model.ts';
import { kindsToRead } from '../functions/scan/pipeline.ts';
import type { BundleReport } from './bundles.ts';
import { BENCH_KEY } from './credentials.ts';
import type { EmulatorReady } from './emulator-child.ts';
import { estimateFleet, INFRA_DEFAULTS, PRICES, perClusterSeconds } from './fleet-model.ts';
import { measureFloor } from './floor.ts';
import {
  DEFAULT_SEED,
  generateCluster,
  isPresetName,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
} from './generate.ts';
import { type CheckTiming, compareScaling, type ScalingRow, timeChecks } from './probe.ts';
import { runScanPath, ScanPathError, type ScanPathResult } from './scan-path.ts';

/**
 * `npm run bench [-- --sizes 1k,10k,150k] [--seed N] [--no-probe] [--out file]`
 *
 * For each size, smallest first: a generated cluster served by the emulator in a child
 * process; the floor (fetch + JSON.parse of the same lists, see floor.ts) measured before and
 * after each scan, the fastest kept; the scan path (scan-path.ts) in this process, with its
 * peak RSS; after the last scan, the per-check scaling probe on that scan's own snapshot. Then
 * the Lambda bundle sizes, the table, the targets of issue #6, and out/bench/results.json.
 *
 * Every scan and every floor starts with no snapshot of an earlier scan alive: only a scan's
 * figures are kept, and the snapshot goes once the probe (after the last scan, before the
 * last floor) is done with it. Keeping each scan's snapshot until the end had the later scans
 * and floors run in a heap several snapshots larger than the first floor did.
 *
 * Peak RSS is the process's high-water mark (`process.resourceUsage().maxRSS`) read after each
 * scan; sizes run smallest first, so each mark belongs to the scan just run (and it is checked
 * against frequent samples of `rss`, which see the collect phase page by page).
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..');
const MB = 1024 * 1024;

const TARGETS = {
  largeRssBytes: 2 * 1024 * MB,
  largeWallMs: 5 * 60_000,
  largeRatio: 1.5,
  mediumRatio: 1.3,
  scanBundleBytes: 3 * 1000 * 1000,
};

interface Options {
  sizes: PresetName[];
  seed: number;
  probe: boolean;
  out: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    sizes: [...PRESET_NAMES],
    seed: DEFAULT_SEED,
    probe: true,
    out: join(REPO_ROOT, 'out/bench/results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--sizes' && value) {
      const sizes = value.split(',').map((s) => s.trim());
      const unknown = sizes.filter((s) => !isPresetName(s));
      if (unknown.length > 0)
        throw new Error(`unknown sizes ${unknown.join(', ')}; known: ${PRESET_NAMES.join(', ')}`);
      options.sizes = PRESET_NAMES.filter((name) => sizes.includes(name));
      i++;
    } else if (arg === '--seed' && value) {
      options.seed = Number(value);
      i++;
    } else if (arg === '--out' && value) {
      options.out = value;
      i++;
    } else if (arg === '--no-probe') {
      options.probe = false;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

interface SizeResult {
  size: PresetName;
  pods: number;
  emulatorObjects: number;
  emulatorStartupMs: number;
  objects: number;
  bytes: number;
  requests: number;
  floorMs: number;
  floorRunsMs: number[];
  /** The fastest scan (its phases are the ones reported). */
  scanMs: number;
  scanRunsMs: number[];
  phases: { collect: number; evaluate: number; store: number; render: number };
  ratio: number;
  collectRatio: number;
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  baselineRssBytes: number;
  objectsPerSecond: number;
  findings: number;
  resultBytes: number;
  reportBytes: number;
  gaps: number;
  /** Set when the scan path threw: what it threw. */
  failure?: string;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function startEmulatorChild(
  size: PresetName,
  seed: number,
): Promise<{ child: ChildProcess; ready: EmulatorReady }> {
  const child = fork(
    join(HERE, 'emulator-child.ts'),
    ['--size', size, '--seed', String(seed), '--max-seconds', '3600'],
    {
      execArgv: ['--max-old-space-size=16384'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await new Promise<EmulatorReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the emulator did not start within 10 minutes')),
      600_000,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as EmulatorReady);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before it was ready`));
    });
  });
  return { child, ready };
}

async function stopEmulatorChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Rounds of (scan, floor) after a first floor: more for the small sizes, whose times are short and noisy. */
function roundsFor(size: PresetName): number {
  return PRESETS[size].pods >= 100_000 ? 1 : 5;
}

async function benchSize(
  size: PresetName,
  options: Options,
): Promise<{ result: SizeResult; timings?: CheckTiming[] }> {
  log(`${size}: generating the cluster and starting the emulator (child process)`);
  const { child, ready } = await startEmulatorChild(size, options.seed);
  const cluster = generateCluster(size, options.seed);
  try {
    const emulatorObjects = Object.values(ready.counts).reduce((sum, n) => sum + n, 0);
    log(
      `${size}: emulator ready in ${(ready.startupMs / 1000).toFixed(1)} s with ${emulatorObjects} objects`,
    );
    const token = createEksTokenProvider({
      clusterName: ready.clusterName,
      region: ready.region,
      credentials: async () => BENCH_KEY,
    });
    const kinds = kindsToRead().filter(isK8sKind);
    const floorInput = { url: ready.url, caData: ready.caData, token, kinds };

    log(`${size}: floor (fetch + JSON.parse)`);
    const floors = [await measureFloor(floorInput)];
    const scans: Omit<ScanPathResult, 'snapshot'>[] = [];
    let timings: CheckTiming[] | undefined;
    let probed: ClusterSnapshot | undefined;
    let highWater = 0;
    let sampled = 0;
    let baseline = 0;
    let failure: string | undefined;
    let failedPhases: Partial<SizeResult['phases']> = {};
    let failedObjects: number | undefined;
    for (let round = 1; round <= roundsFor(size) && failure === undefined; round++) {
      log(`${size}: scan ${round}/${roundsFor(size)} (collect → evaluate → store → render)`);
      const sample = () => {
        sampled = Math.max(sampled, process.memoryUsage.rss());
      };
      baseline = Math.max(baseline, process.memoryUsage.rss());
      const sampler = setInterval(sample, 5);
      const storeRoot = mkdtempSync(join(tmpdir(), `watchkeeper-bench-${size}-`));
      try {
        const { snapshot, ...scan } = await runScanPath({
          url: ready.url,
          caData: ready.caData,
          token,
          cluster: {
            name: ready.clusterName,
            accountId: cluster.accountId,
            region: ready.region,
            ...(cluster.eks.cluster?.arn ? { arn: cluster.eks.cluster.arn } : {}),
          },
          eks: cluster.eks,
          storeRoot,
          onTick: sample,
        });
        scans.push(scan);
        if (options.probe && round === roundsFor(size)) probed = snapshot;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        if (error instanceof ScanPathError) {
          failedPhases = error.phases;
          failedObjects = error.objects;
        }
        log(`${size}: the scan failed: ${failure}`);
      } finally {
        clearInterval(sampler);
        sample();
        rmSync(storeRoot, { recursive: true, force: true });
      }
      // The scans' high-water mark, before the probe and the floor after the scan add to it.
      highWater = process.resourceUsage().maxRSS * 1024;
      if (probed) {
        log(`${size}: scaling probe (each check alone on the snapshot)`);
        timings = timeChecks(probed);
        probed = undefined;
      }
      log(`${size}: floor`);
      try {
        floors.push(await measureFloor(floorInput));
      } catch (error) {
        // The floor before the scan stands; a failed second one must not lose the scan's figures.
        log(`${size}: the floor after the scan failed (${(error as Error).message}); keeping the one before`);
      }
    }
    const peak = Math.max(sampled, highWater);
    const floorMs = Math.min(...floors.map((f) => f.ms));
    const best = [...scans].sort((a, b) => a.totalMs - b.totalMs)[0];

    const floor = floors[0] as (typeof floors)[number];
    const result: SizeResult = {
      size,
      pods: ready.counts.Pod ?? 0,
      emulatorObjects,
      emulatorStartupMs: ready.startupMs,
      objects: best?.objects ?? failedObjects ?? 0,
      bytes: floor.bytes,
      requests: floor.requests,
      floorMs,
      floorRunsMs: floors.map((f) => f.ms),
      scanMs: best?.totalMs ?? Number.NaN,
      scanRunsMs: scans.map((s) => s.totalMs),
      phases: best?.phases ?? {
        collect: failedPhases.collect ?? Number.NaN,
        evaluate: failedPhases.evaluate ?? Number.NaN,
        store: failedPhases.store ?? Number.NaN,
        render: failedPhases.render ?? Number.NaN,
      },
      ratio: best ? best.totalMs / floorMs : Number.NaN,
      collectRatio: (best?.phases.collect ?? failedPhases.collect ?? Number.NaN) / floorMs,
      peakRssBytes: peak,
      sampledPeakRssBytes: sampled,
      baselineRssBytes: baseline,
      objectsPerSecond: best ? best.objects / (best.totalMs / 1000) : Number.NaN,
      findings: best?.findings ?? 0,
      resultBytes: best?.resultBytes ?? 0,
      reportBytes: best?.reportBytes ?? 0,
      gaps: best?.gaps ?? 0,
      ...(failure ? { failure } : {}),
    };
    if (best && floor.objects !== best.objects) {
      log(`${size}: note: the floor listed ${floor.objects} objects, the snapshot holds ${best.objects}`);
    }
    return { result, ...(timings ? { timings } : {}) };
  } finally {
    await stopEmulatorChild(child);
  }
}

async function bundleSizes(): Promise<BundleReport> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(HERE, 'bundles.ts')], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * MB,
    });
    return JSON.parse(stdout) as BundleReport;
  } catch (error) {
    return { ok: false, reason: `the bundle measurement failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT MET';
}

function main(): Promise<void> {
  return run(parseArgs(process.argv.slice(2)));
}

async function run(options: Options): Promise<void> {
  const startedAt = new Date();
  log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / MB / 1024)} GiB, Node ${process.version}`,
  );
  log('Lambda bundle sizes (esbuild, the CDK construct options)');
  let bundles = await bundleSizes();

  const results: SizeResult[] = [];
  const timings = new Map<PresetName, CheckTiming[]>();
  for (const size of options.sizes) {
    const { result, timings: t } = await benchSize(size, options);
    results.push(result);
    if (t) timings.set(size, t);
    log(
      `${size}: scan ${seconds(result.scanMs)}, floor ${seconds(result.floorMs)}, ratio ${result.ratio.toFixed(2)}, peak RSS ${megabytes(result.peakRssBytes)}`,
    );
  }
  if (!bundles.ok) {
    log(`bundles were not measured (${bundles.reason}); trying again`);
    bundles = await bundleSizes();
  }

  const out: string[] = [];
  out.push(`Watchkeeper scan benchmark — ${startedAt.toISOString()}, seed ${options.seed}`);
  out.push(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / MB / 1024)} GiB RAM, Node ${process.version}; emulator in a child process; HTTPS + EKS token, limit=500`,
  );
  out.push('');
  out.push(
    table(
      [
        'size',
        'pods',
        'objects',
        'MB listed',
        'floor',
        'scan',
        'scan/floor',
        'collect',
        'evaluate',
        'store',
        'render',
        'peak RSS',
        'objects/s',
        'findings',
      ],
      results.map((r) => [
        r.size,
        String(r.pods),
        String(r.objects),
        String(Math.round(r.bytes / MB)),
        seconds(r.floorMs),
        r.failure ? 'FAILED' : seconds(r.scanMs),
        r.failure ? '-' : r.ratio.toFixed(2),
        seconds(r.phases.collect),
        seconds(r.phases.evaluate),
        seconds(r.phases.store),
        seconds(r.phases.render),
        megabytes(r.peakRssBytes),
        Number.isFinite(r.objectsPerSecond) ? String(Math.round(r.objectsPerSecond)) : '-',
        String(r.findings),
      ]),
    ),
  );
  for (const r of results.filter((row) => row.failure)) out.push(`${r.size}: the scan failed: ${r.failure}`);
  out.push('');
  out.push(
    'floor = the same kinds, paging (limit=500), concurrency (4 kinds at a time), TLS pool and EKS token as the ' +
      'collector, and only JSON.parse of each page. Floor and scan alternate (5 scans at 1k and 10k, 1 at 150k, ' +
      'a floor before and after each); the fastest of each is reported. Peak RSS: the process high-water mark.',
  );

  out.push('');
  if (bundles.ok) {
    out.push(
      table(
        ['Lambda bundle', 'minified', 'source map', 'heaviest parts'],
        bundles.bundles.map((b) => [
          b.name,
          `${(b.bytes / 1e6).toFixed(2)} MB`,
          `${(b.mapBytes / 1e6).toFixed(2)} MB`,
          b.top
            .slice(0, 4)
            .map((t) => `${t.source} ${Math.round(t.bytes / 1000)} kB`)
            .join(', '),
        ]),
      ),
    );
  } else {
    out.push(`Lambda bundles: not measured (${bundles.reason})`);
  }

  let scaling: ScalingRow[] | undefined;
  const small = timings.get('10k');
  const large = timings.get('150k');
  if (small && large) {
    scaling = compareScaling(small, large, { small: PRESETS['10k'].pods, large: PRESETS['150k'].pods });
    out.push('');
    out.push(
      `Scaling probe: each check alone, 10k vs 150k pods; flagged when it grows more than ×${(scaling[0]?.limit ?? 0).toFixed(1)} ` +
        '(15× the data, the n log n factor, ×1.5 for a larger heap) and that costs more than 0.25 s',
    );
    out.push(
      table(
        ['check (10 most expensive at 150k)', '10k', '150k', 'growth', 'outcomes at 150k', 'flag'],
        scaling
          .slice(0, 10)
          .map((row) => [
            row.id,
            `${row.smallMs.toFixed(1)} ms`,
            `${row.largeMs.toFixed(1)} ms`,
            `×${row.ratio.toFixed(1)}`,
            String(row.largeOutcomes),
            row.flagged ? 'FASTER THAN n log n' : '',
          ]),
      ),
    );
    const flagged = scaling.filter((row) => row.flagged);
    out.push(
      flagged.length === 0
        ? 'No check grows faster than O(n log n).'
        : `Flagged (growth above ×${(flagged[0]?.limit ?? 0).toFixed(1)}): ${flagged
            .map((r) => `${r.id} ×${r.ratio.toFixed(0)}`)
            .join(', ')}`,
    );
  }

  const typical = results.find((r) => r.size === '1k' && r.failure === undefined);
  if (typical) {
    const seconds1k = perClusterSeconds({
      scanSeconds: typical.scanMs / 1000,
      listRequests: typical.requests,
    });
    const night = estimateFleet({
      clusters: 5_000,
      maxConcurrency: INFRA_DEFAULTS.maxConcurrency,
      memoryMb: INFRA_DEFAULTS.memoryMb,
      perClusterSeconds: seconds1k,
    });
    out.push('');
    out.push(
      `Fleet model (docs/scale.md): 5,000 clusters like 1k, MaxConcurrency ${INFRA_DEFAULTS.maxConcurrency}, ` +
        `${INFRA_DEFAULTS.memoryMb} MB: ${seconds1k.toFixed(1)} s per cluster, ${night.hours.toFixed(2)} h per night, ` +
        `$${night.totalUsd.toFixed(2)} per night at ${PRICES.region} list prices of ${PRICES.asOf}.`,
    );
  }

  out.push('');
  out.push('Targets (issue #6):');
  const byName = new Map(results.map((r) => [r.size, r]));
  const largeRun = byName.get('150k');
  const medium = byName.get('10k');
  const targets: { target: string; value: string; met: boolean }[] = [];
  if (largeRun) {
    const ok = largeRun.failure === undefined;
    const failed = 'scan failed';
    targets.push({
      target: '150k pods: peak RSS < 2 GB',
      value: megabytes(largeRun.peakRssBytes),
      met: largeRun.failure === undefined && largeRun.peakRssBytes < TARGETS.largeRssBytes,
    });
    targets.push({
      target: '150k pods: scan < 5 min',
      value: ok ? seconds(largeRun.scanMs) : failed,
      met: ok && largeRun.scanMs < TARGETS.largeWallMs,
    });
    targets.push({
      target: '150k pods: scan/floor <= 1.5',
      value: ok ? largeRun.ratio.toFixed(2) : failed,
      met: ok && largeRun.ratio <= TARGETS.largeRatio,
    });
  }
  if (medium) {
    targets.push({
      target: '10k pods: scan/floor <= 1.3',
      value: medium.ratio.toFixed(2),
      met: medium.ratio <= TARGETS.mediumRatio,
    });
  }
  const scanBundle = bundles.ok ? bundles.bundles.find((b) => b.name === 'scan-cluster') : undefined;
  if (scanBundle) {
    targets.push({
      target: 'scan-cluster bundle < 3 MB',
      value: `${(scanBundle.bytes / 1e6).toFixed(2)} MB`,
      met: scanBundle.bytes < TARGETS.scanBundleBytes,
    });
  }
  if (scaling) {
    const flagged = scaling.filter((row) => row.flagged);
    targets.push({
      target: 'no check above O(n log n)',
      value: flagged.length === 0 ? 'none flagged' : `${flagged.length} flagged (listed above)`,
      met: flagged.length === 0,
    });
  }
  out.push(
    table(
      ['target', 'measured', ''],
      targets.map((t) => [t.target, t.value, verdict(t.met)]),
    ),
  );
  process.stdout.write(`${out.join('\n')}\n`);

  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(
    options.out,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        seed: options.seed,
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          memoryBytes: totalmem(),
          node: process.version,
        },
        sizes: results,
        bundles,
        scaling: scaling ?? null,
        checkTimings: Object.fromEntries(timings),
        targets,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\nWrote ${options.out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
