// js-yaml, not yaml: client-node already bundles it, and the scan-cluster Lambda stays one parser lighter.
import { load as parse } from 'js-yaml';
import type { EksAccessEntry } from '../../core/eks-types.ts';
import { isRecord } from '../../core/is-record.ts';
import type { DeepReadonly, ResourceRef, Snapshot } from '../../core/model.ts';
import { isRedacted, REDACTED } from '../../core/redaction.ts';

/**
 * The `kube-system/aws-auth` ConfigMap as the AWS IAM authenticator reads it: `mapRoles` and
 * `mapUsers` are YAML lists (strings inside the ConfigMap) mapping IAM principals to a
 * Kubernetes user name and groups.
 * https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
 */

export const AWS_AUTH_NAMESPACE = 'kube-system';
export const AWS_AUTH_NAME = 'aws-auth';

export type AwsAuthKey = 'mapRoles' | 'mapUsers';

export interface AwsAuthMapping {
  key: AwsAuthKey;
  index: number;
  /** `rolearn` / `userarn`; for an IAM Identity Center entry, a description of its `sso` matcher. */
  principal: string | undefined;
  username: string | undefined;
  groups: string[];
  /** `data.mapRoles[2]`: where the entry is, for findings. */
  path: string;
  /** True for an entry that maps EC2 or Fargate nodes (groups `system:nodes` / `system:bootstrappers`). */
  node: boolean;
  /** Group names partly hidden by collection-time redaction (a group such as `token:readers`). */
  redactedGroups: number;
}

/** A key whose value could not be read: redacted as a whole, or not a YAML list. */
export interface AwsAuthProblem {
  key: AwsAuthKey;
  message: string;
}

export interface AwsAuth {
  resource: ResourceRef;
  mappings: AwsAuthMapping[];
  /** Account ids in `mapAccounts`: every principal of them authenticates, without groups. */
  accounts: string[];
  problems: AwsAuthProblem[];
}

const NODE_GROUPS = new Set(['system:nodes', 'system:bootstrappers']);

export function awsAuthResource(): ResourceRef {
  return { apiVersion: 'v1', kind: 'ConfigMap', namespace: AWS_AUTH_NAMESPACE, name: AWS_AUTH_NAME };
}

