import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { authenticationMode, readAwsAuth } from '../../functions/checks/lib/aws-auth.ts';
import { rbacAwsAuthNoSystemMasters } from '../../functions/checks/rbac/rbac-aws-auth-no-system-masters.ts';
import { toSnapshotObject } from '../../functions/collect/project.ts';
import type { ClusterSnapshot } from '../../functions/core/model.ts';
import { DEFAULT_PARAMS } from '../../functions/core/params.ts';
import { REDACTED } from '../../functions/core/redaction.ts';
import { addObject } from '../../functions/core/snapshot.ts';
import { buildSnapshot } from '../helpers/fixtures.ts';

const DEMO_KUBE_SYSTEM = new URL('../../examples/demo-cluster/10-kube-system.yaml', import.meta.url).pathname;

function withAwsAuth(data: Record<string, string>, mode?: string | null): ClusterSnapshot {
  const snapshot = buildSnapshot(
    mode === undefined
      ? {}
      : { eks: { cluster: { accessConfig: mode === null ? null : { authenticationMode: mode } } } },
  );
  addObject(snapshot, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'aws-auth', namespace: 'kube-system' },
    data,
  });
  return snapshot;
}

describe('aws-auth parsing', () => {
  it('reads roles, users, IAM Identity Center entries and node mappings, keys in any case', () => {
    // Prepare
    const snapshot = withAwsAuth({
      mapRoles: [
        '- rolearn: arn:aws:iam::111122223333:role/nodes',
        '  username: system:node:{{EC2PrivateDNSName}}',
        '  groups: [system:bootstrappers, system:nodes]',
        '- roleARN: arn:aws:iam::111122223333:role/Admins',
        '  groups: [system:masters]',
        '- sso: { permissionSetName: Admin, accountID: "111122223333" }',
        '  username: sso-admin',
        '  groups: [admins]',
      ].join('\n'),
      mapUsers: '- userarn: arn:aws:iam::111122223333:user/ci\n  username: ci\n  groups: [ci]\n',
      mapAccounts: '- "444455556666"\n',
    });

    // Act
    const awsAuth = readAwsAuth(snapshot);

    // Assess
    expect(awsAuth?.problems).toEqual([]);
    expect(awsAuth?.accounts).toEqual(['444455556666']);
    expect(awsAuth?.mappings.map((m) => [m.path, m.principal, m.node])).toEqual([
      ['data.mapRoles[0]', 'arn:aws:iam::111122223333:role/nodes', true],
      ['data.mapRoles[1]', 'arn:aws:iam::111122223333:role/Admins', false],
      ['data.mapRoles[2]', 'IAM Identity Center permission set Admin in account 111122223333', false],
      ['data.mapUsers[0]', 'arn:aws:iam::111122223333:user/ci', false],
    ]);
  });

  it('reports a value redacted as a whole instead of reading it as empty', () => {
    const awsAuth = readAwsAuth(withAwsAuth({ mapRoles: REDACTED }));
    expect(awsAuth?.mappings).toEqual([]);
    expect(awsAuth?.problems.map((p) => p.key)).toEqual(['mapRoles']);
  });

  it('infers CONFIG_MAP for a cluster that reports no accessConfig', () => {
    expect(authenticationMode(buildSnapshot({ eks: { cluster: { accessConfig: null } } }))).toEqual({
      mode: 'CONFIG_MAP',
      configMapHonoured: true,
      stated: false,
    });
    expect(authenticationMode(buildSnapshot())?.configMapHonoured).toBe(false);
  });
});

describe('system:masters through aws-auth after collection', () => {
  it('collection-time redaction keeps the demo mappings intact, so both superusers are found', () => {
    // Prepare: the demo ConfigMap through the collector's projection and redaction.
    const raw = parseAllDocuments(readFileSync(DEMO_KUBE_SYSTEM, 'utf8'))
      .map((doc) => doc.toJSON() as { kind?: string; metadata?: { name?: string } })
      .find((doc) => doc.kind === 'ConfigMap' && doc.metadata?.name === 'aws-auth');
    const collected = toSnapshotObject('configmaps', structuredClone(raw)) as {
      data?: Record<string, string>;
    };
    const snapshot = withAwsAuth(collected.data ?? {}, 'API_AND_CONFIG_MAP');

    // Act
    const failures = rbacAwsAuthNoSystemMasters
      .evaluate(snapshot, DEFAULT_PARAMS)
      .filter((o) => o.status === 'fail');

    // Assess
    expect(collected.data).toEqual((raw as { data?: Record<string, string> }).data);
    expect(failures.map((f) => [f.path, f.evidence?.principal])).toEqual([
      ['data.mapRoles[3].groups[0]', 'arn:aws:iam::111122223333:role/PlatformAdmins'],
      ['data.mapUsers[0].groups[0]', 'arn:aws:iam::111122223333:user/jenkins-legacy'],
    ]);
  });

  it('a group named like "token:readers" loses its value to redaction, system:masters never does', () => {
    const mapRoles =
      '- rolearn: arn:aws:iam::111122223333:role/x\n  groups:\n    - token:readers\n    - system:masters\n';
    const collected = toSnapshotObject('configmaps', {
      metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: { mapRoles },
    }) as { data?: Record<string, string> };
    const mapping = readAwsAuth(withAwsAuth(collected.data ?? {}))?.mappings[0];
    expect(mapping?.groups).toEqual([`token:${REDACTED}`, 'system:masters']);
    expect(mapping?.redactedGroups).toBe(1);
  });
});
