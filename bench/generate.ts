import type { EksFacts } from '../functions/core/eks-types.ts';
import {
  ACCOUNT,
  appContainer,
  appImage,
  istioInjected,
  type Json,
  type JsonObject,
  managedField,
  metadata,
  ownerRef,
  POD_SPEC_DEFAULTS,
  type Posture,
  podFromTemplate,
  podName,
  podSecurityContext,
  REGION,
  Rng,
  sidecar,
  suffix,
  templateHash,
  timeAgo,
  vpcIp,
  ZONES,
} from './objects.ts';
import {
  aggregatedClusterRoles,
  CRDS,
  crdObject,
  SYSTEM_CLUSTER_ROLE_BINDINGS,
  SYSTEM_CLUSTER_ROLES,
  webhookObjects,
} from './system.ts';

/**
 * Deterministic synthetic EKS clusters for the benchmark, up to the Kubernetes scalability
 * envelope (https://github.com/kubernetes/community/blob/master/sig-scalability/configs-and-limits/thresholds.md):
 * 5,000 nodes, 150,000 pods, 10,000 namespaces, 10,000 services, and 20,000 RBAC bindings.
 *
 * The layout is planned first (cheap: names, counts and postures), then objects are built
 * one at a time by `objects()`, so a 150,000-pod cluster never has to exist as one array.
 * Every object draws from its own seeded stream, so the same seed gives byte-identical
 * output whatever is asked for first.
 *
 * What a cluster holds, per preset: system add-ons as on EKS (VPC CNI, kube-proxy, EBS CSI,
 * Pod Identity agent, CoreDNS, the load balancer controller, Fluent Bit, node exporter, Istio,
 * cert-manager); application namespaces owned by teams, each with a posture (restricted,
 * baseline, lax, or privileged) that decides securityContexts, probes, resources, network
 * policies, quotas and Pod Security labels; Deployments owning ReplicaSets (the current one
 * and up to three old ones) owning Pods with 1–3 containers (sidecars, and an injected Istio
 * proxy in meshed namespaces, which makes Pods differ from their templates), StatefulSets,
 * DaemonSets on every node, CronJobs with their last Jobs and Pods, a few bare Pods;
 * Services (ClusterIP, LoadBalancer, NodePort), Ingresses, ServiceAccounts (some with IRSA),
 * ConfigMaps (some holding credentials), NetworkPolicies, ResourceQuotas, LimitRanges, RBAC
 * with the built-in aggregated roles, CRDs and webhooks; Nodes in managed node groups; and the
 * EKS API facts (DescribeCluster, node groups, add-ons, access entries, versions, insights).
 */

export interface ClusterSize {
  pods: number;
  nodes: number;
  /** All namespaces, the nine system ones included. */
  namespaces: number;
  services: number;
  /** RoleBindings + ClusterRoleBindings. */
  rbacBindings: number;
}

export const PRESETS = {
  '1k': { pods: 1_000, nodes: 34, namespaces: 67, services: 67, rbacBindings: 134 },
  '10k': { pods: 10_000, nodes: 334, namespaces: 667, services: 667, rbacBindings: 1_334 },
  '150k': { pods: 150_000, nodes: 5_000, namespaces: 10_000, services: 10_000, rbacBindings: 20_000 },
} as const satisfies Record<string, ClusterSize>;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(value: string): value is PresetName {
  return Object.hasOwn(PRESETS, value);
}

export const DEFAULT_SEED = 20261123;

export interface GeneratedCluster {
  name: string;
  region: string;
  accountId: string;
  seed: number;
  size: ClusterSize;
  /** The EKS API facts (DescribeCluster and friends) as the collector would receive them. */
  eks: EksFacts;
  /** Every Kubernetes object, as the API server would return it; a new pass on each call. */
  objects(): Generator<JsonObject>;
}

// ---------------------------------------------------------------------------------------------
// Plan

interface NamespacePlan {
  name: string;
  team: string;
  env: string;
  posture: Posture;
  mesh: boolean;
  psa: 'restricted' | 'baseline' | undefined;
  networkPolicies: 'deny' | 'partial' | 'none';
  quota: boolean;
  system: boolean;
  /** Apps (Deployments and StatefulSets) of the namespace, by index into `apps`. */
  apps: number[];
  roleBindings: number;
}

interface AppPlan {
  kind: 'Deployment' | 'StatefulSet';
  namespace: number;
  name: string;
  replicas: number;
  posture: Posture;
  oldReplicaSets: number;
  services: number;
  serviceType: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
  ingress: boolean;
  /** Fixed system add-ons keep their real names, images and postures. */
  system?: SystemApp;
}

interface SystemApp {
  image: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostPaths?: string[];
  posture: Posture;
  serviceAccount: string;
}

interface DaemonSetPlan {
  namespace: string;
  name: string;
  app: SystemApp;
}

interface CronJobPlan {
  namespace: number;
  name: string;
  jobs: number;
}

interface Plan {
  namespaces: NamespacePlan[];
  apps: AppPlan[];
  daemonSets: DaemonSetPlan[];
  cronJobs: CronJobPlan[];
  barePods: { namespace: number; name: string }[];
  nodes: { name: string; group: number; zone: string; instanceType: string; ip: string; id: string }[];
  nodeGroups: { name: string; instanceType: string; capacity: 'ON_DEMAND' | 'SPOT'; release: string }[];
  customClusterRoleBindings: number;
}

const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'amazon-cloudwatch',
  'monitoring',
  'istio-system',
  'cert-manager',
  'karpenter',
] as const;

const TEAMS = [
  'payments',
  'checkout',
  'search',
  'identity',
  'catalog',
  'data',
  'ml',
  'growth',
  'ledger',
  'notifications',
  'platform',
  'risk',
];

const APP_WORDS = [
  'api',
  'web',
  'worker',
  'gateway',
  'scheduler',
  'indexer',
  'consumer',
  'publisher',
  'cache',
  'auth',
  'frontend',
  'backend',
  'reporter',
  'sync',
  'importer',
  'exporter',
  'router',
  'renderer',
  'notifier',
  'billing',
];

const DAEMON_SETS: readonly DaemonSetPlan[] = [
  {
    namespace: 'kube-system',
    name: 'aws-node',
    app: {
      image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1',
      hostNetwork: true,
      hostPaths: [
        '/opt/cni/bin',
        '/etc/cni/net.d',
        '/var/log/aws-routed-eni',
        '/var/run/aws-node',
        '/run/xtables.lock',
      ],
      posture: 'privileged',
      serviceAccount: 'aws-node',
    },
  },
  {
    namespace: 'kube-system',
    name: 'kube-proxy',
    app: {
      image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2',
      hostNetwork: true,
      hostPaths: ['/var/log', '/run/xtables.lock', '/lib/modules'],
      posture: 'privileged',
      serviceAccount: 'kube-proxy',
    },
  },
  {
    namespace: 'kube-system',
    name: 'ebs-csi-node',
    app: {
      image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.37.0',
      hostPaths: ['/var/lib/kubelet', '/var/lib/kubelet/plugins/ebs.csi.aws.com/', '/dev'],
      posture: 'privileged',
      serviceAccount: 'ebs-csi-node-sa',
    },
  },
  {
    namespace: 'kube-system',
    name: 'eks-pod-identity-agent',
    app: {
      image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/eks-pod-identity-agent:0.1.15',
      hostNetwork: true,
      posture: 'baseline',
      serviceAccount: 'default',
    },
  },
  {
    namespace: 'amazon-cloudwatch',
    name: 'fluent-bit',
    app: {
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2',
      hostPaths: ['/var/log', '/var/lib/docker/containers', '/run/log/journal'],
      posture: 'lax',
      serviceAccount: 'fluent-bit',
    },
  },
  {
    namespace: 'monitoring',
    name: 'node-exporter',
    app: {
      image: 'quay.io/prometheus/node-exporter:v1.8.2',
      hostNetwork: true,
      hostPID: true,
      hostPaths: ['/proc', '/sys', '/'],
      posture: 'baseline',
      serviceAccount: 'node-exporter',
    },
  },
];

const SYSTEM_DEPLOYMENTS: readonly { namespace: string; name: string; replicas: number; app: SystemApp }[] = [
  [
    'kube-system',
    'coredns',
    2,
    '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2',
    'coredns',
  ],
  [
    'kube-system',
    'aws-load-balancer-controller',
    2,
    'public.ecr.aws/eks/aws-load-balancer-controller:v2.9.2',
    'aws-load-balancer-controller',
  ],
  [
    'kube-system',
    'metrics-server',
    2,
    'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
    'metrics-server',
  ],
  [
    'kube-system',
    'ebs-csi-controller',
    2,
    '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.37.0',
    'ebs-csi-controller-sa',
  ],
  ['karpenter', 'karpenter', 2, 'public.ecr.aws/karpenter/controller:1.0.8', 'karpenter'],
  [
    'monitoring',
    'kube-state-metrics',
    1,
    'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
    'kube-state-metrics',
  ],
  ['monitoring', 'grafana', 1, 'docker.io/grafana/grafana:11.3.0', 'grafana'],
  ['istio-system', 'istiod', 2, 'docker.io/istio/pilot:1.23.2', 'istiod'],
  ['istio-system', 'istio-ingressgateway', 3, 'docker.io/istio/proxyv2:1.23.2', 'istio-ingressgateway'],
  ['cert-manager', 'cert-manager', 1, 'quay.io/jetstack/cert-manager-controller:v1.16.1', 'cert-manager'],
  [
    'cert-manager',
    'cert-manager-cainjector',
    1,
    'quay.io/jetstack/cert-manager-cainjector:v1.16.1',
    'cert-manager-cainjector',
  ],
  [
    'cert-manager',
    'cert-manager-webhook',
    1,
    'quay.io/jetstack/cert-manager-webhook:v1.16.1',
    'cert-manager-webhook',
  ],
].map(([namespace, name, replicas, image, serviceAccount]) => ({
  namespace: String(namespace),
  name: String(name),
  replicas: Number(replicas),
  app: { image: String(image), posture: 'restricted' as Posture, serviceAccount: String(serviceAccount) },
}));

