import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, policyFromConfig } from '../../functions/config/config.ts';
import { loadPolicy } from '../../functions/config/config-file.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { DEFAULT_SYSTEM_COMPONENTS } from '../../functions/core/system-components.ts';

const KNOWN = ['pod-containers-not-privileged', 'eks-control-plane-logging-enabled'];

describe('config', () => {
  it('gives the defaults for an empty config', () => {
    expect(policyFromConfig({}, KNOWN)).toEqual({
      params: DEFAULT_PARAMS,
      waivers: [],
      severityOverrides: {},
      systemComponents: DEFAULT_SYSTEM_COMPONENTS,
    });
  });

  it('replaces the system components, and [] turns the exemptions off', () => {
    const component = {
      name: 'calico-node',
      namespace: 'calico-system',
      kind: 'DaemonSet',
      resourceName: 'calico-node',
      checks: ['pod-containers-not-privileged'],
      reason: 'Calico programs the node network and must run privileged',
      owner: 'platform-team',
    };
    expect(policyFromConfig({ systemComponents: [component] }, KNOWN).systemComponents).toEqual([component]);
    expect(policyFromConfig({ systemComponents: [] }, KNOWN).systemComponents).toEqual([]);
  });

  it('does not share the default system-component list with the policy it returns', () => {
    const policy = policyFromConfig({}, KNOWN);
    policy.systemComponents?.[0]?.checks.push('mutated');
    expect(DEFAULT_SYSTEM_COMPONENTS[0]?.checks).not.toContain('mutated');
  });

  it('overrides parameters and numbers waivers without ids', () => {
    const policy = policyFromConfig(
      {
        params: { requiredLogTypes: ['audit'] },
        waivers: [
          {
            checkId: 'pod-containers-not-privileged',
            scope: { namespace: 'kube-system', name: 'aws-node*' },
            reason: 'the VPC CNI needs privileges to program the node network',
            owner: 'platform-team',
            expires: '2027-01-31',
          },
        ],
        severityOverrides: { 'eks-control-plane-logging-enabled': 'critical' },
      },
      KNOWN,
    );
    expect(policy.params.requiredLogTypes).toEqual(['audit']);
    expect(policy.params.systemNamespaces).toEqual(DEFAULT_PARAMS.systemNamespaces);
    expect(policy.waivers[0]).toMatchObject({ id: 'waiver-1', scope: { namespace: 'kube-system' } });
    expect(policy.severityOverrides).toEqual({ 'eks-control-plane-logging-enabled': 'critical' });
  });

  it.each([
    [{ params: { requiredLogTypes: 'audit' } }, 'requiredLogTypes'],
    [{ params: { unknownParam: 1 } }, 'unknownParam'],
    [
      {
        waivers: [
          { checkId: 'pod-containers-not-privileged', reason: 'short', owner: 'me', expires: '2027-01-01' },
        ],
      },
      'say why',
    ],
    [
      {
        waivers: [
          {
            checkId: 'pod-containers-not-privileged',
            reason: 'a good long reason',
            owner: 'me',
            expires: 'soon',
          },
        ],
      },
      'ISO date',
    ],
    [{ severityOverrides: { 'pod-containers-not-privileged': 'urgent' } }, 'severityOverrides'],
    [
      {
        waivers: [
          { checkId: 'no-such-check', reason: 'a good long reason', owner: 'me', expires: '2027-01-01' },
        ],
      },
      'no-such-check',
    ],
    [
      {
        systemComponents: [
          {
            name: 'calico-node',
            namespace: 'calico-system',
            kind: 'DaemonSet',
            resourceName: 'calico-node',
            checks: ['pod-containers-not-privilegd'],
            reason: 'Calico programs the node network',
          },
        ],
      },
      'pod-containers-not-privilegd',
    ],
    [
      {
        systemComponents: [
          {
            name: 'calico-node',
            namespace: 'calico-system',
            kind: 'DaemonSet',
            resourceName: 'calico-node',
            checks: ['pod-containers-not-privileged'],
            reason: 'needs',
          },
        ],
      },
      'say why the component needs it',
    ],
    [
      {
        systemComponents: [
          {
            name: 'calico-node',
            namespace: 'calico-system',
            kind: 'DaemonSet',
            resourceName: 'calico-node',
            checks: [],
            reason: 'Calico programs the node network',
          },
        ],
      },
      'list the checks',
    ],
    [
      {
        systemComponents: [
          {
            name: 'calico-node',
            namespace: 'calico-system',
            kind: 'DaemonSet',
            resourceName: 'calico-node',
            checks: ['pod-containers-not-privileged'],
            reason: 'Calico programs the node network',
            expires: '2027-01-01',
          },
        ],
      },
      'expires',
    ],
    [
      {
        systemComponents: [
          {
            name: 'dup',
            namespace: 'a',
            kind: 'DaemonSet',
            resourceName: 'a',
            checks: ['pod-containers-not-privileged'],
            reason: 'a long enough reason',
          },
          {
            name: 'dup',
            namespace: 'b',
            kind: 'DaemonSet',
            resourceName: 'b',
            checks: ['pod-containers-not-privileged'],
            reason: 'a long enough reason',
          },
        ],
      },
      'unique',
    ],
  ])('rejects %j with a message naming the problem', (raw, needle) => {
    expect(() => policyFromConfig(raw, KNOWN)).toThrow(ConfigError);
    expect(() => policyFromConfig(raw, KNOWN)).toThrow(needle);
  });

  it('reads YAML files and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wk-config-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'params:\n  versionSupportWarningDays: 30\n');
    expect((await loadPolicy(good, KNOWN)).params.versionSupportWarningDays).toBe(30);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'params: [unclosed\n');
    await expect(loadPolicy(bad, KNOWN)).rejects.toThrow(`config file ${bad}`);
    await expect(loadPolicy(join(dir, 'missing.yaml'), KNOWN)).rejects.toThrow('cannot read config file');
  });
});
