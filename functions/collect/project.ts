import { isRecord } from '../core/is-record.ts';
import type { Container, K8sObject, VolumeMount } from '../core/k8s-types.ts';
import type { K8sKind } from '../core/kinds.ts';
import { apiVersionOf, K8S_KINDS } from '../core/kinds.ts';
import { redactContainer, redactObject } from './redact.ts';
import { isPlain, KeptByJson, sameJson } from './same-json.ts';
import { shareContainer, shareMounts, shareObject } from './share.ts';
import { putBackFrom } from './shared-containers.ts';
import { MANAGED_FIELDS } from './unread-members.ts';

/**
 * Reduces an object from a cluster or a manifest to the fields in `core/k8s-types.ts`, so a
 * snapshot of a large cluster stays small and holds nothing no check reads: no
 * `managedFields`, `resourceVersion`, `selfLink`, `generation`, no status beyond the few
 * fields checks use, and no `last-applied-configuration` annotation (a whole earlier
 * manifest, secrets included). Values of the wrong type are dropped (or, for booleans and
 * numbers written as strings in hand-made YAML, converted), since everything is untrusted.
 *
 * Accepts plain JSON and `@kubernetes/client-node` model instances alike (Date timestamps,
 * `_from` for `from`).
 */

/** How one field is kept. */
type Field =
  | 'string'
  /** A string unique to one object (its name, uid, IP): kept as is, not worth sharing. */
  | 'id'
  | 'number'
  | 'boolean'
  | 'time'
  | 'intOrString'
  | 'strings'
  | 'numbers'
  | 'stringMap'
  | 'annotations'
  /** ConfigMap `data`: a string map whose very large values are replaced by a marker. */
  | 'data'
  /** Kept as plain JSON (any shape), e.g. probes, selectors: small and read only for presence. */
  | 'json'
  /** A pod spec's list of containers (see `pickContainers`). */
  | 'containers'
  | Shape
  | readonly [Field];

interface Shape {
  readonly [key: string]: Field;
}

/** Annotations dropped whatever their size: they hold whole manifests, secrets included. */
const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** Longer annotation values are replaced by a marker saying how long they were. */
export const MAX_ANNOTATION_LENGTH = 2048;

/** Longest ConfigMap value kept (1 MiB is the whole object's limit; dashboards come close). */
export const MAX_DATA_VALUE = 256 * 1024;

/** Longest value kept in a `json` field's strings, so no free-form blob can bloat a snapshot. */
const MAX_JSON_STRING = 4096;

export function droppedValue(length: number): string {
  return `[dropped by watchkeeper: ${length} characters]`;
}

const OWNER_REFERENCE: Shape = {
  apiVersion: 'string',
  kind: 'string',
  name: 'string',
  uid: 'string',
  controller: 'boolean',
};

const METADATA: Shape = {
  name: 'id',
  namespace: 'string',
  uid: 'id',
  labels: 'stringMap',
  annotations: 'annotations',
  ownerReferences: [OWNER_REFERENCE],
  creationTimestamp: 'time',
};

const SE_LINUX: Shape = { type: 'string', user: 'string', role: 'string', level: 'string' };
const SECCOMP: Shape = { type: 'string', localhostProfile: 'string' };
const APP_ARMOR: Shape = { type: 'string', localhostProfile: 'string' };
const WINDOWS: Shape = { hostProcess: 'boolean' };

const SECURITY_CONTEXT: Shape = {
  privileged: 'boolean',
  allowPrivilegeEscalation: 'boolean',
  runAsNonRoot: 'boolean',
  runAsUser: 'number',
  runAsGroup: 'number',
  readOnlyRootFilesystem: 'boolean',
  capabilities: { add: 'strings', drop: 'strings' },
  seccompProfile: SECCOMP,
  procMount: 'string',
  seLinuxOptions: SE_LINUX,
  appArmorProfile: APP_ARMOR,
  windowsOptions: WINDOWS,
};

