import 'aws-sdk-client-mock-vitest/extend';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKS } from '../../functions/checks/index.ts';
import { policyFromConfig } from '../../functions/config/config.ts';
import { type FleetClusterEntry, summaryOf } from '../../functions/core/fleet.ts';
import { newSnapshot } from '../../functions/core/snapshot.ts';
import {
  type ApiDeps,
  type ApiEvent,
  buildDeps,
  createHandler,
  executionArnOf,
  REPORT_CSP,
} from '../../functions/handlers/api.ts';
import {
  EXECUTION_ARTIFACT,
  type FleetCluster,
  putClusterList,
  putEntry,
  putExecution,
} from '../../functions/scan/fleet-artifacts.ts';
import { evaluateSnapshot } from '../../functions/scan/pipeline.ts';
import { FileResultsStore } from '../../functions/store/file-results-store.ts';
import { recordingLogger, recordingMetrics } from './fakes.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:watchkeeper-fleet-scan';
const SCAN_ID = '20261123T020000Z-abc123';
const NEW_SCAN_ID = '20261124T101500Z-0f0f0f';
const NOW = new Date('2026-11-24T10:15:00.000Z');

const sfnClient = new SFNClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const sfn = mockClient(sfnClient);
let root: string;
let store: FileResultsStore;
let logger: ReturnType<typeof recordingLogger>;
let metrics: ReturnType<typeof recordingMetrics>;

function deps(): ApiDeps {
  return {
    config: { results: { bucket: 'results-bucket' }, stateMachineArn: STATE_MACHINE },
    store,
    sfn: sfnClient,
    now: () => NOW,
    newScanId: () => NEW_SCAN_ID,
    logger,
    metrics,
  };
}

function request(httpMethod: string, urlPath: string, extra: Partial<ApiEvent> = {}): ApiEvent {
  return { httpMethod, path: urlPath, ...extra };
}

async function call(event: ApiEvent) {
  const response = await createHandler(deps())(event, { awsRequestId: 'req-1' });
  return { ...response, json: () => JSON.parse(response.body) as Record<string, unknown> };
}

function ref(name: string, accountId = '111111111111'): FleetCluster {
  return { accountId, region: 'eu-west-1', name, arn: `arn:aws:eks:eu-west-1:${accountId}:cluster/${name}` };
}

async function storeScanned(
  cluster: FleetCluster,
  scanId = SCAN_ID,
  withEntry = true,
): Promise<FleetClusterEntry> {
  const result = evaluateSnapshot({
    snapshot: newSnapshot(cluster, '2026-11-23T02:01:00.000Z', 'kubernetes-api'),
    policy: policyFromConfig(
      {},
      CHECKS.map((check) => check.id),
    ),
    scanId,
    startedAt: new Date('2026-11-23T02:00:00.000Z'),
    now: () => new Date('2026-11-23T02:02:00.000Z'),
  });
  const stored = await store.putResult(result);
  const entry: FleetClusterEntry = {
    cluster,
    clusterKey: stored.clusterKey,
    outcome: 'scanned',
    resultKey: stored.key,
    summary: summaryOf(result),
  };
  if (withEntry) await putEntry(store, scanId, entry);
  return entry;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wk-api-'));
  store = new FileResultsStore({ root });
  logger = recordingLogger();
  metrics = recordingMetrics();
  sfn.reset();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('POST /scans', () => {
  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['{}', '{}'],
    ['{} with spaces', ' { } '],
  ])('starts an execution named after a new scan id, with %s', async (_what, body) => {
    sfn.on(StartExecutionCommand).resolves({
      executionArn: executionArnOf(STATE_MACHINE, NEW_SCAN_ID),
      startDate: NOW,
    });

    const response = await call(request('POST', '/scans', body === undefined ? {} : { body }));

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      scanId: NEW_SCAN_ID,
      executionArn: `arn:aws:states:eu-west-1:111111111111:execution:watchkeeper-fleet-scan:${NEW_SCAN_ID}`,
    });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      location: `/scans/${NEW_SCAN_ID}`,
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE,
      name: NEW_SCAN_ID,
      input: JSON.stringify({ scanId: NEW_SCAN_ID }),
    });
    expect(metrics.total('ScansStarted')).toBe(1);
  });

  it('accepts a base64-encoded {}', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: NOW });
    const response = await call(
      request('POST', '/scans', { body: Buffer.from('{}').toString('base64'), isBase64Encoded: true }),
    );
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['parameters', '{"clusters":["prod"]}', /takes no parameters/],
    ['an array', '[]', /takes no parameters/],
    ['a string', '"scan"', /takes no parameters/],
    ['text that is not JSON', 'scan please', /not JSON/],
  ])('answers 400 for a body with %s, starting nothing', async (_what, body, message) => {
    const response = await call(request('POST', '/scans', { body }));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('answers 429 when Step Functions runs too many executions, 409 for a name clash', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new ExecutionLimitExceeded({ message: 'limit', $metadata: {} }))
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const limited = await call(request('POST', '/scans'));
    const clash = await call(request('POST', '/scans'));

    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('60');
    expect(clash.statusCode).toBe(409);
  });

  it('answers 500 without internals when Step Functions fails otherwise, and logs it', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(
        Object.assign(new Error('AccessDenied on states:StartExecution'), { name: 'AccessDeniedException' }),
      );

    const response = await call(request('POST', '/scans'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('AccessDenied');
    expect(logger.lines.at(-1)).toMatchObject({
      level: 'error',
      attributes: { error: expect.stringContaining('AccessDenied'), requestId: 'req-1' },
    });
  });
});

