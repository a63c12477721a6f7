import { fileURLToPath } from 'node:url';
import { ClientNodeKubeReader } from '../collect/client-node-reader.ts';
import { collectSnapshot } from '../collect/collector.ts';
import { mintEksToken } from '../collect/eks-token.ts';
import { clusterRefFromArn, isAwsApiFile, readEksFiles } from '../collect/offline.ts';
import type { ReadKind } from '../core/kinds.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import { startEmulator } from '../emulator/index.ts';
import { collectProgress } from './collect-progress.ts';
import type { Progress } from './progress.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../examples/demo-cluster/', import.meta.url));

/**
 * The identity the demo scans with. The emulator plays STS for exactly this key, so the
 * token is a real EKS token, signed and verified; the key opens nothing outside the demo.
 */
const DEMO_CREDENTIALS = {
  accessKeyId: 'AKIDWATCHKEEPERDEMO1',
  secretAccessKey: 'watchkeeper-demo-secret-key-not-a-real-aws-key',
};
const DEMO_IDENTITY = 'arn:aws:sts::111122223333:assumed-role/WatchkeeperScanRole/demo';

/**
 * `--demo`: serves the bundled demo cluster with the Kubernetes API emulator over HTTPS,
 * then reads it exactly as a real cluster is read — through client-node, with a minted EKS
 * token, trusting only the emulator's CA. The EKS API facts come from the demo's JSON files
 * (what DescribeCluster and friends return), since there is no AWS account behind the demo.
 */
export async function snapshotFromDemo(input: {
  kinds: readonly ReadKind[];
  progress: Progress;
  clusterName?: string | undefined;
  dir?: string;
  /** Read kubelet configs too: the demo grants `get nodes/proxy` only when asked. */
  kubeletConfig?: boolean;
}): Promise<ClusterSnapshot> {
  const dir = input.dir ?? DEMO_DIR;
  const eks = await readEksFiles(dir);
  const name = input.clusterName ?? eks.facts.cluster?.name ?? 'demo';
  const cluster = clusterRefFromArn(name, eks.facts.cluster?.arn);
  const region = cluster.region ?? 'us-east-1';

  input.progress.step(`Starting the Kubernetes API emulator with the demo cluster ${name}`);
  const emulator = await startEmulator({
    clusterName: name,
    region,
    credentials: {
      [DEMO_CREDENTIALS.accessKeyId]: {
        secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
        arn: DEMO_IDENTITY,
      },
    },
    manifestsDir: dir,
    skipManifest: isAwsApiFile,
    ...(input.kubeletConfig ? { allowedSubresources: ['nodes/proxy'] } : {}),
  });
  const reader = ClientNodeKubeReader.fromEndpoint({
    server: emulator.url,
    caData: emulator.caData,
    token: async () =>
      (await mintEksToken({ clusterName: name, region, credentials: DEMO_CREDENTIALS })).token,
  });
  try {
    input.progress.step(`Reading ${emulator.url} over HTTPS with an EKS token (client-node, paging by 500)`);
    return await collectSnapshot({
      reader,
      cluster,
      kinds: input.kinds,
      eks,
      now: () => new Date(),
      kubeletConfig: input.kubeletConfig === true,
      onProgress: collectProgress(input.progress),
    });
  } finally {
    await reader.close();
    await emulator.stop();
  }
}