const POD_SECURITY_CONTEXT: Shape = {
  runAsNonRoot: 'boolean',
  runAsUser: 'number',
  runAsGroup: 'number',
  fsGroup: 'number',
  supplementalGroups: 'numbers',
  seccompProfile: SECCOMP,
  seLinuxOptions: SE_LINUX,
  appArmorProfile: APP_ARMOR,
  sysctls: [{ name: 'string', value: 'string' }],
  windowsOptions: WINDOWS,
};

const KEY_REF: Shape = { name: 'string', key: 'string' };

const VOLUME_MOUNT: Shape = { name: 'string', mountPath: 'string', readOnly: 'boolean' };

const CONTAINER: Shape = {
  name: 'string',
  image: 'string',
  command: 'strings',
  args: 'strings',
  env: [
    {
      name: 'string',
      value: 'string',
      valueFrom: {
        secretKeyRef: KEY_REF,
        configMapKeyRef: KEY_REF,
        fieldRef: { fieldPath: 'string' },
      },
    },
  ],
  envFrom: [{ secretRef: { name: 'string' }, configMapRef: { name: 'string' }, prefix: 'string' }],
  ports: [{ containerPort: 'number', hostPort: 'number', protocol: 'string', name: 'string' }],
  securityContext: SECURITY_CONTEXT,
  resources: { limits: 'stringMap', requests: 'stringMap' },
  volumeMounts: [VOLUME_MOUNT],
  livenessProbe: 'json',
  readinessProbe: 'json',
  startupProbe: 'json',
  lifecycle: 'json',
  imagePullPolicy: 'string',
};

const VOLUME: Shape = {
  name: 'string',
  hostPath: { path: 'string', type: 'string' },
  secret: { secretName: 'string' },
  configMap: { name: 'string' },
  projected: 'json',
  emptyDir: 'json',
  persistentVolumeClaim: { claimName: 'string' },
  csi: { driver: 'string' },
  // Every other volume source is kept as a presence marker (an empty object), so the
  // restricted-volumes check can see its type; their settings are never needed, and some
  // (flexVolume options, secret refs) can hold credentials.
  downwardAPI: {},
  ephemeral: {},
  image: { reference: 'string' },
  nfs: { server: 'string', path: 'string' },
  gitRepo: { repository: 'string' },
  iscsi: {},
  rbd: {},
  cephfs: {},
  glusterfs: {},
  fc: {},
  flexVolume: { driver: 'string' },
  flocker: {},
  awsElasticBlockStore: {},
  gcePersistentDisk: {},
  azureDisk: {},
  azureFile: {},
  vsphereVolume: {},
  quobyte: {},
  portworxVolume: {},
  scaleIO: {},
  storageos: {},
  photonPersistentDisk: {},
  cinder: {},
};

const POD_SPEC: Shape = {
  containers: 'containers',
  initContainers: 'containers',
  ephemeralContainers: 'containers',
  volumes: [VOLUME],
  hostNetwork: 'boolean',
  hostPID: 'boolean',
  hostIPC: 'boolean',
  hostUsers: 'boolean',
  serviceAccountName: 'string',
  serviceAccount: 'string',
  automountServiceAccountToken: 'boolean',
  securityContext: POD_SECURITY_CONTEXT,
  nodeName: 'string',
  nodeSelector: 'stringMap',
  os: { name: 'string' },
  priorityClassName: 'string',
};

const POD_TEMPLATE: Shape = {
  metadata: { name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'annotations' },
  spec: POD_SPEC,
};

const CONTROLLER_SPEC: Shape = { replicas: 'number', selector: 'json', template: POD_TEMPLATE };

const LABEL_SELECTOR: Shape = {
  matchLabels: 'stringMap',
  matchExpressions: [{ key: 'string', operator: 'string', values: 'strings' }],
};

const POLICY_RULE: Shape = {
  apiGroups: 'strings',
  resources: 'strings',
  verbs: 'strings',
  resourceNames: 'strings',
  nonResourceURLs: 'strings',
};

