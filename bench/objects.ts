import { NAME_SUFFIX_ALPHABET, Rng } from './rng.ts';

/**
 * Builders of Kubernetes objects as an EKS API server returns them: server-set metadata
 * (uid, resourceVersion, generation, creationTimestamp, managedFields), defaulted spec fields
 * (terminationMessagePath, imagePullPolicy, dnsPolicy …) and status, so the sizes and shapes
 * the collector parses are those of a real cluster, not of hand-written manifests. The
 * `managedFields` trees are derived from the fields each object sets, as the API server does.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Security posture of a workload: decides its securityContexts, probes and resources. */
export type Posture = 'restricted' | 'baseline' | 'lax' | 'privileged';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

/** Every timestamp is before this instant, so a cluster never depends on the clock. */
const EPOCH = Date.UTC(2026, 10, 1, 0, 0, 0);

export function timeAgo(rng: Rng, maxDays: number, minDays = 0): string {
  const ms = EPOCH - Math.floor((minDays + rng.next() * (maxDays - minDays)) * 86_400_000);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function suffix(rng: Rng, length: number): string {
  return rng.chars(length, NAME_SUFFIX_ALPHABET);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `fieldsV1` tree of the fields `value` sets (`f:` fields, `k:` keyed list items, `v:` set items). */
export function fieldsV1(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    if (Array.isArray(inner)) {
      const list: JsonObject = {};
      for (const item of inner) {
        if (isObject(item)) {
          const id =
            typeof item.name === 'string'
              ? `k:{"name":"${item.name}"}`
              : typeof item.containerPort === 'number'
                ? `k:{"containerPort":${item.containerPort},"protocol":"${String(item.protocol ?? 'TCP')}"}`
                : typeof item.type === 'string'
                  ? `k:{"type":"${item.type}"}`
                  : typeof item.port === 'number'
                    ? `k:{"port":${item.port},"protocol":"${String(item.protocol ?? 'TCP')}"}`
                    : `k:{"uid":"${String(item.uid ?? '')}"}`;
          list[id] = { '.': {}, ...fieldsV1(item) };
        } else {
          list[`v:${JSON.stringify(item)}`] = {};
        }
      }
      out[`f:${key}`] = list;
    } else if (isObject(inner)) {
      out[`f:${key}`] = Object.keys(inner).length === 0 ? {} : { '.': {}, ...fieldsV1(inner) };
    } else {
      out[`f:${key}`] = {};
    }
  }
  return out;
}

export function managedField(
  manager: string,
  apiVersion: string,
  time: string,
  fields: JsonObject,
  subresource?: string,
): JsonObject {
  return {
    manager,
    operation: 'Update',
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1(fields),
    ...(subresource === undefined ? {} : { subresource }),
  };
}

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: JsonObject[];
  generateName?: string;
  created: string;
  resourceVersion: string;
  generation?: number;
}

export function metadata(meta: Meta): JsonObject {
  const out: JsonObject = { name: meta.name };
  if (meta.generateName !== undefined) out.generateName = meta.generateName;
  if (meta.namespace !== undefined) out.namespace = meta.namespace;
  out.uid = meta.uid;
  out.resourceVersion = meta.resourceVersion;
  if (meta.generation !== undefined) out.generation = meta.generation;
  out.creationTimestamp = meta.created;
  if (meta.labels !== undefined) out.labels = meta.labels;
  if (meta.annotations !== undefined) out.annotations = meta.annotations;
  if (meta.ownerReferences !== undefined) out.ownerReferences = meta.ownerReferences;
  return out;
}

