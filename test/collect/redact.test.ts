import { loadYaml, V1Container, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ProjectionCache, toSnapshotObject } from '../../functions/collect/project.ts';
import { redactArgs, redactText } from '../../functions/collect/redact.ts';
import type { ConfigMap, CronJob, Pod, PodController } from '../../functions/core/k8s-types.ts';
import type { K8sKind } from '../../functions/core/kinds.ts';
import { REDACTED } from '../../functions/core/redaction.ts';

const CANARIES = [
  'AKIAIOSFODNN7CANARY1',
  'hunter2canary',
  'db-secret-canary',
  'token-canary-value',
  'shell-canary-pw',
];

function podSpec() {
  return {
    containers: [
      {
        name: 'app',
        image: 'app:1',
        env: [
          { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7CANARY1' },
          { name: 'DB_PASSWORD', value: 'db-secret-canary' },
          { name: 'FEATURE_AUTH_ENABLED', value: 'true' },
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
        args: [
          '--listen=:8080',
          '--password=hunter2canary',
          '--api-token',
          'token-canary-value',
          '--verbose',
        ],
        livenessProbe: {
          exec: { command: ['check', '--password=hunter2canary'] },
          httpGet: { path: '/', httpHeaders: [{ name: 'Authorization', value: 'Basic token-canary-value' }] },
        },
      },
    ],
    initContainers: [
      { name: 'init', command: ['sh', '-c', 'export DB_PASSWORD=shell-canary-pw && ./migrate --user admin'] },
    ],
    ephemeralContainers: [{ name: 'debug', env: [{ name: 'GITHUB_TOKEN', value: 'token-canary-value' }] }],
  };
}

function expectNoCanary(value: unknown): void {
  const text = JSON.stringify(value);
  for (const canary of CANARIES) expect(text).not.toContain(canary);
}

describe('redaction at collection', () => {
  it('redacts env values, args and probe commands in every container of a Pod', () => {
    // Act
    const pod = toSnapshotObject('pods', { metadata: { name: 'p', namespace: 'a' }, spec: podSpec() }) as Pod;

    // Assess
    expectNoCanary(pod);
    const app = pod.spec?.containers?.[0];
    expect(app?.env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', value: REDACTED },
      { name: 'DB_PASSWORD', value: REDACTED },
      { name: 'FEATURE_AUTH_ENABLED', value: 'true' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
    expect(app?.args).toEqual([
      '--listen=:8080',
      `--password=${REDACTED}`,
      '--api-token',
      REDACTED,
      '--verbose',
    ]);
    expect(pod.spec?.initContainers?.[0]?.command).toEqual([
      'sh',
      '-c',
      `export DB_PASSWORD=${REDACTED} && ./migrate --user admin`,
    ]);
    expect(pod.spec?.ephemeralContainers?.[0]?.env?.[0]?.value).toBe(REDACTED);
  });

  it.each<[K8sKind, (spec: unknown) => Record<string, unknown>]>([
    ['deployments', (spec) => ({ template: { spec } })],
    ['statefulsets', (spec) => ({ template: { spec } })],
    ['daemonsets', (spec) => ({ template: { spec } })],
    ['replicasets', (spec) => ({ template: { spec } })],
    ['jobs', (spec) => ({ template: { spec } })],
    ['replicationcontrollers', (spec) => ({ template: { spec } })],
    ['cronjobs', (spec) => ({ schedule: '@daily', jobTemplate: { spec: { template: { spec } } } })],
  ])('redacts the pod template of %s', (kind, wrap) => {
    // Act
    const object = toSnapshotObject(kind, { metadata: { name: 'w', namespace: 'a' }, spec: wrap(podSpec()) });

    // Assess
    expectNoCanary(object);
    const template =
      kind === 'cronjobs'
        ? (object as CronJob).spec?.jobTemplate?.spec?.template
        : (object as PodController).spec?.template;
    expect(template?.spec?.containers?.[0]?.env?.[1]).toEqual({ name: 'DB_PASSWORD', value: REDACTED });
  });

  it('redacts ConfigMap values by key name and by value, including inside config files', () => {
    // Act
    const configMap = toSnapshotObject('configmaps', {
      metadata: { name: 'app', namespace: 'a' },
      data: {
        api_token: 'token-canary-value',
        endpoint: 'https://api.example.com',
        aws: 'AKIAIOSFODNN7CANARY1',
        'application.properties': 'server.port=8080\ndb.password=db-secret-canary\n',
        'settings.json': '{"user": "app", "password": "hunter2canary"}',
        'config.yaml': 'database:\n  host: db\n  password: "shell-canary-pw"\n',
        'auth-enabled': 'true',
      },
    }) as ConfigMap;

    // Assess
    expectNoCanary(configMap);
    expect(configMap.data).toEqual({
      api_token: REDACTED,
      endpoint: 'https://api.example.com',
      aws: REDACTED,
      'application.properties': `server.port=8080\ndb.password=${REDACTED}\n`,
      'settings.json': `{"user": "app", "password": ${REDACTED}}`,
      'config.yaml': `database:\n  host: db\n  password: ${REDACTED}\n`,
      'auth-enabled': 'true',
    });
  });

  it('keeps the aws-auth ConfigMap readable', () => {
    // Prepare
    const mapRoles = [
      '- rolearn: arn:aws:iam::111122223333:role/nodes',
      '  username: system:node:{{EC2PrivateDNSName}}',
      '  groups:',
      '    - system:bootstrappers',
      '    - system:nodes',
    ].join('\n');

    // Act
    const configMap = toSnapshotObject('configmaps', {
      metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: { mapRoles },
    }) as ConfigMap;

    // Assess
    expect(configMap.data?.mapRoles).toBe(mapRoles);
  });

  it('redacts annotation values that look like credentials, on the object and its template', () => {
    // Act
    const deployment = toSnapshotObject('deployments', {
      metadata: {
        name: 'd',
        namespace: 'a',
        annotations: {
          'example.com/aws-key': 'AKIAIOSFODNN7CANARY1',
          'example.com/db-password': 'hunter2canary',
          'nginx.ingress.kubernetes.io/auth-type': 'basic',
          'example.com/config': '{"token": "token-canary-value", "mode": "fast"}',
          owner: 'team-a',
        },
      },
      spec: {
        template: { metadata: { annotations: { 'example.com/api-key': 'db-secret-canary' } }, spec: {} },
      },
    }) as PodController;

    // Assess
    expectNoCanary(deployment);
    expect(deployment.metadata.annotations).toEqual({
      'example.com/aws-key': REDACTED,
      'example.com/db-password': REDACTED,
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'example.com/config': `{"token": ${REDACTED}, "mode": "fast"}`,
      owner: 'team-a',
    });
  });
});

describe('redactArgs', () => {
  it.each([
    [['--password=hunter2canary'], [`--password=${REDACTED}`]],
    [
      ['--password', 'hunter2canary', '--port', '80'],
      ['--password', REDACTED, '--port', '80'],
    ],
    [['--db-url=postgres://app:hunter2canary@db:5432/app'], [`--db-url=${REDACTED}`]],
    [['--secret-file=/etc/creds/key'], ['--secret-file=/etc/creds/key']],
    [
      ['--client-secret', 'abc', '--token-file', '/var/run/token'],
      ['--client-secret', REDACTED, '--token-file', '/var/run/token'],
    ],
    [['--anonymous-auth=false'], ['--anonymous-auth=false']],
    [
      ['run', 'AKIAIOSFODNN7CANARY1'],
      ['run', REDACTED],
    ],
    [['--image=repo/secret-manager:1.2'], ['--image=repo/secret-manager:1.2']],
    [
      ['nginx', '-g', 'daemon off;'],
      ['nginx', '-g', 'daemon off;'],
    ],
  ])('%j → %j', (input, expected) => {
    expect(redactArgs(input)).toEqual(expected);
  });
});

describe('redactText', () => {
  it('redacts a value given after a sensitive flag inside a script', () => {
    expect(redactText('app --token hunter2canary --port 80')).toBe(`app --token ${REDACTED} --port 80`);
  });

  it('redacts query-string credentials', () => {
    expect(redactText('https://hooks.example.com/x?token=hunter2canary&team=a')).toBe(
      `https://hooks.example.com/x?token=${REDACTED}&team=a`,
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'server {\n  listen 80;\n  location / { proxy_pass http://backend:8080; }\n}';
    expect(redactText(text)).toBe(text);
  });
});

describe('containers finished once per collection', () => {
  it('redacts a container repeated by many Pods every time, and keeps each Pod its own token mount', () => {
    // Arrange: replicas of one controller, as the API server lists them
    const cache = new ProjectionCache();
    const replica = (name: string) => {
      const spec = podSpec();
      (spec.containers[0] as { volumeMounts?: unknown[] }).volumeMounts = [
        { name: 'config', mountPath: '/etc/app', readOnly: true },
        { name: `kube-api-access-${name}`, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ];
      return { metadata: { name, namespace: 'a' }, spec };
    };

    // Act
    const pods = ['x1x1x', 'y2y2y', 'z3z3z'].map(
      (name) => toSnapshotObject('pods', replica(name), cache) as Pod,
    );

    // Assess: every replica is redacted as a Pod projected on its own is
    for (const pod of pods) {
      expectNoCanary(pod);
      expect(pod).toEqual(toSnapshotObject('pods', replica(pod.metadata.name)));
    }
    const [first, second] = pods.map((pod) => pod.spec?.containers?.[0]);
    expect(first?.volumeMounts?.[1]?.name).toBe('kube-api-access-x1x1x');
    expect(second?.volumeMounts?.[1]?.name).toBe('kube-api-access-y2y2y');
    // The parts they repeat are one object, worked out once.
    expect(second?.env).toBe(first?.env);
    expect(second?.volumeMounts?.[0]).toBe(first?.volumeMounts?.[0]);
    expect(pods[1]?.spec?.initContainers?.[0]).toBe(pods[0]?.spec?.initContainers?.[0]);
  });

  it('does not reuse a container for one that differs in a single value', () => {
    const cache = new ProjectionCache();
    const withMode = (mode: string) =>
      toSnapshotObject(
        'pods',
        {
          metadata: { name: `p-${mode}`, namespace: 'a' },
          spec: { containers: [{ name: 'app', args: ['--mode', mode] }] },
        },
        cache,
      ) as Pod;
    expect(withMode('fast').spec?.containers?.[0]?.args).toEqual(['--mode', 'fast']);
    expect(withMode('safe').spec?.containers?.[0]?.args).toEqual(['--mode', 'safe']);
  });
});

describe('redaction of client-node model instances', () => {
  it('redacts the containers of a Pod read through the typed APIs (model classes)', () => {
    // loadYaml deserializes into the model classes (V1Pod, V1Container), as the typed APIs do.
    const pod = loadYaml<V1Pod>(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'a' },
        spec: podSpec(),
      }),
    );
    expect(pod.spec?.containers[0]).toBeInstanceOf(V1Container);

    const collected = toSnapshotObject('pods', pod, new ProjectionCache());

    expectNoCanary(collected);
    expect((collected as Pod).spec?.containers?.[0]?.env?.[1]).toEqual({
      name: 'DB_PASSWORD',
      value: REDACTED,
    });
  });
});