const NETWORK_POLICY_PEER: Shape = {
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: { cidr: 'string', except: 'strings' },
};

const ROLE: Shape = { rules: [POLICY_RULE], aggregationRule: { clusterRoleSelectors: [LABEL_SELECTOR] } };

const ROLE_BINDING: Shape = {
  subjects: [{ kind: 'string', name: 'string', namespace: 'string', apiGroup: 'string' }],
  roleRef: { apiGroup: 'string', kind: 'string', name: 'string' },
};

const WEBHOOKS: Shape = { webhooks: [{ name: 'string', failurePolicy: 'string', rules: 'json' }] };

/** The fields kept per kind, besides `apiVersion`, `kind` and `metadata`. */
const BODY: Record<K8sKind, Shape> = {
  namespaces: { status: { phase: 'string' } },
  nodes: {
    spec: {
      providerID: 'string',
      unschedulable: 'boolean',
      taints: [{ key: 'string', effect: 'string' }],
    },
    status: {
      addresses: [{ type: 'string', address: 'string' }],
      nodeInfo: {
        kubeletVersion: 'string',
        osImage: 'string',
        containerRuntimeVersion: 'string',
        kernelVersion: 'string',
        operatingSystem: 'string',
        architecture: 'string',
      },
    },
  },
  pods: {
    spec: POD_SPEC,
    status: { phase: 'string', podIP: 'id', hostIP: 'string', qosClass: 'string' },
  },
  services: {
    spec: {
      type: 'string',
      ports: [
        {
          port: 'number',
          nodePort: 'number',
          protocol: 'string',
          name: 'string',
          targetPort: 'intOrString',
        },
      ],
      selector: 'stringMap',
      loadBalancerSourceRanges: 'strings',
      loadBalancerClass: 'string',
      externalIPs: 'strings',
      externalName: 'string',
    },
    status: { loadBalancer: { ingress: [{ hostname: 'string', ip: 'string' }] } },
  },
  serviceaccounts: { automountServiceAccountToken: 'boolean' },
  configmaps: { data: 'data' },
  replicationcontrollers: { spec: CONTROLLER_SPEC },
  persistentvolumes: {},
  resourcequotas: {},
  limitranges: {},
  deployments: { spec: CONTROLLER_SPEC },
  statefulsets: { spec: CONTROLLER_SPEC },
  daemonsets: { spec: CONTROLLER_SPEC },
  replicasets: { spec: CONTROLLER_SPEC },
  jobs: { spec: CONTROLLER_SPEC },
  cronjobs: {
    spec: {
      schedule: 'string',
      suspend: 'boolean',
      jobTemplate: { spec: { template: POD_TEMPLATE } },
    },
  },
  networkpolicies: {
    spec: {
      podSelector: LABEL_SELECTOR,
      policyTypes: 'strings',
      ingress: [{ from: [NETWORK_POLICY_PEER], ports: 'json' }],
      egress: [{ to: [NETWORK_POLICY_PEER], ports: 'json' }],
    },
  },
  ingresses: {
    spec: {
      ingressClassName: 'string',
      tls: [{ hosts: 'strings', secretName: 'string' }],
      rules: [{ host: 'string' }],
    },
  },
  roles: ROLE,
  clusterroles: ROLE,
  rolebindings: ROLE_BINDING,
  clusterrolebindings: ROLE_BINDING,
  validatingwebhookconfigurations: WEBHOOKS,
  mutatingwebhookconfigurations: WEBHOOKS,
  customresourcedefinitions: { spec: { group: 'string', names: { kind: 'string', plural: 'string' } } },
};

/**
 * Array members of a kind's objects that the list reader may cut out of a page's text before
 * parsing it (`unread-members.ts`), at any depth: `managedFields` for every kind, and the
 * status and scheduling arrays of the kinds that send many — a Pod's conditions, container
 * statuses and tolerations are most of what `JSON.parse` spends on a Pod once its
 * `managedFields` are gone. A name may be listed only if `BODY` keeps no member of that name
 * anywhere in the kind (a test walks the shapes), and no `json` field of the kind can hold one:
 * the API server prunes unknown fields of these built-in kinds, and no probe, lifecycle,
 * selector or volume source has such a member.
 */