/** Services of the system namespaces (besides those of SYSTEM_DEPLOYMENTS' apps). */
const SYSTEM_SERVICES: readonly {
  namespace: string;
  name: string;
  type: AppPlan['serviceType'];
  app: string;
  port: number;
}[] = [
  { namespace: 'default', name: 'kubernetes', type: 'ClusterIP', app: '', port: 443 },
  { namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', app: 'coredns', port: 53 },
  { namespace: 'kube-system', name: 'metrics-server', type: 'ClusterIP', app: 'metrics-server', port: 443 },
  {
    namespace: 'kube-system',
    name: 'aws-load-balancer-webhook-service',
    type: 'ClusterIP',
    app: 'aws-load-balancer-controller',
    port: 443,
  },
  { namespace: 'karpenter', name: 'karpenter', type: 'ClusterIP', app: 'karpenter', port: 8000 },
  {
    namespace: 'monitoring',
    name: 'kube-state-metrics',
    type: 'ClusterIP',
    app: 'kube-state-metrics',
    port: 8080,
  },
  { namespace: 'monitoring', name: 'grafana', type: 'LoadBalancer', app: 'grafana', port: 3000 },
  { namespace: 'monitoring', name: 'prometheus', type: 'ClusterIP', app: 'prometheus', port: 9090 },
  { namespace: 'monitoring', name: 'node-exporter', type: 'ClusterIP', app: 'node-exporter', port: 9100 },
  { namespace: 'istio-system', name: 'istiod', type: 'ClusterIP', app: 'istiod', port: 15012 },
  {
    namespace: 'istio-system',
    name: 'istio-ingressgateway',
    type: 'LoadBalancer',
    app: 'istio-ingressgateway',
    port: 443,
  },
  {
    namespace: 'cert-manager',
    name: 'cert-manager-webhook',
    type: 'ClusterIP',
    app: 'cert-manager-webhook',
    port: 443,
  },
];

const PROMETHEUS: AppPlan = {
  kind: 'StatefulSet',
  namespace: SYSTEM_NAMESPACES.indexOf('monitoring'),
  name: 'prometheus',
  replicas: 2,
  posture: 'restricted',
  oldReplicaSets: 0,
  services: 0,
  serviceType: 'ClusterIP',
  ingress: false,
  system: {
    image: 'quay.io/prometheus/prometheus:v2.55.0',
    posture: 'restricted',
    serviceAccount: 'prometheus',
  },
};

function planCluster(size: ClusterSize, seed: number): Plan {
  const rng = Rng.for(seed, 'plan');
  const appNamespaceCount = size.namespaces - SYSTEM_NAMESPACES.length;
  if (appNamespaceCount < 1)
    throw new Error(`a cluster needs more than ${SYSTEM_NAMESPACES.length} namespaces`);

  const namespaces: NamespacePlan[] = SYSTEM_NAMESPACES.map((name) => ({
    name,
    team: 'platform',
    env: 'prod',
    posture: 'baseline',
    mesh: false,
    psa: undefined,
    networkPolicies: 'none',
    quota: false,
    system: true,
    apps: [],
    roleBindings: 0,
  }));
  const usedNames = new Set<string>(SYSTEM_NAMESPACES);
  for (let i = 0; i < appNamespaceCount; i++) {
    const team = rng.pick(TEAMS);
    const env = rng.weighted([
      ['prod', 5],
      ['staging', 3],
      ['dev', 2],
    ] as const);
    let name = `${team}-${env}`;
    for (let n = 2; usedNames.has(name); n++) name = `${team}-${env}-${n}`;
    usedNames.add(name);
    const posture = rng.weighted<Posture>([
      ['restricted', 30],
      ['baseline', 40],
      ['lax', 25],
      ['privileged', 5],
    ]);
    namespaces.push({
      name,
      team,
      env,
      posture,
      mesh: rng.chance(0.3),
      psa:
        posture === 'restricted' && rng.chance(0.7)
          ? 'restricted'
          : posture === 'baseline' && rng.chance(0.4)
            ? 'baseline'
            : undefined,
      networkPolicies:
        posture === 'restricted' ? 'deny' : posture === 'baseline' && rng.chance(0.5) ? 'partial' : 'none',
      quota: posture === 'restricted' || rng.chance(0.3),
      system: false,
      apps: [],
      roleBindings: 0,
    });
  }
  const appNamespaces = namespaces.filter((ns) => !ns.system).map((ns) => namespaces.indexOf(ns));

  // Pods that are not an app Deployment's: DaemonSets, system add-ons, StatefulSets, Jobs, bare.
  const daemonPods = DAEMON_SETS.length * size.nodes;
  const systemDeploymentPods = SYSTEM_DEPLOYMENTS.reduce((sum, d) => sum + d.replicas, 0);
  const statefulSetCount = Math.max(1, Math.round(appNamespaceCount * 0.02));
  const cronJobCount = Math.max(1, Math.round(appNamespaceCount * 0.05));
  const jobsPerCronJob = 2;
  const barePodCount = Math.max(1, Math.round(size.pods * 0.002));
  const deploymentCount = Math.max(1, Math.round(appNamespaceCount * 1.3));
  const statefulPods = statefulSetCount * 3 + PROMETHEUS.replicas;
  const deploymentPods =
    size.pods -
    daemonPods -
    systemDeploymentPods -
    statefulPods -
    cronJobCount * jobsPerCronJob -
    barePodCount;
  if (deploymentPods < deploymentCount) {
    throw new Error(
      `${size.pods} pods are too few for ${size.nodes} nodes and ${size.namespaces} namespaces`,
    );
  }

  // Replica counts: heavy-tailed (most apps run a few replicas, some run hundreds), summing
  // exactly to the pods left for Deployments.
  const weights = Array.from({ length: deploymentCount }, () => (-Math.log(1 - rng.next())) ** 2);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const extra = deploymentPods - deploymentCount;
  const replicas = weights.map((w) => 1 + Math.floor((extra * w) / total));
  let left = deploymentPods - replicas.reduce((sum, r) => sum + r, 0);
  for (let i = 0; left > 0; i = (i + 1) % deploymentCount, left--) replicas[i] = (replicas[i] ?? 0) + 1;

  const apps: AppPlan[] = [];
  const appNames = new Map<number, Set<string>>();
  const uniqueName = (namespace: number, word: string): string => {
    const names = appNames.get(namespace) ?? new Set<string>();
    appNames.set(namespace, names);
    let name = word;
    for (let n = 2; names.has(name); n++) name = `${word}-${n}`;
    names.add(name);
    return name;
  };
  for (const deployment of SYSTEM_DEPLOYMENTS) {
    const namespace = SYSTEM_NAMESPACES.indexOf(deployment.namespace as (typeof SYSTEM_NAMESPACES)[number]);
    apps.push({
      kind: 'Deployment',
      namespace,
      name: uniqueName(namespace, deployment.name),
      replicas: deployment.replicas,
      posture: deployment.app.posture,
      oldReplicaSets: 2,
      services: 0,
      serviceType: 'ClusterIP',
      ingress: false,
      system: deployment.app,
    });
  }
  apps.push({ ...PROMETHEUS, name: uniqueName(PROMETHEUS.namespace, PROMETHEUS.name) });

  // Every app namespace gets a Deployment; the rest land where the plan's stream sends them.
  for (let i = 0; i < deploymentCount; i++) {
    const namespace = i < appNamespaces.length ? (appNamespaces[i] as number) : rng.pick(appNamespaces);
    const ns = namespaces[namespace] as NamespacePlan;
    const posture = rng.chance(0.8) ? ns.posture : rng.pick<Posture>(['restricted', 'baseline', 'lax']);
    apps.push({
      kind: 'Deployment',
      namespace,
      name: uniqueName(namespace, rng.pick(APP_WORDS)),
      replicas: replicas[i] ?? 1,
      posture,
      oldReplicaSets: rng.int(0, 3),
      services: 0,
      serviceType: rng.weighted<AppPlan['serviceType']>([
        ['ClusterIP', 85],
        ['LoadBalancer', 10],
        ['NodePort', 5],
      ]),
      ingress: false,
    });
  }
  for (let i = 0; i < statefulSetCount; i++) {
    const namespace = rng.pick(appNamespaces);
    const ns = namespaces[namespace] as NamespacePlan;
    apps.push({
      kind: 'StatefulSet',
      namespace,
      name: uniqueName(namespace, rng.pick(['postgres', 'redis', 'kafka', 'zookeeper', 'elasticsearch'])),
      replicas: 3,
      posture: ns.posture,
      oldReplicaSets: 0,
      services: 1,
      serviceType: 'ClusterIP',
      ingress: false,
    });
  }

  // Services: the system ones, one headless per StatefulSet, then one per app Deployment in
  // order, then a second (metrics) Service per Deployment while any are left.
  let servicesLeft = size.services - SYSTEM_SERVICES.length - statefulSetCount;
  const appDeployments = apps.filter((app) => app.kind === 'Deployment' && app.system === undefined);
  for (let round = 0; servicesLeft > 0 && round < 4; round++) {
    for (const app of appDeployments) {
      if (servicesLeft === 0) break;
      app.services += 1;
      servicesLeft -= 1;
    }
  }
  if (servicesLeft !== 0) throw new Error('the plan could not place every Service');
  for (const app of appDeployments) app.ingress = app.services > 0 && rng.chance(0.08);
  for (const [index, app] of apps.entries()) (namespaces[app.namespace] as NamespacePlan).apps.push(index);

  const cronJobs: CronJobPlan[] = [];
  for (let i = 0; i < cronJobCount; i++) {
    const namespace = rng.pick(appNamespaces);
    cronJobs.push({
      namespace,
      name: uniqueName(namespace, rng.pick(['nightly-report', 'cleanup', 'backup', 'reindex', 'sync-users'])),
      jobs: jobsPerCronJob,
    });
  }
  const barePods = Array.from({ length: barePodCount }, (_, i) => {
    const namespace = i === 0 ? 0 : rng.pick(appNamespaces);
    return {
      namespace,
      name: uniqueName(namespace, `${rng.pick(['debug', 'tmp-shell', 'migrate', 'test'])}-${suffix(rng, 5)}`),
    };
  });

  // RBAC bindings: the built-in ClusterRoleBindings, 2% custom ones, the rest RoleBindings
  // spread over the app namespaces.
  const customClusterRoleBindings = Math.max(1, Math.round(size.rbacBindings * 0.02));
  const roleBindings = size.rbacBindings - SYSTEM_CLUSTER_ROLE_BINDINGS.length - customClusterRoleBindings;
  if (roleBindings < 0) throw new Error(`${size.rbacBindings} RBAC bindings are too few`);
  for (let i = 0; i < roleBindings; i++) {
    const ns = namespaces[appNamespaces[i % appNamespaces.length] as number] as NamespacePlan;
    ns.roleBindings += 1;
  }

  const groupCount = Math.max(2, Math.ceil(size.nodes / 450));
  const nodeGroups = Array.from({ length: groupCount }, (_, i) => {
    const instanceType = rng.pick(['m6i.2xlarge', 'm7g.2xlarge', 'c6i.4xlarge', 'r6i.2xlarge', 'm5.4xlarge']);
    const fresh = rng.chance(0.7);
    return {
      name: `${i === 0 ? 'system' : rng.pick(['general', 'compute', 'memory', 'batch'])}-${i}`,
      instanceType,
      capacity: (rng.chance(0.2) ? 'SPOT' : 'ON_DEMAND') as 'ON_DEMAND' | 'SPOT',
      release: fresh ? '1.31.3-20261027' : '1.31.0-20250515',
    };
  });
  const nodes = Array.from({ length: size.nodes }, (_, i) => {
    const ip = `10.0.${32 + Math.floor(i / 250)}.${10 + (i % 250)}`;
    const group = i % groupCount;
    return {
      name: `ip-${ip.replace(/\./g, '-')}.${REGION}.compute.internal`,
      group,
      zone: ZONES[i % ZONES.length] as string,
      instanceType: (nodeGroups[group] as Plan['nodeGroups'][number]).instanceType,
      ip,
      id: `i-0${rng.hex(16)}`,
    };
  });

  return {
    namespaces,
    apps,
    daemonSets: [...DAEMON_SETS],
    cronJobs,
    barePods,
    nodes,
    nodeGroups,
    customClusterRoleBindings,
  };
}

// ---------------------------------------------------------------------------------------------
// Object builders that need the plan

interface Context {
  seed: number;
  clusterName: string;
  plan: Plan;
  rv: { next: number };
  /** Pod names taken, per namespace: generated suffixes collide now and then, as in a real cluster. */
  podNames: Map<string, Set<string>>;
}

/** `base-xxxxx`, drawing again while the name is taken (the API server's generateName retries too). */
function uniquePodName(context: Context, namespace: string, base: string, rng: Rng): string {
  let taken = context.podNames.get(namespace);
  if (!taken) {
    taken = new Set();
    context.podNames.set(namespace, taken);
  }
  let name = podName(base, rng);
  while (taken.has(name)) name = podName(base, rng);
  taken.add(name);
  return name;
}

function resourceVersion(context: Context): string {
  context.rv.next += 1;
  return String(context.rv.next);
}

function uidFor(context: Context, key: string): string {
  return Rng.for(context.seed, `uid:${key}`).uuid();
}

function namespaceObject(context: Context, ns: NamespacePlan): JsonObject {
  const rng = Rng.for(context.seed, `ns:${ns.name}`);
  const created = ns.system ? '2023-06-14T09:26:10Z' : timeAgo(rng, 900, 10);
  const labels: Record<string, string> = { 'kubernetes.io/metadata.name': ns.name };
  if (!ns.system) {
    labels.team = ns.team;
    labels.env = ns.env;
    labels['app.kubernetes.io/managed-by'] = rng.pick(['argocd', 'terraform', 'helm']);
  }
  if (ns.mesh) labels['istio-injection'] = 'enabled';
  if (ns.psa) {
    labels['pod-security.kubernetes.io/enforce'] = ns.psa;
    labels['pod-security.kubernetes.io/enforce-version'] = 'latest';
    labels['pod-security.kubernetes.io/warn'] = 'restricted';
  }
  const annotations: Record<string, string> = ns.system
    ? {}
    : { 'owner.example.com/slack': `#team-${ns.team}`, 'argocd.argoproj.io/sync-wave': '-1' };
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...metadata({
        name: ns.name,
        uid: uidFor(context, `Namespace/${ns.name}`),
        labels,
        annotations,
        created,
        resourceVersion: resourceVersion(context),
      }),
      managedFields: [
        managedField('argocd-controller', 'v1', created, { metadata: { labels, annotations } }),
      ],
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

const NODE_IMAGES = [
  'docker.io/istio/proxyv2:1.23.2',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni-init:v1.19.2-eksbuild.1',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.37.0',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/csi-node-driver-registrar:v2.12.0-eks-1-31-7',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/livenessprobe:v2.14.0-eks-1-31-7',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/eks-pod-identity-agent:0.1.15',
  '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause:3.10',
  'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2',
  'quay.io/prometheus/node-exporter:v1.8.2',
  'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
];

function nodeObject(context: Context, node: Plan['nodes'][number]): JsonObject {
  const rng = Rng.for(context.seed, `node:${node.name}`);
  const group = context.plan.nodeGroups[node.group] as Plan['nodeGroups'][number];
  const created = timeAgo(rng, 30);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': node.instanceType.includes('g.') ? 'arm64' : 'amd64',
    'beta.kubernetes.io/instance-type': node.instanceType,
    'beta.kubernetes.io/os': 'linux',
    'eks.amazonaws.com/capacityType': group.capacity,
    'eks.amazonaws.com/nodegroup': group.name,
    'eks.amazonaws.com/nodegroup-image': `ami-0${rng.hex(16)}`,
    'eks.amazonaws.com/sourceLaunchTemplateId': `lt-0${rng.hex(16)}`,
    'eks.amazonaws.com/sourceLaunchTemplateVersion': '3',
    'failure-domain.beta.kubernetes.io/region': REGION,
    'failure-domain.beta.kubernetes.io/zone': node.zone,
    'k8s.io/cloud-provider-aws': rng.hex(32),
    'kubernetes.io/arch': node.instanceType.includes('g.') ? 'arm64' : 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': node.instanceType,
    'topology.ebs.csi.aws.com/zone': node.zone,
    'topology.k8s.aws/zone-id': `euw1-az${(ZONES.indexOf(node.zone as (typeof ZONES)[number]) % 3) + 1}`,
    'topology.kubernetes.io/region': REGION,
    'topology.kubernetes.io/zone': node.zone,
  };
  const annotations = {
    'alpha.kubernetes.io/provided-node-ip': node.ip,
    'csi.volume.kubernetes.io/nodeid': `{"ebs.csi.aws.com":"${node.id}"}`,
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  };
  const condition = (type: string, status: string, reason: string, message: string): JsonObject => ({
    type,
    status,
    lastHeartbeatTime: created,
    lastTransitionTime: created,
    reason,
    message,
  });
  const capacity = {
    cpu: '8',
    'ephemeral-storage': '104845292Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: '32386524Ki',
    pods: '58',
  };
  const status: JsonObject = {
    capacity,
    allocatable: { ...capacity, cpu: '7910m', 'ephemeral-storage': '95551679716', memory: '31369692Ki' },
    conditions: [
      condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
      ),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: node.ip },
      { type: 'InternalDNS', address: node.name },
      { type: 'Hostname', address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: rng.hex(32),
      systemUUID: `ec2${rng.hex(5)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
      bootID: rng.uuid(),
      kernelVersion: '6.1.112-124.190.amzn2023.x86_64',
      osImage: 'Amazon Linux 2023.6.20241031',
      containerRuntimeVersion: 'containerd://1.7.23',
      kubeletVersion: group.release.startsWith('1.31.3') ? 'v1.31.3-eks-59bf375' : 'v1.31.0-eks-a737599',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: labels['kubernetes.io/arch'] as string,
    },
    images: NODE_IMAGES.map((image) => ({
      names: [`${image.split(':')[0]}@sha256:${rng.hex(64)}`, image],
      sizeBytes: rng.int(5_000_000, 150_000_000),
    })),
  };
  const spec: JsonObject = { providerID: `aws:///${node.zone}/${node.id}` };
  if (group.capacity === 'SPOT' && rng.chance(0.5)) {
    spec.taints = [{ key: 'spot', value: 'true', effect: 'NoSchedule' }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...metadata({
        name: node.name,
        uid: uidFor(context, `Node/${node.name}`),
        labels,
        annotations,
        created,
        resourceVersion: resourceVersion(context),
      }),
      managedFields: [
        managedField('kubelet', 'v1', created, { metadata: { labels, annotations }, spec }),
        managedField('kubelet', 'v1', created, { status }, 'status'),
      ],
    },
    spec,
    status,
  };
}

function hostPathVolumes(paths: readonly string[]): { volumes: JsonObject[]; mounts: JsonObject[] } {
  const volumes = paths.map((path, i) => ({ name: `host-${i}`, hostPath: { path, type: '' } }));
  const mounts = paths.map((path, i) => ({
    name: `host-${i}`,
    mountPath: path === '/' ? '/host/root' : path,
  }));
  return { volumes, mounts };
}

/** The pod template of an app or add-on. */
function podTemplate(
  context: Context,
  ns: NamespacePlan,
  name: string,
  posture: Posture,
  system: SystemApp | undefined,
  extraLabels: Record<string, string> = {},
): JsonObject {
  const rng = Rng.for(context.seed, `template:${ns.name}/${name}`);
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': `${name}-${ns.env}`,
    'app.kubernetes.io/part-of': ns.team,
    ...extraLabels,
  };
  const annotations: Record<string, string> = {};
  if (rng.chance(0.4)) annotations['kubectl.kubernetes.io/restartedAt'] = timeAgo(rng, 60);
  if (rng.chance(0.5)) {
    annotations['prometheus.io/scrape'] = 'true';
    annotations['prometheus.io/port'] = '9090';
  }
  const volumes: JsonObject[] = [];
  const mounts: JsonObject[] = [];
  let image: { image: string; digest: string };
  if (system) {
    image = { image: system.image, digest: `sha256:${rng.hex(64)}` };
    if (system.hostPaths) {
      const host = hostPathVolumes(system.hostPaths);
      volumes.push(...host.volumes);
      mounts.push(...host.mounts);
    }
  } else {
    image = appImage(rng, ns.team, name);
    if (rng.chance(0.5)) {
      volumes.push({ name: 'config', configMap: { name: `${name}-config`, defaultMode: 420 } });
      mounts.push({ name: 'config', mountPath: '/etc/app', readOnly: true });
    }
    if (rng.chance(0.2)) {
      volumes.push({ name: 'tls', secret: { secretName: `${name}-tls`, defaultMode: 420 } });
      mounts.push({ name: 'tls', mountPath: '/etc/tls', readOnly: true });
    }
    if (posture === 'privileged' && rng.chance(0.5)) {
      const host = hostPathVolumes([rng.pick(['/var/run/docker.sock', '/var/log', '/etc'])]);
      volumes.push(...host.volumes);
      mounts.push(...host.mounts);
    }
  }
  if (posture === 'restricted') volumes.push({ name: 'tmp', emptyDir: {} });
  const containers: JsonObject[] = [appContainer(rng, name, image, posture, mounts)];
  const sidecars = system
    ? 0
    : rng.weighted([
        [0, 5],
        [1, 4],
        [2, 1],
      ] as const);
  for (let i = 0; i < sidecars; i++) {
    const extra = sidecar(rng, posture);
    if (containers.some((c) => c.name === extra.name)) continue;
    containers.push(extra);
    volumes.push({
      name: `${String(extra.name)}-config`,
      configMap: { name: `${name}-${String(extra.name)}`, defaultMode: 420 },
    });
  }
  const ownServiceAccount = system !== undefined || rng.chance(0.7);
  const spec: JsonObject = {
    ...(volumes.length > 0 ? { volumes } : {}),
    containers,
    ...POD_SPEC_DEFAULTS,
    ...(ownServiceAccount ? { serviceAccountName: system?.serviceAccount ?? name } : {}),
    ...(posture !== 'lax' && rng.chance(0.6) ? { automountServiceAccountToken: false } : {}),
    securityContext: podSecurityContext(rng, posture),
    ...(system?.hostNetwork || (posture === 'privileged' && rng.chance(0.3)) ? { hostNetwork: true } : {}),
    ...(system?.hostPID ? { hostPID: true } : {}),
    ...(rng.chance(0.3) ? { nodeSelector: { 'kubernetes.io/os': 'linux' } } : {}),
    ...(rng.chance(0.3) ? { priorityClassName: rng.pick(['high-priority', 'system-cluster-critical']) } : {}),
  };
  return {
    metadata: { labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec,
  };
}

function controllerObject(
  kind: string,
  apiVersion: string,
  meta: {
    name: string;
    namespace: string;
    uid: string;
    created: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    owner?: JsonObject;
  },
  context: Context,
  spec: JsonObject,
  status: JsonObject,
  manager: string,
): JsonObject {
  const generation = 1 + (meta.uid.charCodeAt(0) % 20);
  const base = metadata({
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    labels: meta.labels,
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
    ...(meta.owner ? { ownerReferences: [meta.owner] } : {}),
    created: meta.created,
    resourceVersion: resourceVersion(context),
    generation,
  });
  return {
    apiVersion,
    kind,
    metadata: {
      ...base,
      managedFields: [
        managedField(manager, apiVersion, meta.created, {
          metadata: { labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
          spec,
        }),
        managedField('kube-controller-manager', apiVersion, meta.created, { status }, 'status'),
      ],
    },
    spec,
    status: { observedGeneration: generation, ...status },
  };
}

interface PodPlacement {
  next: number;
}

function placeNode(context: Context, placement: PodPlacement): Plan['nodes'][number] {
  const nodes = context.plan.nodes;
  const node = nodes[placement.next % nodes.length] as Plan['nodes'][number];
  placement.next += 1;
  return node;
}

function* appObjects(context: Context, app: AppPlan, placement: PodPlacement): Generator<JsonObject> {
  const ns = context.plan.namespaces[app.namespace] as NamespacePlan;
  const rng = Rng.for(context.seed, `app:${ns.name}/${app.name}`);
  const created = timeAgo(rng, 700, 1);
  const manager = rng.pick(['argocd-controller', 'helm', 'kubectl-client-side-apply']);
  const labels = {
    'app.kubernetes.io/name': app.name,
    'app.kubernetes.io/instance': `${app.name}-${ns.env}`,
    'app.kubernetes.io/part-of': ns.team,
    'app.kubernetes.io/version': `${rng.int(1, 5)}.${rng.int(0, 40)}.${rng.int(0, 9)}`,
    ...(app.system ? {} : { 'app.kubernetes.io/managed-by': manager === 'helm' ? 'Helm' : 'argocd' }),
  };
  const uid = uidFor(context, `${app.kind}/${ns.name}/${app.name}`);
  const template = podTemplate(context, ns, app.name, app.posture, app.system);
  const selector = {
    matchLabels: {
      'app.kubernetes.io/name': app.name,
      'app.kubernetes.io/instance': `${app.name}-${ns.env}`,
    },
  };
  const injected = ns.mesh ? istioInjected() : undefined;

  if (app.kind === 'Deployment') {
    const revision = 1 + app.oldReplicaSets + rng.int(0, 5);
    yield controllerObject(
      'Deployment',
      'apps/v1',
      {
        name: app.name,
        namespace: ns.name,
        uid,
        created,
        labels,
        annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      },
      context,
      {
        replicas: app.replicas,
        selector,
        template,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      {
        replicas: app.replicas,
        updatedReplicas: app.replicas,
        readyReplicas: app.replicas,
        availableReplicas: app.replicas,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastUpdateTime: created,
            lastTransitionTime: created,
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          },
          {
            type: 'Progressing',
            status: 'True',
            lastUpdateTime: created,
            lastTransitionTime: created,
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${app.name}" has successfully progressed.`,
          },
        ],
      },
      manager,
    );
    const deploymentOwner = ownerRef('apps/v1', 'Deployment', app.name, uid);
    // Old ReplicaSets first (scaled to zero), then the current one, which owns the Pods.
    for (let r = 0; r <= app.oldReplicaSets; r++) {
      const current = r === app.oldReplicaSets;
      const hash = templateHash(rng);
      const rsName = `${app.name}-${hash}`;
      const rsUid = uidFor(context, `ReplicaSet/${ns.name}/${rsName}`);
      const rsTemplate: JsonObject = {
        metadata: {
          ...(template.metadata as JsonObject),
          labels: {
            ...((template.metadata as JsonObject).labels as Record<string, string>),
            'pod-template-hash': hash,
          },
        },
        spec: template.spec as Json,
      };
      const rsLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
      const replicas = current ? app.replicas : 0;
      yield controllerObject(
        'ReplicaSet',
        'apps/v1',
        {
          name: rsName,
          namespace: ns.name,
          uid: rsUid,
          created: current ? created : timeAgo(rng, 900, 30),
          labels: rsLabels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(app.replicas),
            'deployment.kubernetes.io/max-replicas': String(Math.ceil(app.replicas * 1.25)),
            'deployment.kubernetes.io/revision': String(revision - app.oldReplicaSets + r),
          },
          owner: deploymentOwner,
        },
        context,
        { replicas, selector: { matchLabels: rsLabels }, template: rsTemplate },
        { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
        'kube-controller-manager',
      );
      if (!current) continue;
      const owner = ownerRef('apps/v1', 'ReplicaSet', rsName, rsUid);
      for (let p = 0; p < app.replicas; p++) {
        const podRng = Rng.for(context.seed, `pod:${ns.name}/${rsName}/${p}`);
        const name = uniquePodName(context, ns.name, rsName, podRng);
        const node = placeNode(context, placement);
        yield podFromTemplate({
          rng: podRng,
          template: rsTemplate,
          name,
          namespace: ns.name,
          uid: podRng.uuid(),
          owner,
          nodeName: node.name,
          hostIP: node.ip,
          podIP: vpcIp(podRng),
          created: timeAgo(podRng, 20),
          resourceVersion: resourceVersion(context),
          ...(injected ? { injected } : {}),
        });
      }
    }
  } else {
    yield controllerObject(
      'StatefulSet',
      'apps/v1',
      { name: app.name, namespace: ns.name, uid, created, labels },
      context,
      {
        replicas: app.replicas,
        selector,
        template,
        serviceName: app.name,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: 'gp3',
              resources: { requests: { storage: '100Gi' } },
              volumeMode: 'Filesystem',
            },
            status: { phase: 'Pending' },
          },
        ],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
      {
        replicas: app.replicas,
        readyReplicas: app.replicas,
        currentReplicas: app.replicas,
        updatedReplicas: app.replicas,
        currentRevision: `${app.name}-${rng.hex(10)}`,
        collisionCount: 0,
        availableReplicas: app.replicas,
      },
      manager,
    );
    const owner = ownerRef('apps/v1', 'StatefulSet', app.name, uid);
    for (let p = 0; p < app.replicas; p++) {
      const podRng = Rng.for(context.seed, `pod:${ns.name}/${app.name}/${p}`);
      const node = placeNode(context, placement);
      yield podFromTemplate({
        rng: podRng,
        template,
        name: `${app.name}-${p}`,
        namespace: ns.name,
        uid: podRng.uuid(),
        owner,
        nodeName: node.name,
        hostIP: node.ip,
        podIP: vpcIp(podRng),
        created: timeAgo(podRng, 60),
        resourceVersion: resourceVersion(context),
        extraLabels: {
          'statefulset.kubernetes.io/pod-name': `${app.name}-${p}`,
          'apps.kubernetes.io/pod-index': String(p),
        },
        ...(injected ? { injected } : {}),
      });
    }
  }
}

