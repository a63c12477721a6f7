import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  COUNT,
  lazy,
  powertools,
  resolver,
  withLambdaContext,
} from '../../functions/handlers/lib/runtime.ts';

/** Everything Powertools writes to stdout while `act` runs, one JSON document per line. */
async function stdoutOf(act: () => void | Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Powertools behind the handler interfaces', () => {
  it('logs JSON with the keys appended for one cluster, and drops them on reset', async () => {
    const lines = await stdoutOf(() => {
      const { logger } = powertools('watchkeeper-test');
      withLambdaContext(logger, {
        functionName: 'watchkeeper-scan-cluster',
        awsRequestId: 'req-42',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:watchkeeper-scan-cluster',
        memoryLimitInMB: '1024',
      });
      logger.appendKeys({ scanId: 's-1', cluster: 'prod' });
      logger.info('cluster scan finished', { outcome: 'scanned' });
      logger.resetKeys();
      logger.info('after');
    });

    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'cluster scan finished',
      service: 'watchkeeper-test',
      scanId: 's-1',
      cluster: 'prod',
      outcome: 'scanned',
      function_request_id: 'req-42',
    });
    expect(lines[1]).toMatchObject({ level: 'INFO', message: 'after' });
    expect(lines[1]).not.toHaveProperty('cluster');
  });

  it('publishes metrics as EMF in the Watchkeeper namespace', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines = await stdoutOf(() => {
      const { metrics } = powertools('watchkeeper-test');
      metrics.addMetric('ClustersUnreachable', COUNT, 1);
      metrics.addMetric('ChecksFailed', COUNT, 7);
      metrics.publishStoredMetrics();
    });

    const emf = lines.find((line) => '_aws' in line);
    expect(emf).toMatchObject({ ClustersUnreachable: 1, ChecksFailed: 7, service: 'watchkeeper-test' });
    expect(JSON.stringify(emf)).toContain('"Namespace":"Watchkeeper"');
  });
});

describe('lazy dependencies', () => {
  it('builds once, on first use', () => {
    let builds = 0;
    const get = lazy(() => ({ n: ++builds }));
    expect(builds).toBe(0);
    expect(get()).toBe(get());
    expect(builds).toBe(1);
  });

  it('takes either the dependencies or a function that builds them', () => {
    const deps = { a: 1 };
    expect(resolver(deps)()).toBe(deps);
    let built = 0;
    const resolve = resolver(() => ({ b: ++built }));
    expect(resolve()).toBe(resolve());
    expect(built).toBe(1);
  });
});