/** The authenticator decodes with Go's encoding/json, which matches keys case-insensitively. */
function field(entry: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(entry).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : entry[key];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function principalOf(key: AwsAuthKey, entry: Record<string, unknown>): string | undefined {
  const arn = text(field(entry, key === 'mapRoles' ? 'rolearn' : 'userarn'));
  if (arn) return arn;
  const sso = field(entry, 'sso');
  if (isRecord(sso)) {
    const permissionSet = text(field(sso, 'permissionSetName')) ?? '?';
    const account = text(field(sso, 'accountID')) ?? '?';
    return `IAM Identity Center permission set ${permissionSet} in account ${account}`;
  }
  return undefined;
}

function parseList(key: AwsAuthKey, value: string, problems: AwsAuthProblem[]): AwsAuthMapping[] {
  if (isRedacted(value)) {
    problems.push({
      key,
      message: `data.${key} was redacted at collection as a whole, so it cannot be read`,
    });
    return [];
  }
  let parsed: unknown;
  try {
    parsed = parse(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'invalid YAML';
    problems.push({ key, message: `data.${key} is not valid YAML (${reason})` });
    return [];
  }
  if (parsed === null || parsed === undefined) return [];
  if (!Array.isArray(parsed)) {
    problems.push({ key, message: `data.${key} is not a YAML list` });
    return [];
  }
  return parsed.flatMap((entry, index) => {
    if (!isRecord(entry)) return [];
    const rawGroups = field(entry, 'groups');
    const groups = Array.isArray(rawGroups)
      ? rawGroups.map(text).filter((group): group is string => group !== undefined)
      : [];
    return [
      {
        key,
        index,
        principal: principalOf(key, entry),
        username: text(field(entry, 'username')),
        groups,
        path: `data.${key}[${index}]`,
        node: groups.some((group) => NODE_GROUPS.has(group)),
        redactedGroups: groups.filter((group) => group.includes(REDACTED)).length,
      },
    ];
  });
}

/** The parsed aws-auth ConfigMap, or undefined when the snapshot has none. */
export function readAwsAuth(snapshot: Snapshot): AwsAuth | undefined {
  const configMap = snapshot.k8s.configmaps.find(
    (cm) => cm.metadata.name === AWS_AUTH_NAME && cm.metadata.namespace === AWS_AUTH_NAMESPACE,
  );
  if (!configMap) return undefined;
  const data: DeepReadonly<Record<string, string>> = configMap.data ?? {};
  const problems: AwsAuthProblem[] = [];
  const mappings: AwsAuthMapping[] = [];
  for (const key of ['mapRoles', 'mapUsers'] as const) {
    const value = data[key];
    if (typeof value === 'string' && value.trim() !== '') mappings.push(...parseList(key, value, problems));
  }
  let accounts: string[] = [];
  const rawAccounts = data.mapAccounts;
  if (typeof rawAccounts === 'string' && rawAccounts.trim() !== '' && !isRedacted(rawAccounts)) {
    try {
      const parsed: unknown = parse(rawAccounts);
      if (Array.isArray(parsed)) accounts = parsed.map(text).filter((a): a is string => a !== undefined);
    } catch {
      // An unreadable account list maps nothing the checks could name.
    }
  }
  return { resource: awsAuthResource(), mappings, accounts, problems };
}

export interface AuthenticationMode {
  /** `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`. */
  mode: string;
  /** True when EKS honours the aws-auth ConfigMap (every mode but `API`). */
  configMapHonoured: boolean;
  /** True when the mode was read from DescribeCluster; false when it is inferred. */
  stated: boolean;
}

/**
 * The cluster's authentication mode. A cluster created before access entries existed reports
 * no `accessConfig` and authenticates through aws-auth only, as `CONFIG_MAP` does.
 * https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
 */
export function authenticationMode(snapshot: Snapshot): AuthenticationMode | undefined {
  const cluster = snapshot.eks.cluster;
  if (!cluster) return undefined;
  const mode = cluster.accessConfig?.authenticationMode;
  if (!mode) return { mode: 'CONFIG_MAP', configMapHonoured: true, stated: false };
  return { mode, configMapHonoured: mode !== 'API', stated: true };
}

/*
 * EKS access entries: the API-side mappings of IAM principals that replace aws-auth.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
 */

/** Access policies that make a principal administrator of everything they are scoped to. */
const ADMIN_POLICIES = ['AmazonEKSClusterAdminPolicy', 'AmazonEKSAdminPolicy'];

function policyName(arn: string | undefined): string {
  return (arn ?? '').split('/').pop() ?? '';
}

export function accessEntryResource(entry: DeepReadonly<EksAccessEntry>): ResourceRef {
  return {
    kind: 'AccessEntry',
    name: entry.principalArn ?? '(no principal)',
    ...(entry.accessEntryArn ? { arn: entry.accessEntryArn } : {}),
  };
}

/** The ways an access entry grants cluster-wide admin: a cluster-scoped admin policy, or group system:masters. */
export function clusterAdminGrants(entry: DeepReadonly<EksAccessEntry>): { what: string; path: string }[] {
  const grants: { what: string; path: string }[] = [];
  (entry.accessPolicies ?? []).forEach((policy, index) => {
    const name = policyName(policy.policyArn);
    if (ADMIN_POLICIES.includes(name) && policy.accessScope?.type === 'cluster') {
      grants.push({ what: `${name} at cluster scope`, path: `accessPolicies[${index}]` });
    }
  });
  (entry.kubernetesGroups ?? []).forEach((group, index) => {
    if (group === 'system:masters')
      grants.push({ what: 'Kubernetes group system:masters', path: `kubernetesGroups[${index}]` });
  });
  return grants;
}
