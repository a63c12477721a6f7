import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ASSUMPTIONS,
  estimateFleet,
  INFRA_DEFAULTS,
  MEASURED_1K,
  maxPerClusterSeconds,
  perClusterSeconds,
} from '../../bench/fleet-model.ts';
import { EXECUTION_TIMEOUT } from '../../infra/constructs/fleet-scan-workflow.ts';
import { stateMachineDefinition, synth } from '../infra/helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules: seconds alone, minutes on a busy machine.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const FLEET = 5_000;

interface MapState {
  Type: string;
  MaxConcurrency?: number;
  ItemProcessor: {
    ProcessorConfig: { Mode: string; ExecutionType: string };
    States: Record<string, { Type: string }>;
  };
}

let template: Template;
let map: MapState;

beforeAll(() => {
  // The default deployment config, bundling skipped (test/infra/helpers.ts).
  template = synth({}).template('Watchkeeper');
  const definition = stateMachineDefinition(template) as { States: Record<string, MapState> };
  map = definition.States.ScanClusters as MapState;
});

describe('fleet model assumptions, against the synthesized state machine', () => {
  it('fans out with a Distributed Map of STANDARD child executions at the modelled concurrency', () => {
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemProcessor.ProcessorConfig.ExecutionType).toBe(INFRA_DEFAULTS.childExecutionType);
    expect(map.MaxConcurrency).toBe(INFRA_DEFAULTS.maxConcurrency);
  });

  it('runs one task per child execution, so a few transitions per cluster are enough', () => {
    const states = Object.values(map.ItemProcessor.States);
    expect(states.map((state) => state.Type)).toEqual(['Task']);
    // start → task → end, with room for a retry.
    expect(ASSUMPTIONS.transitionsPerCluster).toBeGreaterThanOrEqual(states.length + 2);
  });

  it('prices the scan function as built: arm64 with the modelled memory and timeout', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'Watchkeeper: collect, evaluate and store one cluster' },
      }),
    ) as { Properties: { MemorySize: number; Timeout: number; Architectures: string[] } }[];
    expect(functions).toHaveLength(1);
    const scan = functions[0]?.Properties;
    expect(scan?.MemorySize).toBe(INFRA_DEFAULTS.memoryMb);
    expect(scan?.Timeout).toBe(INFRA_DEFAULTS.timeoutSeconds);
    expect(scan?.Architectures).toEqual(['arm64']);
  });

  it('bounds a run by the same execution timeout as the state machine', () => {
    expect(EXECUTION_TIMEOUT.toHours()).toBe(INFRA_DEFAULTS.executionTimeoutHours);
  });
});

describe('fleet model arithmetic', () => {
  it('scans 5,000 typical clusters (1,000 pods each) in under 8 hours at the default concurrency', () => {
    const seconds = perClusterSeconds(MEASURED_1K);
    const night = estimateFleet({
      clusters: FLEET,
      maxConcurrency: INFRA_DEFAULTS.maxConcurrency,
      memoryMb: INFRA_DEFAULTS.memoryMb,
      perClusterSeconds: seconds,
    });
    expect(night.waves).toBe(250);
    expect(night.hours).toBeLessThan(8);
    // The per-cluster budget that still fits is far above the modelled duration.
    expect(maxPerClusterSeconds(FLEET, INFRA_DEFAULTS.maxConcurrency, 8)).toBeGreaterThan(seconds * 5);
  });

  it('adds up: GB-seconds, transitions and dollars follow from the inputs', () => {
    const night = estimateFleet({
      clusters: 1_000,
      maxConcurrency: 10,
      memoryMb: 2048,
      perClusterSeconds: 10,
    });
    expect(night.waves).toBe(100);
    expect(night.gbSeconds).toBe(20_000);
    expect(night.hours).toBeCloseTo(
      (ASSUMPTIONS.discoverSeconds + 1000 + ASSUMPTIONS.reportSeconds) / 3600,
      6,
    );
    expect(night.stepFunctionsUsd).toBeCloseTo((1000 * ASSUMPTIONS.transitionsPerCluster + 4) * 0.000025, 9);
    expect(night.totalUsd).toBeCloseTo(night.lambdaUsd + night.stepFunctionsUsd + night.s3Usd, 9);
  });

  it('says plainly that clusters hanging until the Lambda timeout would not fit in one night', () => {
    const worst = estimateFleet({
      clusters: FLEET,
      maxConcurrency: INFRA_DEFAULTS.maxConcurrency,
      memoryMb: INFRA_DEFAULTS.memoryMb,
      perClusterSeconds: INFRA_DEFAULTS.timeoutSeconds,
    });
    expect(worst.hours).toBeGreaterThan(INFRA_DEFAULTS.executionTimeoutHours);
  });
});
