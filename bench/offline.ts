import { fileURLToPath } from 'node:url';
import { ProjectionCache, toSnapshotObject } from '../functions/collect/project.ts';
import { kindKeyOf } from '../functions/core/kinds.ts';
import type { ClusterSnapshot } from '../functions/core/model.ts';
import { newSnapshot } from '../functions/core/snapshot.ts';
import { DEFAULT_SEED, type GeneratedCluster, generateCluster, isPresetName } from './generate.ts';
import { timeChecks } from './probe.ts';

/**
 * A generated cluster turned into a snapshot without the network: each object goes through
 * the collector's own projection and redaction (`toSnapshotObject`), so the snapshot is the
 * one a scan would collect. For quick work on checks without the emulator:
 *
 *     node bench/offline.ts 150k [check-id …]
 *
 * times every check (or the ones named) alone on that snapshot, most expensive first. The
 * benchmark itself always collects over HTTPS.
 */
export function offlineSnapshot(cluster: GeneratedCluster): ClusterSnapshot {
  const snapshot = newSnapshot(
    { name: cluster.name, accountId: cluster.accountId, region: cluster.region },
    '2026-11-23T00:00:00.000Z',
    'bench-offline',
  );
  snapshot.eks = cluster.eks;
  const lists = snapshot.k8s as unknown as Record<string, unknown[]>;
  const cache = new ProjectionCache();
  for (const raw of cluster.objects()) {
    const kind = kindKeyOf(String(raw.kind));
    if (kind === undefined) continue;
    const object = toSnapshotObject(kind, raw, cache);
    if (object) lists[kind]?.push(object);
  }
  snapshot.gaps = [{ kind: 'kubelet:configz', reason: 'not_collected', message: 'not requested' }];
  return snapshot;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [size = '10k', ...only] = process.argv.slice(2);
  if (!isPresetName(size)) throw new Error(`unknown size ${size}`);
  const started = performance.now();
  const snapshot = offlineSnapshot(generateCluster(size, DEFAULT_SEED));
  process.stdout.write(`${size}: snapshot in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const timings = timeChecks(snapshot)
    .filter((t) => only.length === 0 || only.includes(t.id) || t.id.startsWith('shared:'))
    .sort((a, b) => b.ms - a.ms);
  for (const t of timings.slice(0, only.length > 0 ? timings.length : 15)) {
    process.stdout.write(
      `${t.ms.toFixed(1).padStart(10)} ms  ${String(t.outcomes).padStart(7)} outcomes  ${t.id}\n`,
    );
  }
}
