import type { EksFacts } from './eks-types.ts';
import type {
  ConfigMap,
  CronJob,
  CustomResourceDefinition,
  Ingress,
  K8sObject,
  KubeletConfiguration,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  PodController,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
  WebhookConfiguration,
} from './k8s-types.ts';
import type { K8sKind, ReadKind } from './kinds.ts';

/** Bumped whenever the JSON shape of a snapshot or a result changes incompatibly. */
export const SCHEMA_VERSION = 1;

export const STATUSES = [
  'pass',
  'fail',
  'not_applicable',
  'not_evaluated',
  'manual',
  'inherited',
  'waived',
] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RESPONSIBILITIES = ['aws', 'shared', 'customer'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

export const FRAMEWORK_IDS = [
  'cis-eks-1.8.0',
  'pss-baseline',
  'pss-restricted',
  'nsa-cisa-1.2',
  'eks-best-practices',
] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

export interface FrameworkRef {
  framework: FrameworkId;
  /** e.g. `4.1.1` for CIS, the PSA check id (`privileged`) for PSS. */
  requirement: string;
}

/** Where the cluster lives. `name` is the EKS cluster name. */
export interface ClusterRef {
  name: string;
  accountId?: string;
  region?: string;
  arn?: string;
}

export const GAP_REASONS = [
  'forbidden',
  'unauthorized',
  'not_found',
  'timeout',
  'throttled',
  'unreachable',
  'error',
  'not_collected',
] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/** A kind that could not be read, and why. Checks reading it become `not_evaluated`. */
export interface Gap {
  kind: ReadKind;
  reason: GapReason;
  message: string;
}

export interface K8sObjects {
  namespaces: Namespace[];
  nodes: Node[];
  pods: Pod[];
  services: Service[];
  serviceaccounts: ServiceAccount[];
  configmaps: ConfigMap[];
  replicationcontrollers: PodController[];
  persistentvolumes: K8sObject[];
  resourcequotas: K8sObject[];
  limitranges: K8sObject[];
  deployments: PodController[];
  statefulsets: PodController[];
  daemonsets: PodController[];
  replicasets: PodController[];
  jobs: PodController[];
  cronjobs: CronJob[];
  networkpolicies: NetworkPolicy[];
  ingresses: Ingress[];
  roles: Role[];
  clusterroles: Role[];
  rolebindings: RoleBinding[];
  clusterrolebindings: RoleBinding[];
  validatingwebhookconfigurations: WebhookConfiguration[];
  mutatingwebhookconfigurations: WebhookConfiguration[];
  customresourcedefinitions: CustomResourceDefinition[];
}

// A compile-time proof that K8sObjects has exactly one list per readable kind.
type _EveryKindListed = [K8sKind] extends [keyof K8sObjects]
  ? [keyof K8sObjects] extends [K8sKind]
    ? true
    : never
  : never;
export const _everyKindListed: _EveryKindListed = true;

export interface ClusterSnapshot {
  schemaVersion: typeof SCHEMA_VERSION;
  cluster: ClusterRef;
  /** ISO time of collection; the only clock checks may use. */
  collectedAt: string;
  /** How the snapshot was made, for the report (e.g. `kubernetes-api`, `manifests`). */
  source: string;
  eks: EksFacts;
  k8s: K8sObjects;
  gaps: Gap[];
  /**
   * Kubelet configuration per node name (CIS EKS 3.2), read through configz only when the
   * operator opts in; absent when not read (`kubelet:configz` is then a gap), `{}` when no node
   * runs a customer-operated kubelet. Nodes AWS operates (Fargate, Auto Mode) are never fetched.
   */
  kubelet?: Record<string, NodeKubeletConfig>;
}

/** One node's kubelet configuration as read through configz, or why it could not be read. */
export interface NodeKubeletConfig {
  config?: KubeletConfiguration;
  /** Set when the read failed: that node is `not_evaluated`, the others are unaffected. */
  error?: { reason: GapReason; message: string };
}

export interface ResourceRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  arn?: string;
}