function daemonSetObjects(context: Context, ds: DaemonSetPlan): Generator<JsonObject> {
  const ns = context.plan.namespaces.find((n) => n.name === ds.namespace) as NamespacePlan;
  const rng = Rng.for(context.seed, `ds:${ds.namespace}/${ds.name}`);
  const created = timeAgo(rng, 400, 100);
  const uid = uidFor(context, `DaemonSet/${ds.namespace}/${ds.name}`);
  const labels = { 'k8s-app': ds.name, 'app.kubernetes.io/name': ds.name };
  const template = podTemplate(context, ns, ds.name, ds.app.posture, ds.app, { 'k8s-app': ds.name });
  const nodes = context.plan.nodes.length;
  const generator = function* (): Generator<JsonObject> {
    yield controllerObject(
      'DaemonSet',
      'apps/v1',
      {
        name: ds.name,
        namespace: ds.namespace,
        uid,
        created,
        labels,
        annotations: { 'deprecated.daemonset.template.generation': '3' },
      },
      context,
      {
        selector: { matchLabels: { 'k8s-app': ds.name } },
        template,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      {
        currentNumberScheduled: nodes,
        numberMisscheduled: 0,
        desiredNumberScheduled: nodes,
        numberReady: nodes,
        updatedNumberScheduled: nodes,
        numberAvailable: nodes,
      },
      'eks',
    );
    const owner = ownerRef('apps/v1', 'DaemonSet', ds.name, uid);
    for (const node of context.plan.nodes) {
      const podRng = Rng.for(context.seed, `pod:${ds.namespace}/${ds.name}/${node.name}`);
      yield podFromTemplate({
        rng: podRng,
        template,
        name: uniquePodName(context, ds.namespace, ds.name, podRng),
        namespace: ds.namespace,
        uid: podRng.uuid(),
        owner,
        nodeName: node.name,
        hostIP: node.ip,
        podIP: ds.app.hostNetwork ? node.ip : vpcIp(podRng),
        created: timeAgo(podRng, 30),
        resourceVersion: resourceVersion(context),
        extraLabels: { 'controller-revision-hash': '6c8f7d5b9', 'pod-template-generation': '3' },
      });
    }
  };
  return generator();
}

function* cronJobObjects(
  context: Context,
  cron: CronJobPlan,
  placement: PodPlacement,
): Generator<JsonObject> {
  const ns = context.plan.namespaces[cron.namespace] as NamespacePlan;
  const rng = Rng.for(context.seed, `cron:${ns.name}/${cron.name}`);
  const created = timeAgo(rng, 500, 10);
  const uid = uidFor(context, `CronJob/${ns.name}/${cron.name}`);
  const labels = { 'app.kubernetes.io/name': cron.name, 'app.kubernetes.io/part-of': ns.team };
  const template = podTemplate(context, ns, cron.name, ns.posture, undefined);
  (template.spec as JsonObject).restartPolicy = 'OnFailure';
  const jobSpec = { backoffLimit: 3, completions: 1, parallelism: 1, template };
  yield controllerObject(
    'CronJob',
    'batch/v1',
    { name: cron.name, namespace: ns.name, uid, created, labels },
    context,
    {
      schedule: `${rng.int(0, 59)} ${rng.int(0, 23)} * * *`,
      concurrencyPolicy: 'Forbid',
      suspend: false,
      jobTemplate: { metadata: { labels }, spec: jobSpec },
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    },
    { lastScheduleTime: created, lastSuccessfulTime: created },
    'argocd-controller',
  );
  const cronOwner = ownerRef('batch/v1', 'CronJob', cron.name, uid);
  for (let j = 0; j < cron.jobs; j++) {
    // CronJob Jobs are named after their scheduled minute: the two kept are a day apart.
    const jobName = `${cron.name}-${29_380_000 + rng.int(0, 1_000) - j * 1_440}`;
    const jobUid = uidFor(context, `Job/${ns.name}/${jobName}`);
    const jobLabels = {
      ...labels,
      'batch.kubernetes.io/controller-uid': jobUid,
      'batch.kubernetes.io/job-name': jobName,
    };
    const jobTemplate: JsonObject = {
      metadata: {
        ...(template.metadata as JsonObject),
        labels: { ...((template.metadata as JsonObject).labels as Record<string, string>), ...jobLabels },
      },
      spec: template.spec as Json,
    };
    const jobCreated = timeAgo(rng, 2);
    yield controllerObject(
      'Job',
      'batch/v1',
      {
        name: jobName,
        namespace: ns.name,
        uid: jobUid,
        created: jobCreated,
        labels: jobLabels,
        owner: cronOwner,
      },
      context,
      {
        ...jobSpec,
        template: jobTemplate,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': jobUid } },
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
      },
      {
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            lastProbeTime: jobCreated,
            lastTransitionTime: jobCreated,
          },
          { type: 'Complete', status: 'True', lastProbeTime: jobCreated, lastTransitionTime: jobCreated },
        ],
        startTime: jobCreated,
        completionTime: jobCreated,
        succeeded: 1,
        terminating: 0,
        ready: 0,
      },
      'kube-controller-manager',
    );
    const podRng = Rng.for(context.seed, `pod:${ns.name}/${jobName}`);
    const node = placeNode(context, placement);
    yield podFromTemplate({
      rng: podRng,
      template: jobTemplate,
      name: uniquePodName(context, ns.name, jobName, podRng),
      namespace: ns.name,
      uid: podRng.uuid(),
      owner: ownerRef('batch/v1', 'Job', jobName, jobUid),
      nodeName: node.name,
      hostIP: node.ip,
      podIP: vpcIp(podRng),
      created: jobCreated,
      resourceVersion: resourceVersion(context),
      succeeded: true,
    });
  }
}