const POD_SPEC_ARRAYS = [
  'tolerations',
  'topologySpreadConstraints',
  'imagePullSecrets',
  'readinessGates',
  'hostAliases',
  'resizePolicy',
];
const CONTROLLER_ARRAYS = ['conditions', ...POD_SPEC_ARRAYS];
const CUT_ARRAYS: Partial<Record<K8sKind, readonly string[]>> = {
  pods: [
    ...POD_SPEC_ARRAYS,
    'conditions',
    'containerStatuses',
    'initContainerStatuses',
    'ephemeralContainerStatuses',
    'resourceClaimStatuses',
    'podIPs',
    'hostIPs',
  ],
  nodes: ['conditions', 'images', 'volumesAttached', 'volumesInUse'],
  deployments: CONTROLLER_ARRAYS,
  replicasets: CONTROLLER_ARRAYS,
  statefulsets: CONTROLLER_ARRAYS,
  daemonsets: CONTROLLER_ARRAYS,
  replicationcontrollers: CONTROLLER_ARRAYS,
  jobs: CONTROLLER_ARRAYS,
  cronjobs: POD_SPEC_ARRAYS,
};

const UNREAD_ARRAYS = new Map(
  Object.entries(CUT_ARRAYS).map(([kind, names]) => [kind, [...MANAGED_FIELDS, ...names]]),
);

/** The array members of `kind` that may be cut from a list page before parsing (see `CUT_ARRAYS`). */
export function unreadArrayMembers(kind: K8sKind): readonly string[] {
  return UNREAD_ARRAYS.get(kind) ?? MANAGED_FIELDS;
}

/**
 * The shapes the projection keeps of a kind, for the test that no cut member is kept: its
 * metadata and body, and (for every kind, to err on the safe side) a container's.
 */
export function keptShape(kind: K8sKind): unknown {
  return [METADATA, BODY[kind], CONTAINER];
}

/** client-node model classes rename JSON fields that are reserved words. */
const MODEL_ALIASES: Record<string, string> = {
  from: '_from',
  continue: '_continue',
  default: '_default',
  enum: '_enum',
  int: '_int',
};

function field(source: Record<string, unknown>, key: string): unknown {
  const value = source[key];
  if (value !== undefined || isPlain(source)) return value;
  const alias = MODEL_ALIASES[key];
  return alias ? source[alias] : undefined;
}

/**
 * Per-scan state of projection and redaction, created once per collection (never shared
 * between clusters): identical strings are kept once (a label value, an image, an env var name
 * repeats across thousands of Pods, and `JSON.parse` makes a new copy each time), and the
 * redaction of a value already seen is reused rather than redone.
 */
export class ProjectionCache {
  readonly #strings = new Map<string, string>();
  /** Redaction results by input, for redact.ts. */
  readonly redacted = new Map<string, string>();
  readonly redactedArgs = new Map<string, string[]>();
  /** Pod spec parts already seen, for share.ts. */
  readonly parts = new KeptByJson<unknown>(RECENT_KEPT);
  /** Finished containers (projected, redacted, shared), compared per name and image with the raw entries they were made from. */
  readonly containers = new KeptByJson<Container>(RECENT_KEPT);
  /** Finished containers by the entry the reader put them back from (`shared-containers.ts`). */
  readonly putBackContainers = new WeakMap<object, Container>();

  /** The one copy of `value` kept for this scan (long strings are kept as they are). */
  intern(value: string): string {
    if (value.length > MAX_INTERNED) return value;
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    this.#strings.set(value, value);
    return value;
  }
}

/** Longer strings are rarely repeated: not worth a lookup. */
const MAX_INTERNED = 2048;