/** What a check's `evaluate` returns: one per resource or per offending part. */
export interface Outcome {
  status: Status;
  resource: ResourceRef;
  message: string;
  /** Machine-readable field path, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path?: string;
  /** Short facts that support the verdict (never secret values). */
  evidence?: Record<string, string | number | boolean | null>;
  /**
   * The framework requirements this outcome concerns, when it concerns only some of the
   * check's `frameworks` (e.g. a restricted-only capability failure must not count against
   * `pss-baseline`). Must be a non-empty subset of the check's frameworks; the engine copies it
   * into `Finding.frameworks`. Absent: the outcome concerns every framework of the check.
   * Requirements roll up from findings only: to credit the other requirements for a resource
   * that fails just some, also emit a `pass` outcome naming them.
   */
  requirements?: FrameworkRef[];
}

export interface AppliedWaiver {
  id: string;
  reason: string;
  owner: string;
  expires: string;
}

/** An outcome as stored in a result, with the check's metadata copied in for consumers. */
export interface Finding extends Outcome {
  checkId: string;
  severity: Severity;
  responsibility: Responsibility;
  frameworks: FrameworkRef[];
  waiver?: AppliedWaiver;
}

export interface Remediation {
  /** What to change, in one or two sentences. */
  summary: string;
  cli?: string;
  iac?: string;
  console?: string;
}

/** Tunable parameters of the checks, set in config; every key has a default. */
export interface CheckParams {
  /** Control-plane log types that must be enabled. */
  requiredLogTypes: string[];
  /** Namespaces treated as system namespaces (exempt where a check says so). */
  systemNamespaces: string[];
  /** Allowed CIDRs are never "open"; anything else public is reported with the CIDR. */
  openCidrs: string[];
  /** Days before end of standard support from which the version check warns (fails). */
  versionSupportWarningDays: number;
  /** Subjects allowed to hold cluster-admin (exact names, e.g. `system:masters`). */
  clusterAdminAllowedSubjects: string[];
  /**
   * Name prefixes of built-in Roles, ClusterRoles and bindings that the RBAC checks leave out
   * (Kubernetes `system:` defaults, EKS `eks:` objects).
   */
  rbacIgnoredPrefixes: string[];
  /** Namespaces whose workloads may have a service account token mounted (reported as pass). */
  tokenAutomountAllowedNamespaces: string[];
  /** CIS EKS 3.2.7: lowest kubelet `eventRecordQPS` accepted (below it, events are dropped); 0 is unlimited. */
  kubeletMinEventRecordQps: number;
  /** CIS EKS 3.2.7: whether `eventRecordQPS: 0` (no rate limit) is accepted. */
  kubeletAllowUnlimitedEventQps: boolean;
  /** Minor versions a node's kubelet may lag the control plane (capped by the upstream skew policy). */
  kubeletMaxMinorSkew: number;
  /** Age in days, from the build date in the release version, after which a node group AMI is stale. */
  nodeAmiMaxAgeDays: number;
  /** Highest IMDSv2 hop limit accepted on node launch templates (1 keeps pods off the node's IMDS). */
  nodeImdsMaxHopLimit: number;
  /** CIS EKS 4.1.4: identities (user, group, `system:serviceaccount:<ns>:<name>`) approved to create pods. */
  podCreationAllowedSubjects: string[];
  /** CIS EKS 4.1.9: identities approved to create PersistentVolumes (CSI provisioners). */
  persistentVolumeCreationAllowedSubjects: string[];
  /** CIS EKS 4.1.10: identities approved to use `nodes/proxy` (the scanner's opt-in kubelet-config group). */
  nodeProxyAllowedSubjects: string[];
  /** CIS EKS 4.1.11: identities approved to change admission webhook configurations. */
  webhookConfigurationAllowedSubjects: string[];
  /** CIS EKS 4.1.12: identities approved to create service account tokens (`serviceaccounts/token`). */
  serviceAccountTokenCreationAllowedSubjects: string[];
  /** IAM principal ARNs approved to hold cluster-wide admin through access entries or `aws-auth`. */
  eksClusterAdminAllowedPrincipals: string[];
  /** CIS EKS 5.2.1: `<namespace>/<name>` of service accounts known to call AWS APIs (add-ons, controllers). */
  awsApiServiceAccounts: string[];
  /**
   * CIS EKS 5.1.4: approved image sources. An entry without `/` is a registry host glob
   * (`602401143452.dkr.ecr.*.amazonaws.com`); with `/` it is a glob on `registry/repository`
   * (`public.ecr.aws/eks/*`). `{account}` and `{region}` stand for the scanned cluster's.
   */
  allowedRegistries: string[];
  /** Names (or `org/` prefixes, `org/image` paths) of admin and data UIs that must not be exposed outside the cluster. */
  sensitiveInterfaces: string[];
  /** Words that mark a cluster tag, namespace name or label as production (`prod`). */
  productionStages: string[];
  /** Words that mark a cluster tag, namespace name or label as another stage (`dev`, `staging`). */
  nonProductionStages: string[];
}

