/**
 * Plain-JSON shapes of the Kubernetes objects kept in a snapshot. They hold only the fields
 * some check reads (the collector projects objects to these shapes), every field optional
 * because everything that came from a cluster is untrusted input.
 */

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface Capabilities {
  add?: string[];
  drop?: string[];
}

export interface SeccompProfile {
  type?: string;
  localhostProfile?: string;
}

export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  capabilities?: Capabilities;
  seccompProfile?: SeccompProfile;
  procMount?: string;
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  appArmorProfile?: { type?: string; localhostProfile?: string };
  windowsOptions?: { hostProcess?: boolean };
}

export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  supplementalGroups?: number[];
  seccompProfile?: SeccompProfile;
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  appArmorProfile?: { type?: string; localhostProfile?: string };
  sysctls?: { name?: string; value?: string }[];
  windowsOptions?: { hostProcess?: boolean };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string };
    fieldRef?: { fieldPath?: string };
  };
}

export interface EnvFromSource {
  secretRef?: { name?: string };
  configMapRef?: { name?: string };
  prefix?: string;
}

export interface VolumeMount {
  name?: string;
  mountPath?: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
  securityContext?: SecurityContext;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  volumeMounts?: VolumeMount[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
  lifecycle?: unknown;
  imagePullPolicy?: string;
}

export interface Volume {
  name: string;
  hostPath?: { path?: string; type?: string };
  secret?: { secretName?: string };
  configMap?: { name?: string };
  projected?: unknown;
  emptyDir?: unknown;
  persistentVolumeClaim?: { claimName?: string };
  csi?: { driver?: string };
  nfs?: { server?: string; path?: string };
  gitRepo?: { repository?: string };
  image?: { reference?: string };
  flexVolume?: { driver?: string };
  /** Any other volume source, kept by the collector as a presence marker. */
  [source: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, still honoured by the API server. */
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: PodSecurityContext;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  os?: { name?: string };
  priorityClassName?: string;
}

/** A pod spec's container lists: regular, init and ephemeral (Pod Security Admission visits all three). */
export const CONTAINER_LISTS = [
  'containers',
  'initContainers',
  'ephemeralContainers',
] as const satisfies readonly (keyof PodSpec)[];
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec?: PodSpec;
}

export interface Pod extends K8sObject {
  spec?: PodSpec;
  status?: { phase?: string; podIP?: string; hostIP?: string; qosClass?: string };
}

/** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController. */
export interface PodController extends K8sObject {
  spec?: { replicas?: number; selector?: unknown; template?: PodTemplateSpec };
}

export interface CronJob extends K8sObject {
  spec?: { schedule?: string; suspend?: boolean; jobTemplate?: { spec?: { template?: PodTemplateSpec } } };
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Role extends K8sObject {
  rules?: PolicyRule[];
  /** ClusterRoles only. */
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleBinding extends K8sObject {
  subjects?: Subject[];
  roleRef: { apiGroup?: string; kind: string; name: string };
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}

export interface NetworkPolicy extends K8sObject {
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: unknown[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: unknown[] }[];
  };
}

export interface Service extends K8sObject {
  spec?: {
    type?: string;
    ports?: {
      port?: number;
      nodePort?: number;
      protocol?: string;
      name?: string;
      targetPort?: number | string;
    }[];
    selector?: Record<string, string>;
    loadBalancerSourceRanges?: string[];
    loadBalancerClass?: string;
    externalIPs?: string[];
    externalName?: string;
  };
  status?: { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } };
}

export interface ServiceAccount extends K8sObject {
  automountServiceAccountToken?: boolean;
}

export interface Namespace extends K8sObject {
  status?: { phase?: string };
}

export interface Node extends K8sObject {
  spec?: { providerID?: string; unschedulable?: boolean; taints?: { key?: string; effect?: string }[] };
  status?: {
    addresses?: { type?: string; address?: string }[];
    nodeInfo?: {
      kubeletVersion?: string;
      osImage?: string;
      containerRuntimeVersion?: string;
      kernelVersion?: string;
      operatingSystem?: string;
      architecture?: string;
    };
  };
}

/** A ConfigMap keeps its data keys; values that look like credentials are redacted at collection. */
export interface ConfigMap extends K8sObject {
  data?: Record<string, string>;
}

export interface Ingress extends K8sObject {
  spec?: {
    ingressClassName?: string;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string }[];
  };
}

export interface WebhookConfiguration extends K8sObject {
  webhooks?: { name?: string; failurePolicy?: string; rules?: unknown[] }[];
}

export interface CustomResourceDefinition extends K8sObject {
  spec?: { group?: string; names?: { kind?: string; plural?: string } };
}

/**
 * The fields of a kubelet's effective configuration (`/configz`, root key `kubeletconfig`)
 * that the CIS EKS 3.2 checks read; everything else the kubelet reports is dropped.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export interface KubeletConfiguration {
  authentication?: {
    anonymous?: { enabled?: boolean };
    webhook?: { enabled?: boolean };
    x509?: { clientCAFile?: string };
  };
  authorization?: { mode?: string };
  readOnlyPort?: number;
  /** A Go duration, e.g. `4h0m0s`. */
  streamingConnectionIdleTimeout?: string;
  makeIPTablesUtilChains?: boolean;
  eventRecordQPS?: number;
  rotateCertificates?: boolean;
  serverTLSBootstrap?: boolean;
  featureGates?: Record<string, boolean>;
  protectKernelDefaults?: boolean;
  tlsCipherSuites?: string[];
  tlsMinVersion?: string;
  podPidsLimit?: number;
}
