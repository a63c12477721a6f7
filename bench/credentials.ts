import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * The benchmark's scanner identity. The emulator plays STS for exactly this key, so every
 * request carries a real EKS token that the emulator verifies (SigV4), as in the demo; the key
 * opens nothing anywhere else.
 */
export const BENCH_KEY: AwsCredentialIdentity = {
  accessKeyId: 'AKIDWATCHKEEPERBENCH',
  secretAccessKey: 'watchkeeper-bench-secret-key-not-a-real-aws-key',
};

export const BENCH_CREDENTIALS = {
  [BENCH_KEY.accessKeyId]: {
    secretAccessKey: BENCH_KEY.secretAccessKey,
    arn: 'arn:aws:sts::111122223333:assumed-role/WatchkeeperScanRole/bench',
  },
};