export type DeepReadonly<T> = T extends (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type Snapshot = DeepReadonly<ClusterSnapshot>;

export interface Check {
  /** `<area>-<resource>-<desired-state>`, equal to the file name. */
  readonly id: string;
  /** The secure state, in a few words; never starts with "Ensure". */
  readonly title: string;
  readonly severity: Severity;
  readonly responsibility: Responsibility;
  readonly frameworks: readonly FrameworkRef[];
  /** Every kind `evaluate` reads; a gap in any of them makes the check `not_evaluated`. */
  readonly reads: readonly ReadKind[];
  /** Why it matters: the risk in a short paragraph. */
  readonly rationale: string;
  readonly remediation: Remediation;
  /** https links to the benchmark or AWS/Kubernetes documentation behind the rule. */
  readonly docs: readonly string[];
  /**
   * The check-level statuses this check can produce, when not the usual pass and fail: a
   * manual attestation gives `manual`, an AWS-operated control `inherited`, a host-file
   * item `not_evaluated`. The fixture suite requires a fixture for each one.
   */
  readonly outcomes?: readonly Status[];
  /**
   * How the check reaches its verdicts, when not `automated` (absent): `manual-with-evidence`
   * (a person attests; evidence attached, and a fail only when the evidence proves it),
   * `not-remotely-evaluable` (findings are only `not_evaluated`, or `inherited` on AWS-operated
   * nodes), `kubelet-configz-opt-in` (pass/fail from configz, `not_evaluated` without the opt-in).
   */
  readonly evaluation?: EvaluationMode;
  /** Pure: no I/O, no clock (use snapshot.collectedAt), no mutation. */
  evaluate(snapshot: Snapshot, params: Readonly<CheckParams>): Outcome[];
}

export interface Waiver {
  id: string;
  checkId: string;
  scope: {
    /** Glob on the cluster name. */
    cluster?: string;
    /** Glob on the resource namespace. */
    namespace?: string;
    /** Exact resource kind, e.g. `Deployment`. */
    kind?: string;
    /** Glob on the resource name. */
    name?: string;
    /** All of these labels must be on the resource. */
    labels?: Record<string, string>;
  };
  reason: string;
  owner: string;
  /** ISO date or time; compared with the snapshot's collection time. */
  expires: string;
}

export interface Policy {
  params: CheckParams;
  waivers: Waiver[];
  /** Per-check severity overrides. */
  severityOverrides: Record<string, Severity>;
  /**
   * Platform components whose failures of the listed checks are reported as `waived` with the
   * reason (never dropped). Absent: none — the config layer fills in the default list
   * (`DEFAULT_SYSTEM_COMPONENTS`) unless the config says `systemComponents: []`.
   */
  systemComponents?: SystemComponent[];
}

/** One check's roll-up in a result. */
export interface CheckSummary {
  checkId: string;
  title: string;
  severity: Severity;
  responsibility: Responsibility;
  frameworks: FrameworkRef[];
  status: Status;
  counts: Record<Status, number>;
  /** Why the check is `not_evaluated`, when it is. */
  reason?: string;
}

export interface Score {
  /** passed / (passed + failed), 0..100 with one decimal, null when nothing was passed or failed. */
  compliance: number | null;
  /** evaluated / applicable, 0..100 with one decimal, null when nothing was applicable. */
  coverage: number | null;
  counts: Record<Status, number>;
}

export interface Scores {
  overall: Score;
  byResponsibility: Record<Responsibility, Score>;
  byFramework: Partial<Record<FrameworkId, Score>>;
}

export interface ScanResult {
  schemaVersion: typeof SCHEMA_VERSION;
  scanId: string;
  cluster: ClusterRef;
  source: string;
  startedAt: string;
  finishedAt: string;
  collectedAt: string;
  findings: Finding[];
  checks: CheckSummary[];
  scores: Scores;
  gaps: Gap[];
  /**
   * `exempted`: the system components that turned failures into `waived` findings (their
   * findings carry an `AppliedWaiver` with id `system-component:<name>`). Kept apart from
   * `applied` because a component is not a config waiver: it has no expiry and spans checks.
   * Optional only because results stored before it was added lack it; the engine always sets it.
   */
  waivers: { applied: Waiver[]; expired: Waiver[]; unused: Waiver[]; exempted?: SystemComponentExemption[] };
  /**
   * Per-requirement status of every framework in the registry: each requirement rolls up the
   * findings mapped to it (`Finding.frameworks`) with the same precedence as a check.
   * Optional only because results stored before it was added lack it; the engine always sets it.
   */
  frameworks?: Partial<Record<FrameworkId, FrameworkStatus>>;
}

/** How a framework itself classes a requirement: CIS marks each Automated or Manual. */
export const ASSESSMENTS = ['automated', 'manual'] as const;
export type Assessment = (typeof ASSESSMENTS)[number];

/** How Watchkeeper evaluates a requirement. */
export const EVALUATION_MODES = [
  /** Evaluated from the snapshot: pass or fail. */
  'automated',
  /** Needs a person's attestation; the check gathers what evidence it can (heuristics labelled). */
  'manual-with-evidence',
  /** Operated by AWS: reported, not scored against the customer. */
  'inherited',
  /** Needs access to the node's file system: reported as not evaluated (inherited on Fargate/Auto Mode). */
  'not-remotely-evaluable',
  /** Read from the kubelet's configz through the API server only when the operator opts in. */
  'kubelet-configz-opt-in',
] as const;
export type EvaluationMode = (typeof EVALUATION_MODES)[number];

export interface FrameworkRequirement {
  /** The framework's own id (`4.1.1`, a PSA check id, a guidance section name). */
  id: string;
  /** In our words: the state the requirement asks for. */
  title: string;
  /** Automated/Manual as the framework marks it (CIS only). */
  assessment?: Assessment;
  /** CIS profile level, where a source gives it. */
  level?: 1 | 2;
  evaluation: EvaluationMode;
  /** How Watchkeeper evaluates it, in a sentence. */
  how: string;
}

export interface FrameworkSection {
  id: string;
  title: string;
  requirements?: FrameworkRequirement[];
  sections?: FrameworkSection[];
}

/** A framework as data: its section tree with the requirements at the leaves. */
export interface Framework {
  id: FrameworkId;
  title: string;
  version: string;
  /** https link to the framework's home. */
  url: string;
  sections: FrameworkSection[];
}

/** One requirement's status in a result. */
export interface RequirementStatus {
  id: string;
  title: string;
  status: Status;
  /** Ids of the checks that map to the requirement (from their metadata). */
  checks: string[];
  /** Why it is `not_evaluated`: `no check`, or the checks that could not be evaluated. */
  reason?: string;
}

export interface FrameworkStatus {
  title: string;
  requirements: RequirementStatus[];
}

/**
 * A platform component (an EKS/AWS add-on) that needs what the listed checks forbid. Its
 * matching failures become `waived` findings with the reason, never silently dropped.
 */
export interface SystemComponent {
  /** Short name; the applied waiver's id is `system-component:<name>`. */
  name: string;
  /** Glob on the resource namespace. */
  namespace: string;
  /** Exact resource kind, e.g. `DaemonSet`. Pods that differ from their template are reported on their own. */
  kind: string;
  /** Glob on the resource name. */
  resourceName: string;
  /** Ids of the checks whose failures on this component are exempted. */
  checks: string[];
  /** Why the component needs it, shown with every exempted finding. */
  reason: string;
  /** Who answers for it; default `AWS (EKS add-on)`. */
  owner?: string;
}

/** A system component that exempted at least one failure in a scan. */
export interface SystemComponentExemption {
  /** `system-component:<name>`. */
  id: string;
  name: string;
  owner: string;
  reason: string;
  namespace: string;
  kind: string;
  resourceName: string;
  /** The checks whose failures it turned into `waived`. */
  checks: string[];
  /** How many findings it turned into `waived`. */
  findings: number;
}
