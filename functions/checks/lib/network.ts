/**
 * NetworkPolicy semantics for the network checks, as the Kubernetes API documents them
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/), and indexes
 * that keep selector matching cheap on large clusters: items are grouped by namespace and
 * by the `key=value` label pairs a selector requires, so a lookup only compares candidates
 * that can match instead of scanning every policy or every workload.
 */
import type { Ingress, LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../../core/k8s-types.ts';
import type { CheckParams, DeepReadonly, Outcome, ResourceRef, Snapshot } from '../../core/model.ts';
import { fail, pass, systemNamespaceLeftOut } from './outcomes.ts';
import { selectorMatches } from './rbac.ts';
import { type Workload, workloads } from './workloads.ts';

export { selectorMatches };

type Selector = DeepReadonly<LabelSelector> | undefined;
type Labels = Readonly<Record<string, string>>;
type Policy = DeepReadonly<NetworkPolicy>;

export type Direction = 'Ingress' | 'Egress';

/** The namespace of a namespaced object; objects without one live in `default`. */
export function namespaceOf(metadata: { readonly namespace?: string }): string {
  return metadata.namespace ?? 'default';
}

/** A selector with neither labels nor expressions: it selects every pod. */
export function isEmptySelector(selector: Selector): boolean {
  return (
    Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0
  );
}

/** `app=web, tier in (api, worker)`, for messages and evidence. */
export function describeSelector(selector: Selector): string {
  if (isEmptySelector(selector)) return '{} (every pod)';
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'Exists':
        parts.push(expression.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expression.key}`);
        break;
      default:
        parts.push(`${expression.key} ${expression.operator.toLowerCase()} (${values.join(', ')})`);
    }
  }
  return parts.join(', ');
}

/**
 * The `key=value` pairs every object a selector matches must carry: its `matchLabels`, and
 * each `In` expression with a single value. Empty when the selector only has set-based terms.
 */
function requiredPairs(selector: Selector): string[] {
  const pairs = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => pairKey(key, value));
  for (const expression of selector?.matchExpressions ?? []) {
    const [only, ...rest] = expression.values ?? [];
    if (expression.operator === 'In' && only !== undefined && rest.length === 0) {
      pairs.push(pairKey(expression.key, only));
    }
  }
  return pairs;
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ---------------------------------------------------------------------------------------------
// Indexes

interface SelectorBuckets<T> {
  /** Items whose selector selects every object. */
  everything: T[];
  /** Items filed under one pair their selector requires. */
  byPair: Map<string, T[]>;
  /** Items whose selector requires no single pair (only set-based terms). */
  setBased: T[];
}

/**
 * Items that carry a selector (NetworkPolicies, Services), by namespace; answers "which of
 * them select an object with these labels" in time proportional to the object's labels and
 * the candidates, not to the number of items.
 */
export interface SelectorIndex<T> {
  selecting(namespace: string, labels: Labels): T[];
}

export function indexSelectors<T>(
  items: readonly T[],
  namespace: (item: T) => string,
  selector: (item: T) => Selector,
): SelectorIndex<T> {
  const byNamespace = new Map<string, SelectorBuckets<T>>();
  for (const item of items) {
    const ns = namespace(item);
    let buckets = byNamespace.get(ns);
    if (!buckets) {
      buckets = { everything: [], byPair: new Map(), setBased: [] };
      byNamespace.set(ns, buckets);
    }
    const sel = selector(item);
    if (isEmptySelector(sel)) {
      buckets.everything.push(item);
      continue;
    }
    const [first] = requiredPairs(sel);
    if (first === undefined) buckets.setBased.push(item);
    else push(buckets.byPair, first, item);
  }
  return {
    selecting(ns, labels) {
      const buckets = byNamespace.get(ns);
      if (!buckets) return [];
      const found: T[] = [...buckets.everything];
      for (const item of buckets.setBased)
        if (selectorMatches(selector(item) ?? {}, labels)) found.push(item);
      for (const [key, value] of Object.entries(labels)) {
        for (const item of buckets.byPair.get(pairKey(key, value)) ?? []) {
          if (selectorMatches(selector(item) ?? {}, labels)) found.push(item);
        }
      }
      return found;
    },
  };
}

/**
 * Labelled objects (workloads by their pod labels), by namespace; answers "which of them does
 * this selector match" from the smallest bucket of a pair the selector requires.
 */
export interface LabelIndex<T> {
  matching(namespace: string, selector: Selector): T[];
  /** Every item in the namespace. */
  inNamespace(namespace: string): readonly T[];
}

export function indexLabels<T>(
  items: readonly T[],
  namespace: (item: T) => string,
  labels: (item: T) => Labels,
): LabelIndex<T> {
  const all = new Map<string, T[]>();
  const byPair = new Map<string, Map<string, T[]>>();
  for (const item of items) {
    const ns = namespace(item);
    push(all, ns, item);
    let pairs = byPair.get(ns);
    if (!pairs) {
      pairs = new Map();
      byPair.set(ns, pairs);
    }
    for (const [key, value] of Object.entries(labels(item))) push(pairs, pairKey(key, value), item);
  }
  return {
    matching(ns, selector) {
      const everything = all.get(ns) ?? [];
      if (isEmptySelector(selector)) return [...everything];
      let candidates: readonly T[] = everything;
      for (const pair of requiredPairs(selector)) {
        const bucket = byPair.get(ns)?.get(pair) ?? [];
        if (bucket.length < candidates.length) candidates = bucket;
      }
      return candidates.filter((item) => selectorMatches(selector ?? {}, labels(item)));
    },
    inNamespace(ns) {
      return all.get(ns) ?? [];
    },
  };
}

/** Workloads by namespace and pod labels. */
export function indexWorkloads(list: readonly Workload[]): LabelIndex<Workload> {
  return indexLabels(
    list,
    (workload) => workload.resource.namespace ?? 'default',
    (workload) => workload.podLabels,
  );
}

/** NetworkPolicies by namespace and pod selector. */
export function indexPolicies(policies: readonly Policy[]): SelectorIndex<Policy> {
  return indexSelectors(
    policies,
    (policy) => namespaceOf(policy.metadata),
    (policy) => policy.spec?.podSelector,
  );
}

// ---------------------------------------------------------------------------------------------
// Policy semantics

/**
 * The directions a policy isolates. Without `policyTypes`, Ingress always applies and Egress
 * only when the policy has egress rules.
 */
export function policyDirections(policy: Policy): Set<Direction> {
  const declared = policy.spec?.policyTypes ?? [];
  if (declared.length > 0) {
    return new Set(declared.filter((type): type is Direction => type === 'Ingress' || type === 'Egress'));
  }
  const directions = new Set<Direction>(['Ingress']);
  if ((policy.spec?.egress ?? []).length > 0) directions.add('Egress');
  return directions;
}

function isOpenCidr(cidr: string | undefined, openCidrs: readonly string[]): boolean {
  const value = (cidr ?? '').trim().toLowerCase();
  return value.endsWith('/0') || openCidrs.some((open) => open.trim().toLowerCase() === value);
}

/** Why a peer stands for "everyone", or undefined when it limits who. */
function openPeer(peer: DeepReadonly<NetworkPolicyPeer>, openCidrs: readonly string[]): string | undefined {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except ?? [];
    return isOpenCidr(peer.ipBlock.cidr, openCidrs) && except.length === 0
      ? `ipBlock ${peer.ipBlock.cidr} with no exceptions`
      : undefined;
  }
  if (
    peer.namespaceSelector &&
    isEmptySelector(peer.namespaceSelector) &&
    isEmptySelector(peer.podSelector)
  ) {
    return 'every pod in every namespace';
  }
  return undefined;
}

/**
 * Why one ingress or egress rule admits all traffic, or undefined when it limits it: a rule
 * with no peers and no ports allows everything, as does a rule on every port whose peers
 * include everyone (`0.0.0.0/0`, or every pod of every namespace).
 */
export function allowAllReason(
  rule: {
    readonly ports?: readonly unknown[];
    readonly peers?: ReadonlyArray<DeepReadonly<NetworkPolicyPeer>>;
  },
  openCidrs: readonly string[],
): string | undefined {
  if ((rule.ports ?? []).length > 0) return undefined;
  const peers = rule.peers ?? [];
  if (peers.length === 0) return 'a rule with no peers and no ports allows all traffic';
  for (const peer of peers) {
    const open = openPeer(peer, openCidrs);
    if (open) return `a rule on every port allows ${open}`;
  }
  return undefined;
}

/** The rules of one direction, with their peers under one name. */
function rulesOf(policy: Policy, direction: Direction) {
  return direction === 'Ingress'
    ? (policy.spec?.ingress ?? []).map((rule) => ({ ports: rule.ports, peers: rule.from }))
    : (policy.spec?.egress ?? []).map((rule) => ({ ports: rule.ports, peers: rule.to }));
}

export interface DirectionVerdict {
  /** Namespace-wide policies that isolate the direction and allow nothing to everyone. */
  denying: Policy[];
  /** Namespace-wide policies whose rules re-open the direction to everyone, with the reason. */
  opening: { policy: Policy; reason: string; index: number }[];
}

/**
 * How the namespace-wide policies (empty pod selector) of one namespace treat a direction.
 * The namespace has a working default deny when `denying` is non-empty and `opening` is empty:
 * policies add up, so one policy that allows everything to every pod undoes every deny.
 */
export function defaultDenyVerdict(
  policies: readonly Policy[],
  direction: Direction,
  openCidrs: readonly string[],
): DirectionVerdict {
  const verdict: DirectionVerdict = { denying: [], opening: [] };
  for (const policy of policies) {
    if (!isEmptySelector(policy.spec?.podSelector) || !policyDirections(policy).has(direction)) continue;
    let opened = false;
    rulesOf(policy, direction).forEach((rule, index) => {
      const reason = allowAllReason(rule, openCidrs);
      if (reason) {
        verdict.opening.push({ policy, reason, index });
        opened = true;
      }
    });
    if (!opened) verdict.denying.push(policy);
  }
  return verdict;
}

/** The namespaces network segmentation applies to, sorted, and the system namespaces left out. */
export function namespacesInScope(
  snapshot: Snapshot,
  params: Readonly<CheckParams>,
  extra: readonly string[] = [],
): { inScope: string[]; exempt: string[] } {
  const system = new Set(params.systemNamespaces);
  const names = new Set<string>(snapshot.k8s.namespaces.map((ns) => ns.metadata.name));
  for (const name of extra) names.add(name);
  const inScope: string[] = [];
  const exempt: string[] = [];
  for (const name of [...names].sort()) (system.has(name) ? exempt : inScope).push(name);
  return { inScope, exempt };
}

// ---------------------------------------------------------------------------------------------
// Services and load balancers

const SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme';
const INTERNAL = 'service.beta.kubernetes.io/aws-load-balancer-internal';
const LB_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type';

export interface LoadBalancerScheme {
  internal: boolean;
  because: string;
}

/**
 * Which kind of AWS load balancer a LoadBalancer Service gets. The scheme annotation wins; the
 * legacy `-internal` annotation means internal for any value but "false" (in-tree provider).
 * With neither, the AWS Load Balancer Controller (type `external` / `nlb-ip`) creates an
 * internal NLB, while the in-tree provider creates an internet-facing one.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
 */
export function loadBalancerScheme(annotations: Readonly<Record<string, string>>): LoadBalancerScheme {
  const scheme = annotations[SCHEME]?.trim().toLowerCase();
  if (scheme === 'internal') return { internal: true, because: `${SCHEME}: internal` };
  if (scheme === 'internet-facing') return { internal: false, because: `${SCHEME}: internet-facing` };
  if (scheme) return { internal: false, because: `${SCHEME} has the unknown value "${annotations[SCHEME]}"` };
  const internal = annotations[INTERNAL]?.trim();
  if (internal !== undefined && internal !== '') {
    return internal.toLowerCase() === 'false'
      ? { internal: false, because: `${INTERNAL}: "false"` }
      : { internal: true, because: `${INTERNAL}: "${internal}"` };
  }
  const type = annotations[LB_TYPE]?.trim().toLowerCase();
  if (type === 'external' || type === 'nlb-ip') {
    return {
      internal: true,
      because: `${LB_TYPE}: ${type} (the AWS Load Balancer Controller creates internal NLBs unless told otherwise)`,
    };
  }
  return {
    internal: false,
    because:
      'no scheme annotation (the in-tree AWS provider creates internet-facing load balancers by default)',
  };
}

// ---------------------------------------------------------------------------------------------
// Default deny, per namespace

function namespaceResource(name: string): ResourceRef {
  return { apiVersion: 'v1', kind: 'Namespace', name };
}

function policyResource(policy: Policy): ResourceRef {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespace: namespaceOf(policy.metadata),
    name: policy.metadata.name,
  };
}

/**
 * One outcome per application namespace: pass when a namespace-wide policy isolates the
 * direction and nothing re-opens it to everyone; fail naming what is missing, or the rule that
 * re-opens it (reported on the policy that holds it).
 */
export function defaultDenyOutcomes(
  snapshot: Snapshot,
  params: Readonly<CheckParams>,
  direction: Direction,
): Outcome[] {
  const lower = direction.toLowerCase();
  const byNamespace = new Map<string, Policy[]>();
  for (const policy of snapshot.k8s.networkpolicies) push(byNamespace, namespaceOf(policy.metadata), policy);
  const workloadNamespaces = workloads(snapshot).map((workload) => workload.resource.namespace ?? 'default');
  const { inScope, exempt } = namespacesInScope(snapshot, params, workloadNamespaces);
  const outcomes: Outcome[] = [];
  for (const namespace of inScope) {
    const policies = byNamespace.get(namespace) ?? [];
    const verdict = defaultDenyVerdict(policies, direction, params.openCidrs);
    const resource = namespaceResource(namespace);
    const denying = verdict.denying.map((policy) => policy.metadata.name);
    if (verdict.opening.length > 0) {
      for (const { policy, reason, index } of verdict.opening) {
        outcomes.push(
          fail(
            policyResource(policy),
            `NetworkPolicy ${namespace}/${policy.metadata.name} selects every pod in namespace ${namespace} and ` +
              `${reason} (${lower}[${index}]), which undoes any default deny of ${lower} traffic there.`,
            {
              path: `spec.${lower}[${index}]`,
              evidence: { namespace, direction, defaultDenyPolicies: denying.join(', ') || null },
            },
          ),
        );
      }
      continue;
    }
    if (denying.length > 0) {
      outcomes.push(
        pass(resource, `Namespace ${namespace} denies ${lower} traffic by default (${denying.join(', ')}).`, {
          evidence: { direction, defaultDenyPolicies: denying.join(', ') },
        }),
      );
      continue;
    }
    const wide = policies.filter((policy) => isEmptySelector(policy.spec?.podSelector));
    const covered = [...new Set(wide.flatMap((policy) => [...policyDirections(policy)]))];
    const because =
      policies.length === 0
        ? 'it has no NetworkPolicy at all'
        : wide.length > 0
          ? `its namespace-wide ${wide.length === 1 ? 'policy' : 'policies'} (${wide.map((p) => p.metadata.name).join(', ')}) ` +
            (covered.length > 0
              ? `${wide.length === 1 ? 'covers' : 'cover'} ${covered.join(' and ').toLowerCase()} only`
              : `${wide.length === 1 ? 'does' : 'do'} not cover ${lower}`)
          : `none of its ${policies.length} ${policies.length === 1 ? 'policy selects' : 'policies select'} every pod`;
    outcomes.push(
      fail(
        resource,
        `Namespace ${namespace} has no default-deny ${lower} policy: ${because}. Pods not selected by an ` +
          `${lower} policy accept ${direction === 'Ingress' ? 'connections from' : 'connections to'} anywhere.`,
        { evidence: { direction, networkPolicies: policies.length } },
      ),
    );
  }
  for (const namespace of exempt) {
    outcomes.push(systemNamespaceLeftOut(namespace));
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// Ingresses served by the AWS Load Balancer Controller (ALB)

export const ALB_ANNOTATION = 'alb.ingress.kubernetes.io/';

/** Is the Ingress served by the AWS Load Balancer Controller (or EKS Auto Mode's ALB)? */
export function isAlbIngress(ingress: DeepReadonly<Ingress>): boolean {
  const annotations = ingress.metadata.annotations ?? {};
  return (
    ingress.spec?.ingressClassName === 'alb' ||
    annotations['kubernetes.io/ingress.class'] === 'alb' ||
    Object.keys(annotations).some((key) => key.startsWith(ALB_ANNOTATION))
  );
}

/**
 * The ALB listener protocols of an Ingress: from `listen-ports` (`[{"HTTP":80},{"HTTPS":443}]`),
 * else the controller's default, HTTPS:443 when a certificate is given (annotation or
 * `spec.tls`) and HTTP:80 otherwise.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#listen-ports
 */
export function albListenerProtocols(ingress: DeepReadonly<Ingress>): Set<string> {
  const annotations = ingress.metadata.annotations ?? {};
  const listen = annotations[`${ALB_ANNOTATION}listen-ports`];
  if (listen !== undefined && listen.trim() !== '') {
    return new Set([...listen.matchAll(/"(HTTPS?)"\s*:/gi)].map((match) => (match[1] ?? '').toUpperCase()));
  }
  const certificate = (annotations[`${ALB_ANNOTATION}certificate-arn`] ?? '').trim() !== '';
  return new Set([certificate || (ingress.spec?.tls ?? []).length > 0 ? 'HTTPS' : 'HTTP']);
}

/** The ALB scheme of an Ingress; the controller's default is internal. */
export function albScheme(ingress: DeepReadonly<Ingress>): 'internet-facing' | 'internal' {
  const scheme = ingress.metadata.annotations?.[`${ALB_ANNOTATION}scheme`]?.trim().toLowerCase();
  return scheme === 'internet-facing' ? 'internet-facing' : 'internal';
}
