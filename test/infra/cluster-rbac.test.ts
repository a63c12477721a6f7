import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { K8S_KINDS } from '../../functions/core/kinds.ts';
import {
  FORBIDDEN_RESOURCES,
  ForbiddenScannerResourceError,
  generatedRbacFiles,
  KUBELET_CONFIG_RBAC_FILE,
  type KubeObject,
  kubeletConfigRbacManifests,
  SCANNER_GROUP,
  SCANNER_RBAC_FILE,
  scannerRbacManifests,
  scannerRules,
} from '../../infra/constructs/cluster-rbac.ts';
import { ScannerClusterAccess } from '../../infra/constructs/scanner-cluster-access.ts';
import { REPO_ROOT } from '../../infra/constructs/watchkeeper-function.ts';
import { testApp } from './helpers.ts';

// A synth runs cdk-nag and the CloudFormation rules (wasm): seconds alone, minutes when the
// whole suite shares two CPUs.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function readFile(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

function documents(file: string): KubeObject[] {
  return parseAllDocuments(readFile(file)).map((doc) => doc.toJS() as KubeObject);
}

/** CDK labels applied objects for pruning (`aws.cdk.eks/prune-<hash>`); everything else must match. */
function withoutPruneLabel(object: KubeObject): KubeObject {
  const labels = Object.fromEntries(
    Object.entries(object.metadata.labels).filter(([key]) => !key.startsWith('aws.cdk.eks/prune-')),
  );
  return { ...object, metadata: { ...object.metadata, labels } };
}

function rulesOf(objects: KubeObject[]): Rule[] {
  return objects.filter((o) => o.kind === 'ClusterRole').flatMap((o) => o.rules as Rule[]);
}

describe('deploy/cluster-rbac*.yaml', () => {
  it('are exactly what the shared definition generates (run node infra/render-cluster-rbac.ts)', () => {
    for (const [file, content] of Object.entries(generatedRbacFiles())) {
      expect(readFile(file), file).toBe(content);
    }
  });

  it('parse back to the manifests the CDK construct applies', () => {
    expect(documents(SCANNER_RBAC_FILE)).toEqual(scannerRbacManifests());
    expect(documents(KUBELET_CONFIG_RBAC_FILE)).toEqual(kubeletConfigRbacManifests());
  });

  it('the default role never mentions secrets or nodes/proxy, not even in comments', () => {
    const text = readFile(SCANNER_RBAC_FILE);
    expect(text).not.toMatch(/secrets/i);
    expect(text).not.toContain('nodes/proxy');
    const resources = rulesOf(documents(SCANNER_RBAC_FILE)).flatMap((rule) => rule.resources);
    for (const forbidden of FORBIDDEN_RESOURCES) expect(resources).not.toContain(forbidden);
    expect(resources.filter((resource) => resource.includes('/'))).toEqual([]);
  });

  it('the default role grants get and list only, on exactly the kinds the collector reads', () => {
    const rules = rulesOf(documents(SCANNER_RBAC_FILE));
    for (const rule of rules) expect(rule.verbs).toEqual(['get', 'list']);
    const granted = rules.flatMap((rule) =>
      rule.resources.map((resource) => `${rule.apiGroups[0]}/${resource}`),
    );
    const read = Object.entries(K8S_KINDS).map(([resource, info]) => `${info.group}/${resource}`);
    expect(granted.sort()).toEqual(read.sort());
    expect(rules.every((rule) => rule.apiGroups.length === 1 && !rule.apiGroups.includes('*'))).toBe(true);
  });

  it('binds the role to the watchkeeper-readers group only', () => {
    const binding = documents(SCANNER_RBAC_FILE).find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'watchkeeper-reader' },
      subjects: [{ kind: 'Group', name: SCANNER_GROUP }],
    });
  });

  it('keeps nodes/proxy in the separate opt-in file, with its danger stated', () => {
    const text = readFile(KUBELET_CONFIG_RBAC_FILE);
    expect(text).toContain('NOT read-only');
    expect(rulesOf(documents(KUBELET_CONFIG_RBAC_FILE))).toEqual([
      { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
    ]);
  });

  it('refuses to grant a forbidden resource even if the kinds table grows one', () => {
    expect(() =>
      scannerRules({ ...K8S_KINDS, secrets: { group: '', version: 'v1', kind: 'Secret', namespaced: true } }),
    ).toThrow(ForbiddenScannerResourceError);
    expect(() =>
      scannerRules({ 'pods/exec': { group: '', version: 'v1', kind: 'PodExecOptions', namespaced: true } }),
    ).toThrow(ForbiddenScannerResourceError);
  });
});

describe('ScannerClusterAccess', () => {
  const principalArn = 'arn:aws:iam::111122223333:role/WatchkeeperReadRole';

  it('creates a STANDARD access entry in the readers group, with no access policy', () => {
    const stack = new Stack(testApp(), 'Cluster');
    new ScannerClusterAccess(stack, 'Scanner', { clusterName: 'prod-eu', principalArn });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'prod-eu',
      PrincipalArn: principalArn,
      Type: 'STANDARD',
      KubernetesGroups: ['watchkeeper-readers'],
      AccessPolicies: Match.absent(),
    });
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 0);
  });

  it('applies the same ClusterRole and binding through the kubectl provider when given a cluster', () => {
    const stack = new Stack(testApp(), 'Cluster');
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Prod', {
      clusterName: 'prod-eu',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl-provider',
        kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
        handlerRole: iam.Role.fromRoleArn(stack, 'Handler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
      }),
    });
    new ScannerClusterAccess(stack, 'Scanner', { clusterName: 'prod-eu', principalArn, cluster });
    const template = Template.fromStack(stack);
    const [resource] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(resource?.Properties.Overwrite).toBe(true);
    const manifest = (JSON.parse(resource?.Properties.Manifest as string) as KubeObject[]).map(
      withoutPruneLabel,
    );
    expect(manifest).toEqual(scannerRbacManifests());
    expect(manifest).toEqual(documents(SCANNER_RBAC_FILE));
  });

  it('adds the nodes/proxy role only when asked, and only with a cluster', () => {
    const stack = new Stack(testApp(), 'Cluster');
    expect(
      () =>
        new ScannerClusterAccess(stack, 'NoCluster', {
          clusterName: 'x',
          principalArn,
          includeKubeletConfig: true,
        }),
    ).toThrow(/needs `cluster`/);
  });
});
