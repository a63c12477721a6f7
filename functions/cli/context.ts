import {
  ClientNodeKubeReader,
  KubeClusterConfigError,
  KubeContextNotFoundError,
} from '../collect/client-node-reader.ts';
import { collectSnapshot } from '../collect/collector.ts';
import type { ReadKind } from '../core/kinds.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import { UsageError } from './args.ts';
import { collectProgress } from './collect-progress.ts';
import type { Progress } from './progress.ts';

/** `aws eks update-kubeconfig` names contexts after the cluster ARN. */
const EKS_ARN = /^arn:(aws[\w-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9][A-Za-z0-9_-]*)$/;

/**
 * `--context NAME`: reads the cluster through a kubeconfig context with whatever
 * credentials the context uses. EKS API facts are not read on this path, so checks that need
 * them are reported as not evaluated, with the reason.
 */
export async function snapshotFromContext(input: {
  context: string;
  kinds: readonly ReadKind[];
  progress: Progress;
  clusterName?: string | undefined;
  kubeletConfig?: boolean;
}): Promise<ClusterSnapshot> {
  let reader: ClientNodeKubeReader;
  try {
    reader = ClientNodeKubeReader.fromKubeconfig({ context: input.context });
  } catch (error) {
    if (error instanceof KubeContextNotFoundError || error instanceof KubeClusterConfigError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const arn = EKS_ARN.exec(input.context);
  const name = input.clusterName ?? arn?.[4] ?? input.context;
  const cluster = arn
    ? { name, arn: input.context, region: arn[2] ?? '', accountId: arn[3] ?? '' }
    : { name };
  try {
    input.progress.step(`Reading ${reader.server} (kubeconfig context ${input.context})`);
    return await collectSnapshot({
      reader,
      cluster,
      kinds: input.kinds,
      eks: {
        facts: {},
        gaps: input.kinds
          .filter((kind) => kind.startsWith('eks:'))
          .map((kind) => ({
            kind: kind as Extract<ReadKind, `eks:${string}`>,
            reason: 'not_collected' as const,
            message:
              'a --context scan reads only the Kubernetes API; for the EKS settings scan with --manifests and the eks-*.json files, or run Watchkeeper in AWS',
          })),
      },
      now: () => new Date(),
      kubeletConfig: input.kubeletConfig === true,
      onProgress: collectProgress(input.progress),
    });
  } finally {
    await reader.close();
  }
}