export function ownerRef(apiVersion: string, kind: string, name: string, uid: string): JsonObject {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

// ---------------------------------------------------------------------------------------------
// Containers

export interface AppImage {
  /** Image reference as written in the template. */
  image: string;
  /** The digest the kubelet resolved it to (status.containerStatuses[].imageID). */
  digest: string;
}

const APP_REGISTRIES: readonly (readonly [string, number])[] = [
  [ECR, 70],
  ['public.ecr.aws/docker/library', 8],
  ['docker.io/library', 6],
  ['quay.io/team', 5],
  ['ghcr.io/example-org', 6],
  ['k8s.gcr.io', 2],
  ['registry.example.com/mirror', 3],
];

export function appImage(rng: Rng, team: string, app: string): AppImage {
  const registry = rng.weighted(APP_REGISTRIES);
  const digest = `sha256:${rng.hex(64)}`;
  const repository = registry === ECR ? `${ECR}/${team}/${app}` : `${registry}/${app}`;
  const tag = rng.weighted<string>([
    [`${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 12)}`, 70],
    [`${rng.hex(7)}`, 12],
    ['latest', 8],
    ['', 3],
    ['@digest', 7],
  ]);
  const image =
    tag === '' ? repository : tag === '@digest' ? `${repository}@${digest}` : `${repository}:${tag}`;
  return { image, digest };
}

const SENSITIVE_VALUES = [
  'hunter2-prod',
  'Sup3rS3cret!',
  'AKIAIOSFODNN7EXAMPLE',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
];

/** 6–16 environment variables of the kinds real services carry, a few of them bad practice. */
export function envVars(rng: Rng, app: string, posture: Posture): JsonObject[] {
  const env: JsonObject[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    { name: 'LOG_LEVEL', value: rng.pick(['info', 'warn', 'debug']) },
    { name: 'PORT', value: '8080' },
    { name: 'AWS_REGION', value: REGION },
  ];
  if (rng.chance(0.6)) {
    env.push(
      { name: 'DB_HOST', value: `${app}-db.cluster-c9akciq32.${REGION}.rds.amazonaws.com` },
      { name: 'DB_USER', value: `${app.replace(/-/g, '_')}_svc` },
    );
    if (posture === 'lax' && rng.chance(0.25)) {
      env.push({ name: 'DB_PASSWORD', value: rng.pick(SENSITIVE_VALUES) });
    } else {
      env.push({
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'password' } },
      });
    }
  }
  if (rng.chance(0.5)) {
    env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring:4317' });
    env.push({ name: 'OTEL_SERVICE_NAME', value: app });
  }
  if (rng.chance(0.3)) {
    env.push({
      name: 'JAVA_TOOL_OPTIONS',
      value: '-XX:MaxRAMPercentage=75 -XX:+UseG1GC -Dfile.encoding=UTF-8',
    });
  }
  if (rng.chance(0.3)) {
    env.push({
      name: 'FEATURE_FLAGS',
      valueFrom: { configMapKeyRef: { name: `${app}-config`, key: 'flags' } },
    });
  }
  if (posture === 'lax' && rng.chance(0.1)) env.push({ name: 'API_KEY', value: rng.pick(SENSITIVE_VALUES) });
  return env;
}

function containerSecurityContext(rng: Rng, posture: Posture): JsonObject | undefined {
  switch (posture) {
    case 'restricted':
      return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 10001,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      };
    case 'baseline':
      return {
        allowPrivilegeEscalation: false,
        runAsNonRoot: rng.chance(0.5),
        capabilities: { drop: rng.chance(0.5) ? ['ALL'] : ['NET_RAW'] },
      };
    case 'lax':
      return rng.chance(0.5) ? undefined : { runAsUser: 0 };
    case 'privileged':
      return { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } };
  }
}

function probe(rng: Rng, path: string, port: number | string): JsonObject {
  return {
    httpGet: { path, port, scheme: 'HTTP' },
    initialDelaySeconds: rng.pick([0, 5, 10, 30]),
    timeoutSeconds: 1,
    periodSeconds: rng.pick([5, 10, 15]),
    successThreshold: 1,
    failureThreshold: 3,
  };
}

