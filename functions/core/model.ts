import type { EksFacts } from './eks-types.ts';
import type {
  ConfigMap,
  CronJob,
  CustomResourceDefinition,
  Ingress,
  K8sObject,
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
  waivers: { applied: Waiver[]; expired: Waiver[]; unused: Waiver[] };
}
