import { startEmulator } from '../functions/emulator/index.ts';
import { BENCH_CREDENTIALS } from './credentials.ts';
import { generateCluster, isPresetName } from './generate.ts';

/**
 * The emulator side of the benchmark, run as its own process (`bench/run.ts` forks it) so that
 * its memory and CPU are not the scanner's: generates the cluster for `--size` and `--seed`,
 * streams it into the emulator, and reports the URL, CA and object counts over IPC. It stops
 * when the parent says so, when the parent goes away, or after `--max-seconds`.
 */

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

export interface EmulatorReady {
  type: 'ready';
  url: string;
  caData: string;
  clusterName: string;
  region: string;
  /** Objects per kind (`Pod`, `Node` …) as generated. */
  counts: Record<string, number>;
  startupMs: number;
}

async function main(): Promise<void> {
  const size = arg('size', '1k');
  const seed = Number(arg('seed', '1'));
  const maxSeconds = Number(arg('max-seconds', '3600'));
  if (!isPresetName(size)) throw new Error(`unknown size ${size}`);
  const started = performance.now();
  const cluster = generateCluster(size, seed);
  const counts: Record<string, number> = {};
  const objects = (function* () {
    for (const object of cluster.objects()) {
      counts[String(object.kind)] = (counts[String(object.kind)] ?? 0) + 1;
      yield object;
    }
  })();
  const emulator = await startEmulator({
    clusterName: cluster.name,
    region: cluster.region,
    credentials: BENCH_CREDENTIALS,
    objects,
    // A whole 150,000-pod list must outlive the real API server's 5 minutes on a slow run:
    // expiry is tested elsewhere, and a restarted list would only blur the timing.
    continueTtlMs: 60 * 60_000,
  });
  const ready: EmulatorReady = {
    type: 'ready',
    url: emulator.url,
    caData: emulator.caData,
    clusterName: cluster.name,
    region: cluster.region,
    counts,
    startupMs: Math.round(performance.now() - started),
  };
  const stop = async () => {
    await emulator.stop();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  setTimeout(() => void stop(), maxSeconds * 1000).unref();
  process.send?.(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator child failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