function resources(rng: Rng, posture: Posture): JsonObject {
  if (posture === 'lax' && rng.chance(0.5)) return {};
  const cpu = rng.pick(['50m', '100m', '250m', '500m', '1']);
  const memory = rng.pick(['64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '2Gi']);
  return rng.chance(0.7) ? { limits: { memory }, requests: { cpu, memory } } : { requests: { cpu, memory } };
}

const CONTAINER_DEFAULTS: JsonObject = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

export function appContainer(
  rng: Rng,
  app: string,
  image: AppImage,
  posture: Posture,
  extraMounts: JsonObject[],
): JsonObject {
  const probes: JsonObject =
    posture === 'lax' && rng.chance(0.4)
      ? {}
      : { livenessProbe: probe(rng, '/healthz', 'http'), readinessProbe: probe(rng, '/ready', 'http') };
  const securityContext = containerSecurityContext(rng, posture);
  return {
    name: app,
    image: image.image,
    ...(rng.chance(0.3)
      ? { args: ['--config=/etc/app/config.yaml', `--listen=:8080`, '--metrics=:9090'] }
      : {}),
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ],
    env: envVars(rng, app, posture),
    resources: resources(rng, posture),
    volumeMounts: [...extraMounts, ...(posture === 'restricted' ? [{ name: 'tmp', mountPath: '/tmp' }] : [])],
    ...probes,
    ...CONTAINER_DEFAULTS,
    imagePullPolicy: image.image.endsWith(':latest') ? 'Always' : 'IfNotPresent',
    ...(securityContext === undefined ? {} : { securityContext }),
  };
}

/** Log shipping or metrics sidecars that teams add to their own templates. */
export function sidecar(rng: Rng, posture: Posture): JsonObject {
  const kind = rng.pick(['fluent-bit', 'otel-agent', 'cloudsql-proxy'] as const);
  const images = {
    'fluent-bit': 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2',
    'otel-agent': 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
    'cloudsql-proxy': `${ECR}/platform/db-proxy:1.4.2`,
  };
  const securityContext = containerSecurityContext(rng, posture === 'privileged' ? 'lax' : posture);
  return {
    name: kind,
    image: images[kind],
    args:
      kind === 'fluent-bit' ? ['--config=/fluent-bit/etc/fluent-bit.conf'] : ['--config=/conf/agent.yaml'],
    env: [
      { name: 'AWS_REGION', value: REGION },
      { name: 'HOST_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
    ],
    resources: { limits: { memory: '128Mi' }, requests: { cpu: '20m', memory: '64Mi' } },
    volumeMounts: [{ name: `${kind}-config`, mountPath: '/conf', readOnly: true }],
    ...CONTAINER_DEFAULTS,
    imagePullPolicy: 'IfNotPresent',
    ...(securityContext === undefined ? {} : { securityContext }),
  };
}

/** The containers an Istio sidecar injector adds to Pods (never to templates). */
export function istioInjected(): { init: JsonObject; proxy: JsonObject; volumes: JsonObject[] } {
  const image = 'docker.io/istio/proxyv2:1.23.2';
  return {
    init: {
      name: 'istio-init',
      image,
      args: [
        'istio-iptables',
        '-p',
        '15001',
        '-z',
        '15006',
        '-u',
        '1337',
        '-m',
        'REDIRECT',
        '-i',
        '*',
        '-b',
        '*',
      ],
      resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: false,
        runAsGroup: 0,
        runAsNonRoot: false,
        runAsUser: 0,
      },
      ...CONTAINER_DEFAULTS,
      imagePullPolicy: 'IfNotPresent',
    },
    proxy: {
      name: 'istio-proxy',
      image,
      args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning'],
      ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
      env: [
        { name: 'JWT_POLICY', value: 'third-party-jwt' },
        { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
        { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        {
          name: 'POD_NAMESPACE',
          valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
        },
        { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      ],
      resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
      readinessProbe: {
        httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
        timeoutSeconds: 3,
        periodSeconds: 15,
        successThreshold: 1,
        failureThreshold: 4,
      },
      volumeMounts: [
        { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
        { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
        { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
        { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      ],
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 1337,
        runAsNonRoot: true,
        runAsUser: 1337,
      },
      ...CONTAINER_DEFAULTS,
      imagePullPolicy: 'IfNotPresent',
    },
    volumes: [
      { name: 'workload-socket', emptyDir: {} },
      { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
      {
        name: 'istio-token',
        projected: {
          sources: [
            { serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } },
          ],
          defaultMode: 420,
        },
      },
      { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert', defaultMode: 420 } },
    ],
  };
}

/** The service account token volume the admission chain adds to every Pod. */
export function apiAccessVolume(rng: Rng): { volume: JsonObject; mount: JsonObject } {
  const name = `kube-api-access-${rng.chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`;
  return {
    volume: {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
        defaultMode: 420,
      },
    },
    mount: { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
  };
}

export function podSecurityContext(rng: Rng, posture: Posture): JsonObject {
  switch (posture) {
    case 'restricted':
      return {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      };
    case 'baseline':
      return rng.chance(0.5) ? { fsGroup: 2000 } : { seccompProfile: { type: 'RuntimeDefault' } };
    default:
      return {};
  }
}

const DEFAULT_TOLERATIONS: JsonObject[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** Spec fields the API server defaults in templates and Pods alike. */
export const POD_SPEC_DEFAULTS: JsonObject = {
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
};

/**
 * The Pod the controllers create from `template`: the admission chain's additions (token
 * volume and mounts, `serviceAccount`, default tolerations, priority), scheduling (nodeName)
 * and the kubelet's status.
 */
export function podFromTemplate(input: {
  rng: Rng;
  template: JsonObject;
  name: string;
  namespace: string;
  uid: string;
  owner: JsonObject;
  nodeName: string;
  hostIP: string;
  podIP: string;
  created: string;
  resourceVersion: string;
  extraLabels?: Record<string, string>;
  /** Containers and volumes a mutating webhook injects. */
  injected?: { init: JsonObject; proxy: JsonObject; volumes: JsonObject[] };
  /** Completed Job pods. */
  succeeded?: boolean;
}): JsonObject {
  const { rng, template } = input;
  const templateMeta = template.metadata as JsonObject;
  const templateSpec = template.spec as JsonObject;
  const access = apiAccessVolume(rng);
  const withMount = (container: Json): JsonObject => {
    const c = container as JsonObject;
    return { ...c, volumeMounts: [...((c.volumeMounts as JsonObject[] | undefined) ?? []), access.mount] };
  };
  const containers = [
    ...(templateSpec.containers as JsonObject[]).map(withMount),
    ...(input.injected ? [withMount(input.injected.proxy)] : []),
  ];
  const initContainers = [
    ...((templateSpec.initContainers as JsonObject[] | undefined) ?? []).map(withMount),
    ...(input.injected ? [input.injected.init] : []),
  ];
  const labels = { ...(templateMeta.labels as Record<string, string>), ...input.extraLabels };
  const annotations = {
    ...((templateMeta.annotations as Record<string, string> | undefined) ?? {}),
    ...(input.injected
      ? {
          'sidecar.istio.io/status':
            '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","istio-envoy","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}',
          'kubectl.kubernetes.io/default-container': String((containers[0] as JsonObject).name),
        }
      : {}),
  };
  const serviceAccountName = String(templateSpec.serviceAccountName ?? 'default');
  const spec: JsonObject = {
    ...templateSpec,
    volumes: [
      ...((templateSpec.volumes as JsonObject[] | undefined) ?? []),
      ...(input.injected?.volumes ?? []),
      access.volume,
    ],
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers,
    serviceAccountName,
    serviceAccount: serviceAccountName,
    nodeName: input.nodeName,
    tolerations: [...((templateSpec.tolerations as JsonObject[] | undefined) ?? []), ...DEFAULT_TOLERATIONS],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  };

  const started = input.created;
  const running = !input.succeeded;
  const statusOf = (container: JsonObject): JsonObject => ({
    name: String(container.name),
    state: running
      ? { running: { startedAt: started } }
      : { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: started } },
    lastState: {},
    ready: running,
    restartCount: rng.chance(0.9) ? 0 : rng.int(1, 40),
    image: String(container.image).replace(/^docker\.io\/library\//, 'docker.io/library/'),
    imageID: `${String(container.image).split(/[:@]/)[0]}@sha256:${rng.hex(64)}`,
    containerID: `containerd://${rng.hex(64)}`,
    started: running,
    volumeMounts: ((container.volumeMounts as JsonObject[] | undefined) ?? []).map((mount) => ({
      name: mount.name ?? '',
      mountPath: mount.mountPath ?? '',
      ...(mount.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
    })),
  });
  const condition = (type: string, status = 'True'): JsonObject => ({
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: started,
  });
  const status: JsonObject = {
    phase: running ? 'Running' : 'Succeeded',
    conditions: [
      condition('PodReadyToStartContainers', running ? 'True' : 'False'),
      condition('Initialized'),
      condition('Ready', running ? 'True' : 'False'),
      condition('ContainersReady', running ? 'True' : 'False'),
      condition('PodScheduled'),
    ],
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: started,
    ...(initContainers.length > 0
      ? {
          initContainerStatuses: initContainers.map((c) => ({
            ...statusOf(c),
            state: {
              terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: started },
            },
            ready: true,
            started: false,
          })),
        }
      : {}),
    containerStatuses: containers.map(statusOf),
    qosClass: 'Burstable',
  };
  const meta = metadata({
    name: input.name,
    generateName: input.name.slice(0, input.name.lastIndexOf('-') + 1),
    namespace: input.namespace,
    uid: input.uid,
    labels,
    annotations,
    ownerReferences: [input.owner],
    created: input.created,
    resourceVersion: input.resourceVersion,
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      managedFields: [
        managedField('kube-controller-manager', 'v1', started, {
          metadata: { generateName: '', labels, ownerReferences: [input.owner] },
          spec: templateSpec,
        }),
        managedField('kubelet', 'v1', started, { status }, 'status'),
      ],
    },
    spec,
    status,
  };
}

/** A random pod/host IP inside the VPC. */
export function vpcIp(rng: Rng): string {
  return `10.${rng.int(0, 3) * 16 + rng.int(0, 15)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function podName(base: string, rng: Rng, length = 5): string {
  return `${base}-${suffix(rng, length)}`;
}

/** A ReplicaSet's pod-template-hash: 8–10 characters of the suffix alphabet. */
export function templateHash(rng: Rng): string {
  return suffix(rng, rng.int(9, 10));
}

export { Rng };