/**
 * Parts and containers compared as parsed per tag, or per name and image, before any is written
 * out as JSON to be looked up: a controller's Pods come one after the other.
 */
const RECENT_KEPT = 8;

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** YAML 1.1 booleans (`yes`, `on` …) as sigs.k8s.io/yaml reads them, so offline mode agrees. */
function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (['true', 'yes', 'on', 'y'].includes(text)) return true;
  if (['false', 'no', 'off', 'n'].includes(text)) return false;
  return undefined;
}

function asTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

/** String maps: labels, selectors, resources (`cpu: 500m`; a YAML `cpu: 1` becomes `"1"`). */
function asStringMap(value: unknown, cache: ProjectionCache): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const entry = value[key];
    if (typeof entry === 'string') out[key] = cache.intern(entry);
    else if (typeof entry === 'number' || typeof entry === 'boolean') out[key] = String(entry);
  }
  return out;
}

function asAnnotations(value: unknown, cache: ProjectionCache): Record<string, string> | undefined {
  const map = asStringMap(value, cache);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const key in map) {
    if (DROPPED_ANNOTATIONS.has(key)) continue;
    const entry = map[key] as string;
    out[key] = entry.length > MAX_ANNOTATION_LENGTH ? droppedValue(entry.length) : entry;
  }
  return out;
}

function asData(value: unknown, cache: ProjectionCache): Record<string, string> | undefined {
  const map = asStringMap(value, cache);
  if (!map) return undefined;
  for (const key in map) {
    const entry = map[key] as string;
    if (entry.length > MAX_DATA_VALUE) map[key] = droppedValue(entry.length);
  }
  return map;
}

/** Plain JSON copy of any value: dates as ISO strings, model aliases undone, long strings cut. */
function toJson(value: unknown, cache: ProjectionCache, depth = 0): unknown {
  if (depth > 20) return undefined;
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    return value.length > MAX_JSON_STRING ? droppedValue(value.length) : cache.intern(value);
  }
  if (value instanceof Date) return asTime(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const converted = toJson(item, cache, depth + 1);
      if (converted !== undefined) out.push(converted);
    }
    return out;
  }
  if (!isRecord(value)) return undefined;
  const plain = isPlain(value);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const converted = toJson(value[key], cache, depth + 1);
    if (converted === undefined) continue;
    const name = !plain && key.startsWith('_') && MODEL_ALIASES[key.slice(1)] === key ? key.slice(1) : key;
    out[name] = converted;
  }
  return out;
}

/**
 * A projection compiled from its `Field` description once, at module load: a function per
 * field, so projecting an object walks only the fields kept and allocates only what it keeps.
 * `value` is never undefined or null when a picker is called.
 */
type Picker = (value: unknown, cache: ProjectionCache) => unknown;

/**
 * `snapshot`: containers come out finished (redacted and shared, see `pickFinishedContainers`),
 * as `toSnapshotObject` needs them; otherwise they are only picked, as `projectObject` promises.
 */