describe('GET /scans/{scanId}', () => {
  it('answers the execution status and the manifest summary', async () => {
    const entry = await storeScanned(ref('alpha'));
    await store.putManifest({
      schemaVersion: 1,
      scanId: SCAN_ID,
      startedAt: '2026-11-23T02:00:00.000Z',
      finishedAt: '2026-11-23T02:09:00.000Z',
      clusters: [
        entry,
        {
          cluster: ref('beta'),
          clusterKey: '111111111111/eu-west-1/beta',
          outcome: 'unreachable',
          reason: 'x',
        },
      ],
      skipped: [{ accountId: '222222222222', reason: 'y' }],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: executionArnOf(STATE_MACHINE, SCAN_ID),
      status: 'SUCCEEDED',
      startDate: new Date('2026-11-23T02:00:00.000Z'),
      stopDate: new Date('2026-11-23T02:09:30.000Z'),
      input: '{"scanId":"secret-input-is-not-echoed"}',
    });

    const response = await call(request('GET', `/scans/${SCAN_ID}`));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      scanId: SCAN_ID,
      status: 'SUCCEEDED',
      execution: {
        executionArn: executionArnOf(STATE_MACHINE, SCAN_ID),
        status: 'SUCCEEDED',
        startDate: '2026-11-23T02:00:00.000Z',
        stopDate: '2026-11-23T02:09:30.000Z',
      },
      summary: {
        startedAt: '2026-11-23T02:00:00.000Z',
        finishedAt: '2026-11-23T02:09:00.000Z',
        clusters: 2,
        outcomes: { scanned: 1, unreachable: 1, forbidden: 0, error: 0 },
        skipped: 1,
        meanCompliance: entry.summary?.overall.compliance ?? null,
      },
      discovered: 2,
      report: `/scans/${SCAN_ID}/report`,
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `arn:aws:states:eu-west-1:111111111111:execution:watchkeeper-fleet-scan:${SCAN_ID}`,
    });
    expect(response.body).not.toContain('secret-input');
  });

  it('answers a running execution that has no manifest yet', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: NOW });

    const response = await call(request('GET', `/scans/${SCAN_ID}`));

    expect(response.json()).toMatchObject({
      status: 'RUNNING',
      summary: null,
      report: null,
      discovered: null,
    });
  });

  it('finds a scheduled scan (an execution with another name) from the store', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    await putClusterList(store, SCAN_ID, [ref('alpha'), ref('beta')]);

    const response = await call(request('GET', `/scans/${SCAN_ID}`));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'UNKNOWN',
      execution: null,
      discovered: 2,
      summary: null,
    });
  });

  it('follows a scheduled scan to the execution discover recorded for it', async () => {
    // Prepare: the schedule named the execution itself; discover recorded it with the scan.
    const scheduled = `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:6f1d0c2e-nightly`;
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }))
      .on(DescribeExecutionCommand, { executionArn: scheduled })
      .resolves({ executionArn: scheduled, status: 'RUNNING', startDate: NOW });
    await putExecution(store, SCAN_ID, scheduled);
    await putClusterList(store, SCAN_ID, [ref('alpha'), ref('beta')]);

    // Act
    const response = await call(request('GET', `/scans/${SCAN_ID}`));

    // Assess
    expect(response.json()).toMatchObject({
      status: 'RUNNING',
      execution: { executionArn: scheduled, status: 'RUNNING' },
      discovered: 2,
      summary: null,
    });
  });

  it('does not follow a recorded execution of another state machine, or an unreadable record', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    const foreign = 'arn:aws:states:eu-west-1:999999999999:execution:someone-else:run-1';
    await putExecution(store, SCAN_ID, foreign);
    await putClusterList(store, SCAN_ID, [ref('alpha')]);
    await store.putScanArtifact(NEW_SCAN_ID, EXECUTION_ARTIFACT, '{"executionArn": 42}', 'application/json');
    await putClusterList(store, NEW_SCAN_ID, [ref('alpha')]);

    // Act
    const first = await call(request('GET', `/scans/${SCAN_ID}`));
    const second = await call(request('GET', `/scans/${NEW_SCAN_ID}`));

    // Assess
    expect(first.json()).toMatchObject({ status: 'UNKNOWN', execution: null, discovered: 1 });
    expect(second.json()).toMatchObject({ status: 'UNKNOWN', execution: null, discovered: 1 });
    expect(sfn).not.toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: foreign });
    expect(logger.text()).toContain('not of this state machine');
    expect(logger.text()).toContain('unreadable');
  });

  it('answers 404 for a scan nobody knows', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));

    const response = await call(request('GET', `/scans/${SCAN_ID}`));

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ message: `no scan ${SCAN_ID}` });
  });

  it('does not ask Step Functions about an id too long to be an execution name', async () => {
    const response = await call(request('GET', `/scans/${'a'.repeat(100)}`));

    expect(response.statusCode).toBe(404);
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it.each(['..', '.hidden', 'a%2Fb', 'a b', `${'x'.repeat(129)}`])(
    'answers 400 for the malformed scan id %j',
    async (id) => {
      const response = await call(request('GET', `/scans/${id}`));

      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/^malformed scan id/);
      expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
    },
  );
});

