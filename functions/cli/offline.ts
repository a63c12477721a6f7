import { OfflineInputError, snapshotFromManifests } from '../collect/offline.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import { UsageError } from './args.ts';
import type { Progress } from './progress.ts';

/** `--manifests DIR`: no network; the folder is the whole cluster. */
export async function snapshotFromManifestsDir(input: {
  dir: string;
  progress: Progress;
  clusterName?: string | undefined;
}): Promise<ClusterSnapshot> {
  input.progress.step(`Reading manifests from ${input.dir}`);
  let loaded: Awaited<ReturnType<typeof snapshotFromManifests>>;
  try {
    loaded = await snapshotFromManifests(input.dir, {
      now: () => new Date(),
      ...(input.clusterName ? { clusterName: input.clusterName } : {}),
    });
  } catch (error) {
    if (error instanceof OfflineInputError) throw new UsageError(error.message);
    throw error;
  }
  for (const problem of loaded.problems) {
    input.progress.warn(`${problem.file} document ${problem.document} was skipped: ${problem.message}`);
  }
  for (const { kind, count } of loaded.skipped) {
    input.progress.info(
      `${count} ${kind} object${count === 1 ? '' : 's'} left out (Watchkeeper does not read ${kind})`,
    );
  }
  const objects = Object.values(loaded.snapshot.k8s).reduce((sum, list) => sum + list.length, 0);
  input.progress.info(`${objects.toLocaleString('en-US')} objects from the manifests`);
  for (const gap of loaded.snapshot.gaps) input.progress.info(`no ${gap.kind}: ${gap.message}`);
  return loaded.snapshot;
}