function compile(spec: Field, snapshot = false): Picker {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'string':
        return (value, cache) => (typeof value === 'string' ? cache.intern(value) : undefined);
      case 'id':
        return (value) => (typeof value === 'string' ? value : undefined);
      case 'number':
        return asNumber;
      case 'boolean':
        return asBoolean;
      case 'time':
        return asTime;
      case 'intOrString':
        return (value, cache) =>
          typeof value === 'number' ? value : typeof value === 'string' ? cache.intern(value) : undefined;
      case 'strings':
        return (value, cache) => {
          if (!Array.isArray(value)) return undefined;
          const out: string[] = [];
          for (const item of value) if (typeof item === 'string') out.push(cache.intern(item));
          return out;
        };
      case 'numbers':
        return (value) => {
          if (!Array.isArray(value)) return undefined;
          const out: number[] = [];
          for (const item of value) {
            const number = asNumber(item);
            if (number !== undefined) out.push(number);
          }
          return out;
        };
      case 'stringMap':
        return asStringMap;
      case 'annotations':
        return asAnnotations;
      case 'data':
        return asData;
      case 'json':
        return (value, cache) => toJson(value, cache);
      case 'containers':
        return snapshot ? pickFinishedContainers : pickContainers;
    }
  }
  if (isArrayField(spec)) {
    const item = compile(spec[0], snapshot);
    return (value, cache) => {
      if (!Array.isArray(value)) return undefined;
      const out: unknown[] = [];
      for (const entry of value) {
        if (entry === undefined || entry === null) continue;
        const picked = item(entry, cache);
        if (picked !== undefined) out.push(picked);
      }
      return out;
    };
  }
  const fields = Object.entries(spec).map(([key, inner]) => ({
    key,
    alias: MODEL_ALIASES[key],
    pick: compile(inner, snapshot),
  }));
  return (value, cache) => {
    if (!isRecord(value)) return undefined;
    // client-node model instances (not plain objects) rename reserved words: `_from` for `from`.
    const plain = isPlain(value);
    const out: Record<string, unknown> = {};
    for (const { key, alias, pick } of fields) {
      let inner = value[key];
      if (inner === undefined && !plain && alias !== undefined) inner = value[alias];
      if (inner === undefined || inner === null) continue;
      const picked = pick(inner, cache);
      if (picked !== undefined) out[key] = picked;
    }
    return out;
  };
}

function isArrayField(spec: Field): spec is readonly [Field] {
  return Array.isArray(spec);
}

const PICK_CONTAINER = compile(CONTAINER) as (
  value: unknown,
  cache: ProjectionCache,
) => Container | undefined;
const PICK_MOUNTS = compile([VOLUME_MOUNT]) as (
  value: unknown,
  cache: ProjectionCache,
) => VolumeMount[] | undefined;

/** A pod spec's containers, picked field by field (`projectObject`). */
function pickContainers(value: unknown, cache: ProjectionCache): Container[] | undefined {
  return pickEach(value, (entry) => PICK_CONTAINER(entry, cache));
}

/**
 * A pod spec's containers in a snapshot (`toSnapshotObject`): each distinct container is
 * projected, redacted and shared once, and reused for every Pod and template that repeats it
 * (`finishedContainer`): the replicas of a controller carry the same containers, and picking,
 * redacting and sharing them again per Pod was most of the collector's own work on a large
 * cluster.
 */
function pickFinishedContainers(value: unknown, cache: ProjectionCache): Container[] | undefined {
  return pickEach(value, (entry) => finishedContainer(entry, cache));
}

function pickEach(
  value: unknown,
  pick: (entry: Record<string, unknown>) => Container | undefined,
): Container[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Container[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const picked = pick(entry);
    if (picked !== undefined) out.push(picked);
  }
  return out;
}

/** Redacts, then shares: a shared part is never changed again. */
function finish(container: Container, cache: ProjectionCache): Container {
  redactContainer(container, cache);
  shareContainer(container, cache);
  return container;
}

/**
 * A container of a Pod or template in a snapshot: made once per distinct container (as
 * received, but for its `volumeMounts`, which name the Pod's own service account token volume)
 * and reused for every Pod that repeats it. The mounts are picked per container, and shared
 * but for that per-Pod one. A container the reader put back in a page (`shared-containers.ts`)
 * is found by the entry it was put back from; any other is compared as parsed (keys in order)
 * with the few made for the same name and image: writing every container out as JSON to look
 * it up took a third of the projection of the 10,000-pod bench cluster (180 of 550 ms;
 * comparing takes 90, and the projection 490–510 ms).
 */
