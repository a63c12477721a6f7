import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS } from '../../functions/checks/index.ts';
import { DEMO_DIR } from '../../functions/cli/demo.ts';
import { snapshotFromManifests } from '../../functions/collect/offline.ts';
import { policyFromConfig } from '../../functions/config/config.ts';
import { diffResults, type ScanDiff } from '../../functions/core/diff.ts';
import { evaluate } from '../../functions/core/engine.ts';
import type { ClusterSnapshot, ScanResult } from '../../functions/core/model.ts';

/**
 * Two real scans of the demo cluster (examples/demo-cluster, read offline through
 * `snapshotFromManifests`), a night apart, with every kind of change between them:
 *
 * - new failures: a hostile privileged Pod appears (its names try to inject markup);
 * - resolved: the privileged `old-batch` Deployment of the previous night is gone;
 * - no longer evaluated: tonight the scanner may not list network policies (403);
 * - waiver expired: the `legacy-reporting` waiver ran out yesterday;
 * - newly waived: a waiver for `hello-world` was added today.
 */

export const HOSTILE_POD = '<img src=x onerror=alert(1)>';
export const HOSTILE_NAMESPACE = '"><svg onload=alert(2)>';
export const HOSTILE_CONTAINER = '<script>alert(3)</script>';

const HOSTILE_MANIFEST = [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  `  name: '${HOSTILE_NAMESPACE}'`,
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  `  name: '${HOSTILE_POD}'`,
  `  namespace: '${HOSTILE_NAMESPACE}'`,
  '  labels: { app: "\\"><svg onload=alert(4)>" }',
  '  annotations: { note: "]]><x>&amp;" }',
  'spec:',
  '  containers:',
  `    - name: "${HOSTILE_CONTAINER}"`,
  '      image: busybox',
  '      securityContext: { privileged: true }',
].join('\n');

const OLD_BATCH = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: { name: old-batch, namespace: data-pipeline }',
  'spec:',
  '  selector: { matchLabels: { app: old-batch } }',
  '  template:',
  '    metadata: { labels: { app: old-batch } }',
  '    spec:',
  '      containers:',
  '        - name: batch',
  '          image: registry.example.com/batch:1.0',
  '          securityContext: { privileged: true }',
].join('\n');

const ids = CHECKS.map((check) => check.id);

function waiver(name: string, expires: string, id: string) {
  return {
    id,
    checkId: 'pod-containers-run-as-non-root',
    scope: { name },
    reason: `${name} needs it for now`,
    owner: 'platform-team',
    expires,
  };
}

async function snapshotOf(dir: string, collectedAt: string): Promise<ClusterSnapshot> {
  const { snapshot } = await snapshotFromManifests(dir, { now: () => new Date(collectedAt) });
  return snapshot;
}

export interface DemoScans {
  previous: ScanResult;
  current: ScanResult;
  diff: ScanDiff;
}

export async function demoScans(): Promise<DemoScans> {
  const root = await mkdtemp(join(tmpdir(), 'wk-demo-report-'));
  const before = join(root, 'previous');
  const now = join(root, 'current');
  await cp(DEMO_DIR, before, { recursive: true });
  await cp(DEMO_DIR, now, { recursive: true });
  await writeFile(join(before, '90-old-batch.yaml'), OLD_BATCH);
  await writeFile(join(now, '90-hostile.yaml'), HOSTILE_MANIFEST);

  const previousSnapshot = await snapshotOf(before, '2026-11-22T02:00:00.000Z');
  const currentSnapshot = await snapshotOf(now, '2026-11-23T02:00:00.000Z');
  // The snapshots hold everything read: the copies of the demo have served their purpose.
  await rm(root, { recursive: true, force: true });
  currentSnapshot.k8s.networkpolicies = [];
  currentSnapshot.gaps.push({
    kind: 'networkpolicies',
    reason: 'forbidden',
    message:
      'networkpolicies.networking.k8s.io is forbidden: User "watchkeeper" cannot list resource "networkpolicies"',
  });

  const previous = evaluate({
    snapshot: previousSnapshot,
    checks: CHECKS,
    policy: policyFromConfig({ waivers: [waiver('legacy-reporting', '2026-11-22', 'w-legacy')] }, ids),
    scanId: '20261122T020000Z-0a1b2c',
    startedAt: '2026-11-22T02:00:00.000Z',
    now: () => '2026-11-22T02:00:04.000Z',
  });
  const current = evaluate({
    snapshot: currentSnapshot,
    checks: CHECKS,
    policy: policyFromConfig(
      {
        waivers: [
          waiver('legacy-reporting', '2026-11-22', 'w-legacy'),
          waiver('hello-world', '2027-01-31', 'w-hello'),
        ],
      },
      ids,
    ),
    scanId: '20261123T020000Z-3d4e5f',
    startedAt: '2026-11-23T02:00:00.000Z',
    now: () => '2026-11-23T02:00:05.000Z',
  });
  return { previous, current, diff: diffResults(previous, current) };
}
