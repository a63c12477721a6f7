import { request } from 'node:https';
import { mintEksToken } from '../../functions/collect/eks-token.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../functions/emulator/index.ts';

/** A fake STS user base with one identity; the secret is as fake as the account. */
export const TEST_ACCESS_KEY_ID = 'AKIAEMULATORTEST0001';
export const TEST_SECRET = 'emulator-test-secret-key-not-real';
export const TEST_ARN = 'arn:aws:iam::111122223333:role/watchkeeper-scanner';
export const TEST_CLUSTER = 'demo-cluster';
export const TEST_REGION = 'eu-west-1';

export const TEST_CREDENTIALS: EmulatorOptions['credentials'] = {
  [TEST_ACCESS_KEY_ID]: { secretAccessKey: TEST_SECRET, arn: TEST_ARN },
};

export async function testToken(
  overrides: { clusterName?: string; signingDate?: Date } = {},
): Promise<string> {
  const { token } = await mintEksToken({
    clusterName: overrides.clusterName ?? TEST_CLUSTER,
    region: TEST_REGION,
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    ...(overrides.signingDate === undefined ? {} : { signingDate: overrides.signingDate }),
  });
  return token;
}

/** An emulator for TEST_CLUSTER in TEST_REGION that knows the test identity. */
export function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({
    clusterName: TEST_CLUSTER,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    ...options,
  });
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/** A plain GET over HTTPS that trusts only the emulator's CA (TLS verification stays on). */
export function httpsGet(
  emulator: Pick<RunningEmulator, 'url' | 'caPem'>,
  path: string,
  token?: string,
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, emulator.url),
      {
        method: 'GET',
        ca: emulator.caPem,
        agent: false,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as unknown,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `count` pods spread over `namespaces`, named so that sorting is easy to predict. */
export function makePods(count: number, namespaces: readonly string[]): object[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${String(i).padStart(5, '0')}`,
      namespace: namespaces[i % namespaces.length],
      labels: { app: i % 3 === 0 ? 'web' : 'worker', tier: i % 2 === 0 ? 'front' : 'back' },
    },
    spec: { containers: [{ name: 'main', image: 'public.ecr.aws/nginx/nginx:1.27' }] },
  }));
}
