import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it, vi } from 'vitest';
import { FULL_CONFIG, synth } from './helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm): seconds alone, minutes when the
// whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledgement recorded in the app (the last record per construct and id wins, as in cdk-nag). */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found = new Map<string, Acknowledgement>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(`${construct.node.path} ${id}`, { path: construct.node.path, id, reason });
      }
    }
  }
  return [...found.values()];
}

/** `Annotation::AwsSolutions-IAM5[Resource::<ResultsBucket1234.Arn>/scans/*]` → `IAM5[Resource::<ResultsBucket.Arn>/scans/*]`. */
function ruleOf(id: string): string {
  return id
    .replace(/^Annotation::AwsSolutions-/, '')
    .replace(/<([A-Za-z]+?)[0-9A-F]{8}(\.\w+)?>/g, '<$1$2>')
    .replace(/\{"Fn::Select".*?"Ref":"([A-Za-z]+?)[0-9A-F]{8}"\}\]\}\]\}/g, '<$1.Name>');
}

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with zero unacknowledged findings, default config', () => {
    const { app } = synth({});
    expect(() => app.synth()).not.toThrow();
  });

  it('synthesizes with zero unacknowledged findings, every option on', () => {
    const { app } = synth(FULL_CONFIG);
    expect(() => app.synth()).not.toThrow();
  });

  it('is really running: an unacknowledged finding fails the synth', () => {
    const { app, stack } = synth({});
    new s3.Bucket(stack('Watchkeeper'), 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('acknowledges only these rules, each where it belongs', () => {
    const { app } = synth(FULL_CONFIG);
    const inventory = acknowledgements(app).map((ack) => `${ack.path} ${ruleOf(ack.id)}`);
    expect(inventory.sort()).toEqual(
      [
        'Watchkeeper/Results/AccessLogs S1',
        'Watchkeeper/Discover/Role IAM5[Resource::*]',
        'Watchkeeper/Discover/Role IAM5[Resource::<ResultsBucket.Arn>/scans/*]',
        'Watchkeeper/ScanCluster/Role IAM5[Resource::*]',
        'Watchkeeper/ScanCluster/Role IAM5[Resource::<ResultsBucket.Arn>/scans/*]',
        'Watchkeeper/ScanCluster/Role IAM5[Resource::<ResultsBucket.Arn>/clusters/*]',
        'Watchkeeper/Report/Role IAM5[Resource::*]',
        'Watchkeeper/Report/Role IAM5[Resource::<ResultsBucket.Arn>/scans/*]',
        'Watchkeeper/Report/Role IAM5[Resource::<ResultsBucket.Arn>/clusters/*]',
        'Watchkeeper/Api/Role IAM5[Resource::*]',
        'Watchkeeper/Api/Role IAM5[Resource::<ResultsBucket.Arn>/scans/*]',
        'Watchkeeper/Api/Role IAM5[Resource::<ResultsBucket.Arn>/clusters/*]',
        'Watchkeeper/Api/Role IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<FleetScanStateMachine.Name>:*]',
        'Watchkeeper/FleetScan/StateMachine/Role IAM5[Resource::<ResultsBucket.Arn>/scans/*]',
        'Watchkeeper/FleetScan/StateMachine/Role IAM5[Resource::<DiscoverFunction.Arn>:*]',
        'Watchkeeper/FleetScan/StateMachine/Role IAM5[Resource::<ScanClusterFunction.Arn>:*]',
        'Watchkeeper/FleetScan/StateMachine/Role IAM5[Resource::<ReportFunction.Arn>:*]',
        'Watchkeeper/FleetScan/StateMachine/Role IAM5[Resource::*]',
        'Watchkeeper/FleetScan/StateMachine/DistributedMapPolicy IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<FleetScanStateMachine.Name>:*]',
        'Watchkeeper/FleetScan/StateMachine/DistributedMapPolicy IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<FleetScanStateMachine.Name>/ScanClusters:*]',
        'Watchkeeper/ScanApi/Api APIG3',
        'Watchkeeper/ScanApi/Api COG4',
        'Watchkeeper/ScanApi/AccountCloudWatchRole IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
        'WatchkeeperMemberReadRole/ReadRole IAM5[Resource::*]',
      ].sort(),
    );
  });

  it('acknowledges one finding at a time, never a whole rule for IAM5 or on a stack', () => {
    const { app } = synth(FULL_CONFIG);
    for (const ack of acknowledgements(app)) {
      expect(ack.path.split('/').length, ack.path).toBeGreaterThan(1);
      if (ack.id.includes('IAM5')) expect(ack.id).toMatch(/IAM5\[(Resource|Action)::.+\]$/);
    }
  });

  it('gives every acknowledgement a specific reason', () => {
    const { app } = synth(FULL_CONFIG);
    const acks = acknowledgements(app);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(60);
      expect(ack.reason, `${ack.path} ${ack.id}`).not.toMatch(/^(ok|n\/a|not needed|suppress|todo)/i);
    }
    // A reason is written for its finding, not pasted across rules: the same text may only
    // repeat for the same kind of finding (e.g. X-Ray `Resource::*` on every function role).
    const rulesByReason = new Map<string, Set<string>>();
    for (const ack of acks) {
      const family = ruleOf(ack.id).replace(/\[.*$/, '');
      const set = rulesByReason.get(ack.reason) ?? new Set();
      set.add(family);
      rulesByReason.set(ack.reason, set);
    }
    for (const [reason, families] of rulesByReason) expect(families.size, reason).toBe(1);
  });
});