function barePodObject(
  context: Context,
  bare: Plan['barePods'][number],
  placement: PodPlacement,
): JsonObject {
  const ns = context.plan.namespaces[bare.namespace] as NamespacePlan;
  const rng = Rng.for(context.seed, `bare:${ns.name}/${bare.name}`);
  const template = podTemplate(context, ns, bare.name, 'lax', undefined, { run: bare.name });
  const node = placeNode(context, placement);
  const pod = podFromTemplate({
    rng,
    template,
    name: bare.name,
    namespace: ns.name,
    uid: rng.uuid(),
    owner: {},
    nodeName: node.name,
    hostIP: node.ip,
    podIP: vpcIp(rng),
    created: timeAgo(rng, 10),
    resourceVersion: resourceVersion(context),
  });
  const meta = pod.metadata as JsonObject;
  delete meta.ownerReferences;
  delete meta.generateName;
  return pod;
}

function serviceObject(
  context: Context,
  ns: string,
  name: string,
  type: AppPlan['serviceType'],
  selector: Record<string, string> | undefined,
  port: number,
  headless = false,
): JsonObject {
  const rng = Rng.for(context.seed, `svc:${ns}/${name}`);
  const created = timeAgo(rng, 700, 1);
  const clusterIP = headless ? 'None' : `172.20.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const annotations: Record<string, string> = {};
  if (type === 'LoadBalancer') {
    annotations['service.beta.kubernetes.io/aws-load-balancer-type'] = 'external';
    annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'] = 'ip';
    annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] = rng.chance(0.5)
      ? 'internet-facing'
      : 'internal';
  }
  const ports: JsonObject[] = [
    {
      name: port === 22 ? 'ssh' : 'http',
      protocol: 'TCP',
      port,
      targetPort: port === 443 ? 8443 : 'http',
      ...(type !== 'ClusterIP' ? { nodePort: rng.int(30000, 32767) } : {}),
    },
  ];
  if (rng.chance(0.01)) ports.push({ name: 'ssh', protocol: 'TCP', port: 22, targetPort: 22 });
  const spec: JsonObject = {
    ...(selector ? { selector } : {}),
    ports,
    clusterIP,
    clusterIPs: [clusterIP],
    type,
    sessionAffinity: 'None',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
    ...(type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
    ...(type === 'LoadBalancer' && rng.chance(0.3) ? { loadBalancerSourceRanges: ['10.0.0.0/8'] } : {}),
  };
  const status: JsonObject =
    type === 'LoadBalancer'
      ? {
          loadBalancer: {
            ingress: [
              {
                hostname: `k8s-${ns.slice(0, 8)}-${name.slice(0, 8)}-${rng.hex(10)}.elb.${REGION}.amazonaws.com`,
              },
            ],
          },
        }
      : { loadBalancer: {} };
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...metadata({
        name,
        namespace: ns,
        uid: uidFor(context, `Service/${ns}/${name}`),
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        created,
        resourceVersion: resourceVersion(context),
      }),
      managedFields: [
        managedField('argocd-controller', 'v1', created, { metadata: { labels, annotations }, spec }),
      ],
    },
    spec,
    status,
  };
}

function simpleObject(
  context: Context,
  apiVersion: string,
  kind: string,
  meta: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  body: JsonObject,
  manager = 'argocd-controller',
): JsonObject {
  const key = `${kind}/${meta.namespace ?? ''}/${meta.name}`;
  const rng = Rng.for(context.seed, `obj:${key}`);
  const created = timeAgo(rng, 800, 1);
  return {
    apiVersion,
    kind,
    metadata: {
      ...metadata({
        name: meta.name,
        ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
        uid: uidFor(context, key),
        ...(meta.labels ? { labels: meta.labels } : {}),
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
        created,
        resourceVersion: resourceVersion(context),
      }),
      managedFields: [
        managedField(manager, apiVersion, created, {
          metadata: {
            ...(meta.labels ? { labels: meta.labels } : {}),
            ...(meta.annotations ? { annotations: meta.annotations } : {}),
          },
          ...body,
        }),
      ],
    },
    ...body,
  };
}

const ROOT_CA =
  '-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIMzc3NjY4NTgwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yMzA2MTQwOTIxMzdaFw0zMzA2MTEwOTI2MzdaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\nAoIBAQDL4YUAH4Ta9O5NoIH7KCDEbFa5vhbZN5yJGXKq79a5BHEk+dIh8rlN0RQp\nPL8xlG4kfGZjKfxyFzmDdVSVFzvhd9yzpPxBMO69VxY+ZWLHuHRDRzhCj8eJRCk/\nAn0lEp/tfQNygdmIr6wD2a3P1Nic3Yt/GIh8ryH4u3vWpsVGGJYaBuHOJUx9Ia3B\nqPD3SVEU61kwWq3bYsb24EDxZEVLdWfxfbQN9J5QtaxLIc4V3K5kG0cH+vfzNH3Z\nYSVeL0b8sQ5/+Ok0MfiRd1pP6K8t7nrz6DhOYRHQIJyv7kFIkQVGpArt+yeMAVpD\nxYx6y4pHpBQZyzD4bIxO2DPk6sbRAgMBAAGjWTBXMA4GA1UdDwEB/wQEAwICpDAP\nBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBTC3bfc5kffb1wb+8NWvIblVhxmhzAV\nBgNVHREEDjAMggprdWJlcm5ldGVzMA0GCSqGSIb3DQEBCwUAA4IBAQAgV3UF59YD\n1evLoVabmpjvKujDGA/ZqZfa427wCpULFrlUq+P3s6xOt4SsieqA31MyIM1RcH3c\ny732dtCdEkxGGL73mIqqkfRfQ10rv5WjAGkU7SjwDtpxkVQwAUJaRE4FDPS9vcV/\n01ndBGHTinVQ6tu38Fb4UJajjcsMUxf010j2C3a/KFm249jaGGhs98k9Mi+2rmrQ\nzLmfYrwv2xhvzzzo2nGwjqHcpSVLV0hqnRpTnbd8bJpqmFpE+2tOyPYS2vfv6RgK\nU9ANLvYE4YM9dnZu+SEAhcH6I+9mwtp1TKiVl6P1BSmN0T1F1Q3xfF2SIpaM8Qd9\n2QzLDk1hWoSj\n-----END CERTIFICATE-----\n';

function* namespaceObjects(context: Context, ns: NamespacePlan): Generator<JsonObject> {
  const rng = Rng.for(context.seed, `nsobjs:${ns.name}`);
  yield simpleObject(
    context,
    'v1',
    'ConfigMap',
    {
      name: 'kube-root-ca.crt',
      namespace: ns.name,
      annotations: {
        'kubernetes.io/description':
          'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
      },
    },
    { data: { 'ca.crt': ROOT_CA } },
    'kube-controller-manager',
  );
  if (ns.mesh) {
    yield simpleObject(
      context,
      'v1',
      'ConfigMap',
      { name: 'istio-ca-root-cert', namespace: ns.name, labels: { 'istio.io/config': 'true' } },
      { data: { 'root-cert.pem': ROOT_CA } },
      'pilot-discovery',
    );
  }
  yield simpleObject(
    context,
    'v1',
    'ServiceAccount',
    { name: 'default', namespace: ns.name },
    ns.posture === 'restricted' ? { automountServiceAccountToken: false } : {},
    'kube-controller-manager',
  );
  if (ns.system) return;

  for (const appIndex of ns.apps) {
    const app = context.plan.apps[appIndex] as AppPlan;
    const appRng = Rng.for(context.seed, `appextras:${ns.name}/${app.name}`);
    const template = podTemplate(context, ns, app.name, app.posture, app.system);
    const spec = template.spec as JsonObject;
    if (typeof spec.serviceAccountName === 'string') {
      const irsa = appRng.chance(0.5);
      yield simpleObject(
        context,
        'v1',
        'ServiceAccount',
        {
          name: spec.serviceAccountName,
          namespace: ns.name,
          labels: { 'app.kubernetes.io/name': app.name },
          ...(irsa
            ? {
                annotations: {
                  'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${ns.name}-${app.name}`,
                },
              }
            : {}),
        },
        app.posture === 'restricted' ? { automountServiceAccountToken: false } : {},
      );
    }
    const volumes = (spec.volumes as JsonObject[] | undefined) ?? [];
    for (const volume of volumes) {
      const configMap = volume.configMap as JsonObject | undefined;
      if (!configMap || configMap.name === 'istio-ca-root-cert') continue;
      const leaky = app.posture === 'lax' && appRng.chance(0.2);
      yield simpleObject(
        context,
        'v1',
        'ConfigMap',
        { name: String(configMap.name), namespace: ns.name, labels: { 'app.kubernetes.io/name': app.name } },
        {
          data: {
            'config.yaml': [
              'server:',
              '  port: 8080',
              '  readTimeout: 30s',
              'database:',
              `  host: ${app.name}-db.cluster-c9akciq32.${REGION}.rds.amazonaws.com`,
              '  pool: 20',
              leaky ? '  password: Sup3rS3cret!' : '  passwordFile: /etc/secrets/db-password',
              'features:',
              ...Array.from({ length: appRng.int(3, 20) }, (_, i) => `  flag${i}: ${appRng.chance(0.5)}`),
            ].join('\n'),
            flags: 'beta-checkout=true,new-search=false',
            ...(leaky ? { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } : {}),
          },
        },
      );
    }
    const selector = {
      'app.kubernetes.io/name': app.name,
      'app.kubernetes.io/instance': `${app.name}-${ns.env}`,
    };
    if (app.kind === 'StatefulSet') {
      yield serviceObject(context, ns.name, app.name, 'ClusterIP', selector, 5432, true);
    }
    for (let s = 0; app.kind === 'Deployment' && s < app.services; s++) {
      const name = s === 0 ? app.name : `${app.name}-${['metrics', 'grpc', 'admin'][s - 1] ?? s}`;
      yield serviceObject(
        context,
        ns.name,
        name,
        s === 0 ? app.serviceType : 'ClusterIP',
        selector,
        s === 0 ? 80 : 9090 + s,
      );
    }
    if (app.ingress) {
      const tls = appRng.chance(0.7);
      yield simpleObject(
        context,
        'networking.k8s.io/v1',
        'Ingress',
        {
          name: app.name,
          namespace: ns.name,
          annotations: {
            'alb.ingress.kubernetes.io/scheme': appRng.chance(0.5) ? 'internet-facing' : 'internal',
            'alb.ingress.kubernetes.io/target-type': 'ip',
            'alb.ingress.kubernetes.io/listen-ports': tls ? '[{"HTTPS":443}]' : '[{"HTTP":80}]',
            ...(tls
              ? {
                  'alb.ingress.kubernetes.io/certificate-arn': `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${appRng.uuid()}`,
                }
              : {}),
          },
        },
        {
          spec: {
            ingressClassName: 'alb',
            rules: [
              {
                host: `${app.name}.${ns.name}.example.com`,
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: app.name, port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
          status: {
            loadBalancer: {
              ingress: [
                { hostname: `k8s-${ns.name.slice(0, 10)}-${appRng.hex(8)}.${REGION}.elb.amazonaws.com` },
              ],
            },
          },
        },
      );
    }
    if (ns.networkPolicies === 'deny' || (ns.networkPolicies === 'partial' && appRng.chance(0.5))) {
      yield simpleObject(
        context,
        'networking.k8s.io/v1',
        'NetworkPolicy',
        { name: `${app.name}-ingress`, namespace: ns.name },
        {
          spec: {
            podSelector: { matchLabels: { 'app.kubernetes.io/name': app.name } },
            policyTypes: ['Ingress'],
            ingress: [
              {
                from: [
                  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
                  { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': ns.team } } },
                ],
                ports: [{ protocol: 'TCP', port: 8080 }],
              },
            ],
          },
        },
      );
    }
  }

  if (ns.networkPolicies === 'deny') {
    yield simpleObject(
      context,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      { name: 'default-deny-all', namespace: ns.name },
      {
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
    );
    yield simpleObject(
      context,
      'networking.k8s.io/v1',
      'NetworkPolicy',
      { name: 'allow-dns', namespace: ns.name },
      {
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
        },
      },
    );
  }
  if (ns.quota) {
    yield simpleObject(
      context,
      'v1',
      'ResourceQuota',
      { name: `${ns.name}-quota`, namespace: ns.name },
      {
        spec: {
          hard: {
            'limits.cpu': '64',
            'limits.memory': '128Gi',
            pods: '400',
            'requests.cpu': '32',
            'requests.memory': '64Gi',
            'services.loadbalancers': '2',
          },
        },
        status: { hard: { pods: '400' }, used: { pods: String(rng.int(1, 100)) } },
      },
    );
    yield simpleObject(
      context,
      'v1',
      'LimitRange',
      { name: `${ns.name}-defaults`, namespace: ns.name },
      {
        spec: {
          limits: [
            {
              type: 'Container',
              default: { cpu: '500m', memory: '512Mi' },
              defaultRequest: { cpu: '100m', memory: '128Mi' },
            },
          ],
        },
      },
    );
  }

  // Roles and RoleBindings: the namespace's teams and CI get the built-in aggregated roles,
  // apps get their own Role; a few namespaces carry the usual mistakes.
  const appNames = ns.apps.map((i) => (context.plan.apps[i] as AppPlan).name);
  yield simpleObject(
    context,
    'rbac.authorization.k8s.io/v1',
    'Role',
    { name: 'app-reader', namespace: ns.name },
    {
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: appNames.map((n) => `${n}-config`),
          verbs: ['get', 'watch', 'list'],
        },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: appNames.map((n) => `${n}-db`),
          verbs: ['get'],
        },
      ],
    },
  );
  if (rng.chance(0.5)) {
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'Role',
      { name: 'deployer', namespace: ns.name },
      {
        rules: [
          {
            apiGroups: ['apps'],
            resources: ['deployments', 'statefulsets'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
          },
          {
            apiGroups: [''],
            resources: ['pods', 'services', 'configmaps'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          },
          ...(ns.posture === 'lax' ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] : []),
        ],
      },
    );
  }
  const subjectsFor = (b: number): { roleRef: JsonObject; subjects: JsonObject[]; name: string } => {
    const slot = b % 6;
    const round = Math.floor(b / 6);
    const suffixOf = round === 0 ? '' : `-${round}`;
    const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
    const sa = (name: string) => ({ kind: 'ServiceAccount', name, namespace: ns.name });
    const clusterRole = (name: string) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name,
    });
    const role = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name });
    switch (slot) {
      case 0:
        return {
          name: `${ns.team}-admins${suffixOf}`,
          roleRef: clusterRole('admin'),
          subjects: [group(`${ns.team}-admins`)],
        };
      case 1:
        return {
          name: `app-reader${suffixOf}`,
          roleRef: role('app-reader'),
          subjects: appNames.slice(0, 5).map((n) => sa(n)),
        };
      case 2:
        return {
          name: `ci-deployer${suffixOf}`,
          roleRef: clusterRole('edit'),
          subjects: [
            {
              kind: 'User',
              apiGroup: 'rbac.authorization.k8s.io',
              name: `arn:aws:iam::${ACCOUNT}:role/ci-${ns.team}`,
            },
          ],
        };
      case 3:
        return {
          name: `${ns.team}-viewers${suffixOf}`,
          roleRef: clusterRole('view'),
          subjects: [group(`${ns.team}-developers`), group('sre')],
        };
      case 4:
        return ns.posture === 'lax'
          ? {
              name: `default-admin${suffixOf}`,
              roleRef: clusterRole('cluster-admin'),
              subjects: [sa('default')],
            }
          : { name: `monitoring${suffixOf}`, roleRef: clusterRole('view'), subjects: [sa('prometheus')] };
      default:
        return ns.posture === 'lax' && rng.chance(0.2)
          ? {
              name: `everyone-view${suffixOf}`,
              roleRef: clusterRole('view'),
              subjects: [group('system:authenticated')],
            }
          : { name: `oncall${suffixOf}`, roleRef: clusterRole('edit'), subjects: [group('oncall')] };
    }
  };
  for (let b = 0; b < ns.roleBindings; b++) {
    const binding = subjectsFor(b);
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      { name: binding.name, namespace: ns.name },
      {
        roleRef: binding.roleRef,
        subjects: binding.subjects as Json,
      },
    );
  }
}