describe('GET /scans/{scanId}/report', () => {
  it('answers the fleet report as HTML with a strict content security policy', async () => {
    await store.putScanArtifact(
      SCAN_ID,
      'report.html',
      '<!doctype html><p>fleet</p>',
      'text/html; charset=utf-8',
    );

    const response = await call(request('GET', `/scans/${SCAN_ID}/report`));

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<!doctype html><p>fleet</p>');
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': REPORT_CSP,
      'x-content-type-options': 'nosniff',
    });
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(REPORT_CSP).toContain("frame-ancestors 'none'");
  });

  it('answers 404 when the scan has no report, 400 for a malformed id', async () => {
    expect((await call(request('GET', `/scans/${SCAN_ID}/report`))).statusCode).toBe(404);
    expect((await call(request('GET', '/scans/../report'))).statusCode).toBe(400);
  });
});

describe('GET /clusters', () => {
  it('answers the latest posture of every cluster, from its entry or else its result', async () => {
    const alpha = await storeScanned(ref('alpha'));
    await storeScanned(ref('beta', '222222222222'), SCAN_ID, false);

    const response = await call(request('GET', '/clusters'));

    expect(response.statusCode).toBe(200);
    const body = response.json() as { clusters: Record<string, unknown>[]; next?: string };
    expect(body.next).toBeUndefined();
    expect(body.clusters).toEqual([
      {
        clusterKey: '111111111111/eu-west-1/alpha',
        cluster: alpha.cluster,
        scanId: SCAN_ID,
        finishedAt: '2026-11-23T02:02:00.000Z',
        resultKey: alpha.resultKey,
        outcome: 'scanned',
        reason: null,
        summary: JSON.parse(JSON.stringify(alpha.summary)),
      },
      expect.objectContaining({
        clusterKey: '222222222222/eu-west-1/beta',
        outcome: 'scanned',
        summary: expect.objectContaining({ failingBySeverity: expect.any(Object) }),
      }),
    ]);
  });

  it('pages with limit and an opaque next cursor', async () => {
    for (const name of ['a', 'b', 'c']) await storeScanned(ref(name));

    const first = await call(request('GET', '/clusters', { queryStringParameters: { limit: '2' } }));
    const next = first.json().next as string;
    const second = await call(request('GET', '/clusters', { queryStringParameters: { limit: '2', next } }));

    expect((first.json().clusters as { cluster: { name: string } }[]).map((c) => c.cluster.name)).toEqual([
      'a',
      'b',
    ]);
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.json()).toEqual({
      clusters: [expect.objectContaining({ clusterKey: '111111111111/eu-west-1/c' })],
    });
  });

  it.each([
    [{ limit: '0' }, /limit must be a whole number from 1 to 200/],
    [{ limit: '201' }, /limit/],
    [{ limit: 'ten' }, /limit/],
    [{ next: 'not a cursor!' }, /next is not a cursor/],
    [{ next: Buffer.from('../../etc').toString('base64url') }, /next is not a cursor/],
    [{ page: '2' }, /unknown query parameter page/],
  ])('answers 400 for the query %j', async (query, message) => {
    const response = await call(request('GET', '/clusters', { queryStringParameters: query }));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it('lists a cluster whose pointer is unreadable with the problem', async () => {
    await storeScanned(ref('alpha'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(store.pathOf('clusters/111111111111/eu-west-1/alpha/latest.json'), '{broken');

    const response = await call(request('GET', '/clusters'));

    expect(response.json().clusters).toEqual([
      {
        clusterKey: '111111111111/eu-west-1/alpha',
        cluster: { accountId: '111111111111', region: 'eu-west-1', name: 'alpha' },
        problem: expect.stringContaining('not valid JSON'),
      },
    ]);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/nope'],
    ['GET', '/scans/x/findings'],
    ['GET', '/scans/x/report/extra'],
    ['GET', '/clusters/prod'],
  ])('answers 404 for %s %s', async (method, urlPath) => {
    const response = await call(request(method, urlPath));

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toMatch(/^no such route/);
  });

  it.each([
    ['GET', '/scans', 'POST'],
    ['DELETE', `/scans/${SCAN_ID}`, 'GET'],
    ['PUT', `/scans/${SCAN_ID}/report`, 'GET'],
    ['POST', '/clusters', 'GET'],
  ])('answers 405 for %s %s, allowing %s', async (method, urlPath, allowed) => {
    const response = await call(request(method, urlPath));

    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe(allowed);
    expect(response.json().message).toContain(`use ${allowed}`);
  });

  it('routes on API Gateway’s resource and path parameters when it sends them', async () => {
    await store.putScanArtifact(SCAN_ID, 'report.html', 'html', 'text/html; charset=utf-8');

    const response = await call(
      request('GET', `/v1/scans/${SCAN_ID}/report`, {
        resource: '/scans/{scanId}/report',
        pathParameters: { scanId: SCAN_ID },
      }),
    );

    expect(response.statusCode).toBe(200);
  });

  it('answers 400 for a path that is not valid percent-encoding', async () => {
    expect((await call(request('GET', '/scans/%E0%A4%A'))).statusCode).toBe(400);
  });

  it('answers 500, and logs why, when its environment is not valid', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handler = createHandler(buildDeps({ RESULTS_BUCKET: 'results-bucket' }));

      const response = await handler(request('GET', '/clusters'));

      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body).message).toMatch(/not configured/);
      expect(String(errors.mock.calls[0]?.[0])).toContain('STATE_MACHINE_ARN is not set');
    } finally {
      errors.mockRestore();
    }
  });
});