function finishedContainer(entry: Record<string, unknown>, cache: ProjectionCache): Container | undefined {
  // A client-node model instance (renamed fields, Dates) is finished on its own, not remembered.
  if (!isPlain(entry)) {
    const picked = PICK_CONTAINER(entry, cache);
    return picked === undefined ? undefined : finish(picked, cache);
  }
  const origin = putBackFrom(entry);
  let known = origin === undefined ? undefined : cache.putBackContainers.get(origin);
  if (known === undefined) {
    known = knownContainer(entry, cache);
    if (origin !== undefined) cache.putBackContainers.set(origin, known);
  }
  const { volumeMounts } = entry;
  const mounts =
    volumeMounts === undefined || volumeMounts === null ? undefined : PICK_MOUNTS(volumeMounts, cache);
  return mounts === undefined ? known : { ...known, volumeMounts: shareMounts(mounts, cache) };
}

/**
 * The finished container (without mounts) of a plain entry: one made before, or made now. The
 * few made for its name and image are compared with it as parsed (keys in order, mounts left
 * out); when more variants share a name and image (a sidecar that every workload configures its
 * own way), the older ones are found by their JSON text (`KeptByJson`).
 */
function knownContainer(entry: Record<string, unknown>, cache: ProjectionCache): Container {
  const { name, image } = entry;
  // Only where to look: whether a container is the same is what `sameJson` says.
  const where = `${typeof name === 'string' ? name : ''}\u0000${typeof image === 'string' ? image : ''}`;
  return cache.containers.get(
    where,
    entry,
    sameButMounts,
    () => {
      const { volumeMounts: _mounts, ...raw } = entry;
      return raw;
    },
    (raw) => finish(PICK_CONTAINER(raw, cache) as Container, cache),
  );
}

const sameButMounts = (entry: unknown, raw: unknown): boolean => sameJson(entry, raw, 'volumeMounts');

const PICK_METADATA = compile(METADATA);

function compileBodies(snapshot: boolean): Record<K8sKind, Picker> {
  return Object.fromEntries(
    (Object.entries(BODY) as [K8sKind, Shape][]).map(([kind, shape]) => [kind, compile(shape, snapshot)]),
  ) as Record<K8sKind, Picker>;
}

const PICK_BODY = compileBodies(false);
const PICK_SNAPSHOT_BODY = compileBodies(true);

/**
 * The snapshot form of one object of `kind`, before redaction: `apiVersion` and `kind` are
 * always set (list items from the API server carry neither). Undefined for something that is
 * not an object with a `metadata.name`.
 */
export function projectObject(
  kind: K8sKind,
  raw: unknown,
  cache: ProjectionCache = new ProjectionCache(),
): K8sObject | undefined {
  return project(kind, raw, cache, PICK_BODY);
}

function project(
  kind: K8sKind,
  raw: unknown,
  cache: ProjectionCache,
  bodies: Record<K8sKind, Picker>,
): K8sObject | undefined {
  if (!isRecord(raw)) return undefined;
  const rawMetadata = field(raw, 'metadata');
  const metadata =
    rawMetadata === undefined || rawMetadata === null ? undefined : PICK_METADATA(rawMetadata, cache);
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') return undefined;
  const body = bodies[kind](raw, cache);
  const apiVersion = field(raw, 'apiVersion');
  return {
    apiVersion: typeof apiVersion === 'string' ? cache.intern(apiVersion) : apiVersionOf(kind),
    kind: K8S_KINDS[kind].kind,
    metadata: metadata as unknown as K8sObject['metadata'],
    ...(isRecord(body) ? body : {}),
  };
}

/**
 * Projection then redaction: the only form in which cluster objects enter a snapshot. Pass one
 * `cache` for a whole collection so repeated strings and redactions are shared.
 */
export function toSnapshotObject(
  kind: K8sKind,
  raw: unknown,
  cache: ProjectionCache = new ProjectionCache(),
): K8sObject | undefined {
  // Containers come out of the projection finished (see `pickFinishedContainers`); the rest
  // of the object is redacted and shared here.
  const projected = project(kind, raw, cache, PICK_SNAPSHOT_BODY);
  if (projected) {
    redactObject(kind, projected, cache);
    // Only once redacted: a shared part is never changed again.
    shareObject(kind, projected, cache);
  }
  return projected;
}