function* systemObjects(context: Context): Generator<JsonObject> {
  for (const role of SYSTEM_CLUSTER_ROLES) {
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      role.meta,
      role.body,
      'kube-apiserver',
    );
  }
  for (const role of aggregatedClusterRoles()) {
    yield simpleObject(context, 'rbac.authorization.k8s.io/v1', 'ClusterRole', role.meta, role.body);
  }
  for (const team of TEAMS) {
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      { name: `${team}-cluster-reader` },
      {
        rules: [
          { apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list'] },
        ],
      },
    );
  }
  yield simpleObject(
    context,
    'rbac.authorization.k8s.io/v1',
    'ClusterRole',
    { name: 'legacy-superuser' },
    {
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    },
  );
  for (const binding of SYSTEM_CLUSTER_ROLE_BINDINGS) {
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'ClusterRoleBinding',
      binding.meta,
      binding.body,
      'kube-apiserver',
    );
  }
  for (let i = 0; i < context.plan.customClusterRoleBindings; i++) {
    const rng = Rng.for(context.seed, `crb:${i}`);
    const team = TEAMS[i % TEAMS.length] as string;
    const bad = rng.chance(0.03);
    yield simpleObject(
      context,
      'rbac.authorization.k8s.io/v1',
      'ClusterRoleBinding',
      { name: `${team}-cluster-reader-${i}` },
      {
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: bad ? rng.pick(['cluster-admin', 'legacy-superuser']) : `${team}-cluster-reader`,
        },
        subjects: [
          rng.chance(0.5)
            ? { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `${team}-developers` }
            : {
                kind: 'ServiceAccount',
                name: `tool-${i}`,
                namespace: rng.pick(['monitoring', 'kube-system', 'cert-manager']),
              },
        ],
      },
    );
  }
  for (const crd of CRDS)
    yield simpleObject(
      context,
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      { name: crd.name, labels: { 'app.kubernetes.io/part-of': crd.group.split('.')[0] ?? crd.group } },
      crdObject(crd),
      'helm',
    );
  for (const webhook of webhookObjects())
    yield simpleObject(context, webhook.apiVersion, webhook.kind, webhook.meta, webhook.body, 'helm');

  // kube-system ConfigMaps the checks look at, aws-auth first.
  const nodeRoles = context.plan.nodeGroups.map(
    (g) =>
      `    - rolearn: arn:aws:iam::${ACCOUNT}:role/${context.clusterName}-${g.name}-node-role\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes`,
  );
  yield simpleObject(
    context,
    'v1',
    'ConfigMap',
    { name: 'aws-auth', namespace: 'kube-system' },
    {
      data: {
        mapRoles: `${nodeRoles.join('\n')}\n    - rolearn: arn:aws:iam::${ACCOUNT}:role/platform-admins\n      username: platform-admin\n      groups:\n        - system:masters\n`,
      },
    },
    'eksctl',
  );
  yield simpleObject(
    context,
    'v1',
    'ConfigMap',
    {
      name: 'coredns',
      namespace: 'kube-system',
      labels: { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' },
    },
    {
      data: {
        Corefile:
          '.:53 {\n    errors\n    health {\n        lameduck 5s\n      }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n',
      },
    },
    'eks',
  );
  yield simpleObject(
    context,
    'v1',
    'ConfigMap',
    { name: 'amazon-vpc-cni', namespace: 'kube-system' },
    {
      data: {
        'enable-network-policy-controller': 'true',
        'enable-windows-ipam': 'false',
        'warm-ip-target': '5',
      },
    },
    'eks',
  );
  for (const sa of [
    'aws-node',
    'kube-proxy',
    'coredns',
    'ebs-csi-node-sa',
    'ebs-csi-controller-sa',
    'aws-load-balancer-controller',
    'metrics-server',
  ]) {
    yield simpleObject(
      context,
      'v1',
      'ServiceAccount',
      {
        name: sa,
        namespace: 'kube-system',
        ...(sa.startsWith('ebs') || sa.startsWith('aws-load')
          ? { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${sa}` } }
          : {}),
      },
      {},
      'eks',
    );
  }
  for (const [ns, sa] of [
    ['amazon-cloudwatch', 'fluent-bit'],
    ['monitoring', 'node-exporter'],
    ['monitoring', 'kube-state-metrics'],
    ['monitoring', 'grafana'],
    ['monitoring', 'prometheus'],
    ['istio-system', 'istiod'],
    ['istio-system', 'istio-ingressgateway'],
    ['cert-manager', 'cert-manager'],
    ['cert-manager', 'cert-manager-cainjector'],
    ['cert-manager', 'cert-manager-webhook'],
    ['karpenter', 'karpenter'],
  ] as const) {
    yield simpleObject(context, 'v1', 'ServiceAccount', { name: sa, namespace: ns }, {}, 'helm');
  }
  for (const svc of SYSTEM_SERVICES) {
    yield serviceObject(
      context,
      svc.namespace,
      svc.name,
      svc.type,
      svc.app === '' ? undefined : { 'app.kubernetes.io/name': svc.app },
      svc.port,
    );
  }
  yield simpleObject(
    context,
    'networking.k8s.io/v1',
    'NetworkPolicy',
    { name: 'istiod', namespace: 'istio-system' },
    {
      spec: {
        podSelector: { matchLabels: { app: 'istiod' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: 15012 }] }],
      },
    },
    'helm',
  );
}

// ---------------------------------------------------------------------------------------------
// EKS facts

function eksFacts(context: Context): EksFacts {
  const rng = Rng.for(context.seed, 'eks');
  const name = context.clusterName;
  const arn = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
  const id = rng.hex(32).toUpperCase();
  const subnets = ZONES.map((_, i) => `subnet-0${rng.hex(16)}${i}`.slice(0, 24));
  return {
    cluster: {
      name,
      arn,
      createdAt: '2023-06-14T09:21:37.512Z',
      version: '1.31',
      endpoint: `https://${id}.gr7.${REGION}.eks.amazonaws.com`,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}-cluster-role`,
      resourcesVpcConfig: {
        subnetIds: subnets,
        securityGroupIds: [`sg-0${rng.hex(16)}`],
        clusterSecurityGroupId: `sg-0${rng.hex(16)}`,
        vpcId: `vpc-0${rng.hex(16)}`,
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: ['203.0.113.0/24'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
      logging: {
        clusterLogging: [
          { types: ['api', 'audit', 'authenticator'], enabled: true },
          { types: ['controllerManager', 'scheduler'], enabled: false },
        ],
      },
      identity: { oidc: { issuer: `https://oidc.eks.${REGION}.amazonaws.com/id/${id}` } },
      status: 'ACTIVE',
      certificateAuthority: { data: Buffer.from(ROOT_CA).toString('base64') },
      platformVersion: 'eks.23',
      tags: { team: 'platform', env: 'prod', 'managed-by': 'terraform' },
      encryptionConfig: [
        {
          resources: ['secrets'],
          provider: { keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${rng.uuid()}` },
        },
      ],
      health: { issues: [] },
      accessConfig: {
        bootstrapClusterCreatorAdminPermissions: false,
        authenticationMode: 'API_AND_CONFIG_MAP',
      },
      upgradePolicy: { supportType: 'STANDARD' },
      deletionProtection: true,
    },
    clusterVersions: [
      {
        clusterVersion: '1.31',
        releaseDate: '2024-09-26T00:00:00.000Z',
        endOfStandardSupportDate: '2025-11-26T00:00:00.000Z',
        endOfExtendedSupportDate: '2026-11-26T00:00:00.000Z',
        versionStatus: 'EXTENDED_SUPPORT',
        kubernetesPatchVersion: '1.31.13',
        defaultPlatformVersion: 'eks.40',
      },
      {
        clusterVersion: '1.33',
        releaseDate: '2025-05-29T00:00:00.000Z',
        endOfStandardSupportDate: '2026-07-29T00:00:00.000Z',
        endOfExtendedSupportDate: '2027-07-29T00:00:00.000Z',
        versionStatus: 'EXTENDED_SUPPORT',
        kubernetesPatchVersion: '1.33.5',
        defaultPlatformVersion: 'eks.18',
      },
      {
        clusterVersion: '1.34',
        releaseDate: '2025-10-02T00:00:00.000Z',
        endOfStandardSupportDate: '2026-12-02T00:00:00.000Z',
        endOfExtendedSupportDate: '2027-12-02T00:00:00.000Z',
        versionStatus: 'STANDARD_SUPPORT',
        kubernetesPatchVersion: '1.34.1',
        defaultPlatformVersion: 'eks.6',
        defaultVersion: true,
      },
    ],
    nodegroups: context.plan.nodeGroups.map((group, i) => ({
      nodegroupName: group.name,
      nodegroupArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${name}/${group.name}/${rng.uuid()}`,
      version: '1.31',
      releaseVersion: group.release,
      amiType: group.instanceType.includes('g.') ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD',
      capacityType: group.capacity,
      instanceTypes: [group.instanceType],
      nodeRole: `arn:aws:iam::${ACCOUNT}:role/${name}-${group.name}-node-role`,
      status: 'ACTIVE',
      health: { issues: [] },
      launchTemplate: { id: `lt-0${rng.hex(16)}`, name: `${name}-${group.name}`, version: '3' },
      resources: { autoScalingGroups: [{ name: `eks-${group.name}-${rng.uuid()}` }] },
      createdAt: '2026-10-27T08:09:12.402Z',
      ...(i === 1 ? { remoteAccess: { ec2SshKey: 'ops-key' } } : {}),
    })),
    addons: [
      ['vpc-cni', 'v1.19.2-eksbuild.1'],
      ['kube-proxy', 'v1.31.3-eksbuild.2'],
      ['coredns', 'v1.11.3-eksbuild.2'],
      ['aws-ebs-csi-driver', 'v1.37.0-eksbuild.1'],
      ['eks-pod-identity-agent', 'v1.3.4-eksbuild.1'],
    ].map(([addonName, addonVersion]) => ({
      addonName,
      addonVersion,
      status: 'ACTIVE',
      health: { issues: [] },
    })),
    accessEntries: [
      {
        principalArn: `arn:aws:iam::${ACCOUNT}:role/platform-admins`,
        type: 'STANDARD',
        username: 'platform-admin',
        kubernetesGroups: [],
        accessPolicies: [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
            accessScope: { type: 'cluster' },
          },
        ],
      },
      {
        principalArn: `arn:aws:iam::${ACCOUNT}:role/WatchkeeperScanRole`,
        type: 'STANDARD',
        username: 'watchkeeper',
        kubernetesGroups: ['watchkeeper-readers'],
        accessPolicies: [],
      },
      ...context.plan.nodeGroups.map((g) => ({
        principalArn: `arn:aws:iam::${ACCOUNT}:role/${name}-${g.name}-node-role`,
        type: 'EC2_LINUX',
        username: 'system:node:{{EC2PrivateDNSName}}',
        kubernetesGroups: ['system:nodes'],
        accessPolicies: [],
      })),
    ],
    fargateProfiles: [],
    insights: [
      {
        id: rng.uuid(),
        name: 'Deprecated APIs removed in Kubernetes v1.32',
        category: 'UPGRADE_READINESS',
        kubernetesVersion: '1.32',
        insightStatus: {
          status: 'PASSING',
          reason: 'No deprecated API usage detected within the last 30 days.',
        },
      },
      {
        id: rng.uuid(),
        name: 'Kubelet version skew',
        category: 'UPGRADE_READINESS',
        kubernetesVersion: '1.32',
        insightStatus: {
          status: 'PASSING',
          reason: 'Node kubelet versions match the cluster control plane version.',
        },
      },
    ],
    launchTemplates: context.plan.nodeGroups.map((g, i) => ({
      launchTemplateId: `lt-0${rng.hex(16)}`,
      launchTemplateName: `${name}-${g.name}`,
      versionNumber: 3,
      nodegroupNames: [g.name],
      metadataOptions: {
        httpTokens: i % 3 === 2 ? 'optional' : 'required',
        httpPutResponseHopLimit: i % 3 === 2 ? 2 : 1,
        httpEndpoint: 'enabled',
      },
    })),
  };
}

// ---------------------------------------------------------------------------------------------

/** The generated cluster for a preset (or an explicit size) and a seed. */
export function generateCluster(
  size: ClusterSize | PresetName,
  seed: number = DEFAULT_SEED,
): GeneratedCluster {
  const resolved: ClusterSize = typeof size === 'string' ? PRESETS[size] : size;
  const plan = planCluster(resolved, seed);
  const clusterName = `bench-${resolved.pods >= 1000 ? `${Math.round(resolved.pods / 1000)}k` : resolved.pods}`;
  const newContext = (): Context => ({
    seed,
    clusterName,
    plan,
    rv: { next: 4_000_000 },
    podNames: new Map(),
  });

  const objects = function* (): Generator<JsonObject> {
    const context = newContext();
    const placement: PodPlacement = { next: 0 };
    for (const ns of plan.namespaces) yield namespaceObject(context, ns);
    for (const node of plan.nodes) yield nodeObject(context, node);
    yield* systemObjects(context);
    for (const ns of plan.namespaces) yield* namespaceObjects(context, ns);
    for (const ds of plan.daemonSets) yield* daemonSetObjects(context, ds);
    for (const app of plan.apps) yield* appObjects(context, app, placement);
    for (const cron of plan.cronJobs) yield* cronJobObjects(context, cron, placement);
    for (const bare of plan.barePods) yield barePodObject(context, bare, placement);
  };

  return {
    name: clusterName,
    region: REGION,
    accountId: ACCOUNT,
    seed,
    size: resolved,
    eks: eksFacts(newContext()),
    objects,
  };
}
