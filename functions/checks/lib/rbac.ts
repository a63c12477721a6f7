import type { LabelSelector, PolicyRule, Role, RoleBinding, Subject } from '../../core/k8s-types.ts';
import type { DeepReadonly, Outcome, ResourceRef, Snapshot } from '../../core/model.ts';
import { clusterResource, fail, pass } from './outcomes.ts';

/**
 * RBAC reach: which subject holds which rule, through which binding and role. It follows the
 * RBAC authorizer's own resolution so findings match what the API server would allow:
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */

const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

export type RoleKind = 'Role' | 'ClusterRole';
export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding';

/** A Role (namespaced) or ClusterRole (namespace undefined). */
export interface RoleId {
  kind: RoleKind;
  name: string;
  namespace?: string;
}

export interface RoleEntry {
  id: RoleId;
  resource: ResourceRef;
  role: DeepReadonly<Role>;
}

/** One rule a role grants, with the role and index where it is written. */
export interface EffectiveRule {
  rule: DeepReadonly<PolicyRule>;
  /** The role whose `rules[index]` this is: the role itself or a ClusterRole aggregated into it. */
  source: RoleId;
  index: number;
  /** True when the rule reaches the role through its `aggregationRule`. */
  aggregated: boolean;
}

export interface ResolvedBinding {
  kind: BindingKind;
  binding: DeepReadonly<RoleBinding>;
  resource: ResourceRef;
  roleId: RoleId;
  /** The role the binding refers to; undefined when it is not in the snapshot (grants nothing). */
  role: RoleEntry | undefined;
  /** The namespace the binding's rules apply in; undefined means every namespace. */
  scope: string | undefined;
}

/** What part of a wanted access a rule grants (the rule's own entries that matched). */
export interface RuleMatch {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
}

/**
 * Access to look for. A resource may name a subresource (`pods/exec`); a resource ending in
 * `/*` (`userextras/*`) stands for any subresource of it.
 */
export interface Access {
  verbs: readonly string[];
  apiGroups: readonly string[];
  resources: readonly string[];
}

/** One subject of one binding and the rules of the bound role that grant the access sought. */
export interface SubjectReach {
  binding: ResolvedBinding;
  subject: DeepReadonly<Subject>;
  subjectIndex: number;
  rules: { rule: EffectiveRule; match: RuleMatch }[];
}

export interface RbacView {
  /** Every Role and ClusterRole, built-in ones included. */
  readonly roles: readonly RoleEntry[];
  /** Bindings that are not built-in (name not starting with an ignored prefix), resolved. */
  readonly bindings: readonly ResolvedBinding[];
  /**
   * Every binding, built-in ones included: for questions no built-in name may hide, such as
   * which bindings name `system:anonymous`.
   */
  readonly allBindings: readonly ResolvedBinding[];
  find(id: RoleId): RoleEntry | undefined;
  /** A role's rules: its own, plus, for an aggregated ClusterRole, those of every ClusterRole it selects. */
  effectiveRules(id: RoleId): EffectiveRule[];
  /** Non-built-in bindings that refer to the role. */
  bindingsTo(id: RoleId): ResolvedBinding[];
}

export function isIgnoredName(name: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => prefix !== '' && name.startsWith(prefix));
}

function roleKey(id: RoleId): string {
  return id.kind === 'Role' ? `Role/${id.namespace ?? ''}/${id.name}` : `ClusterRole//${id.name}`;
}

export function sameRole(a: RoleId, b: RoleId): boolean {
  return roleKey(a) === roleKey(b);
}

/** `ClusterRole view`, `Role shop/reader`. */
export function roleLabel(id: RoleId): string {
  return id.namespace !== undefined ? `${id.kind} ${id.namespace}/${id.name}` : `${id.kind} ${id.name}`;
}

/** `RoleBinding shop/app-readers`, `ClusterRoleBinding ops`. */
export function bindingLabel(binding: ResolvedBinding): string {
  const { namespace, name } = binding.resource;
  return namespace !== undefined ? `${binding.kind} ${namespace}/${name}` : `${binding.kind} ${name}`;
}

/**
 * The namespace of a ServiceAccount subject: its own, else the RoleBinding's (as the RBAC
 * authorizer does; in a ClusterRoleBinding a ServiceAccount without a namespace matches nothing).
 */
export function subjectNamespace(
  subject: DeepReadonly<Subject>,
  bindingNamespace: string | undefined,
): string | undefined {
  return subject.namespace || bindingNamespace || undefined;
}

/** `ServiceAccount shop/web`, `User alice`, `Group platform-admins`. */
export function subjectName(subject: DeepReadonly<Subject>, bindingNamespace?: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `ServiceAccount ${subjectNamespace(subject, bindingNamespace) ?? '(no namespace)'}/${subject.name}`;
  }
  return `${subject.kind} ${subject.name}`;
}

/**
 * The user or group name Kubernetes authenticates: the name of a User or Group, and
 * `system:serviceaccount:<namespace>:<name>` for a ServiceAccount. Allow-lists match on it.
 */
export function subjectIdentity(subject: DeepReadonly<Subject>, bindingNamespace?: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `system:serviceaccount:${subjectNamespace(subject, bindingNamespace) ?? ''}:${subject.name}`;
  }
  return subject.name;
}

/** Kubernetes label-selector semantics; an empty selector selects everything. */
export function selectorMatches(
  selector: DeepReadonly<LabelSelector>,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(have, key) || have[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!present || !values.includes(have[expression.key] ?? '')) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[expression.key] ?? '')) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An operator the API server would reject selects nothing.
        return false;
    }
  }
  return true;
}

/**
 * Does one entry of a rule's `resources` cover the wanted resource? Mirrors the authorizer:
 * `*`, an exact match (`pods/exec`), or a star followed by `/<subresource>` for a wanted subresource.
 */
function resourceCovers(ruleResource: string, wanted: string): boolean {
  if (ruleResource === '*' || ruleResource === wanted) return true;
  if (wanted.endsWith('/*')) return ruleResource.startsWith(wanted.slice(0, -1));
  const slash = wanted.indexOf('/');
  return slash > 0 && ruleResource === `*/${wanted.slice(slash + 1)}`;
}

/** The parts of a rule that grant some of the wanted access, or undefined when it grants none of it. */
export function ruleGrants(rule: DeepReadonly<PolicyRule>, access: Access): RuleMatch | undefined {
  const verbs = (rule.verbs ?? []).filter((verb) => verb === '*' || access.verbs.includes(verb));
  const apiGroups = (rule.apiGroups ?? []).filter(
    (group) => group === '*' || access.apiGroups.includes(group),
  );
  const resources = (rule.resources ?? []).filter((resource) =>
    access.resources.some((wanted) => resourceCovers(resource, wanted)),
  );
  if (verbs.length === 0 || apiGroups.length === 0 || resources.length === 0) return undefined;
  return { verbs, apiGroups, resources };
}

function canonicalRule(rule: DeepReadonly<PolicyRule>): string {
  return JSON.stringify([
    rule.apiGroups ?? [],
    rule.resources ?? [],
    rule.verbs ?? [],
    rule.resourceNames ?? [],
    rule.nonResourceURLs ?? [],
  ]);
}

function roleResource(id: RoleId): ResourceRef {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: id.kind,
    name: id.name,
    ...(id.namespace !== undefined ? { namespace: id.namespace } : {}),
  };
}

/**
 * Views already built, per snapshot and ignored prefixes: every RBAC check asks for the same
 * view of the same (immutable) snapshot. Keyed weakly by the snapshot object, as `workloads()`,
 * so nothing outlives it and no two clusters share an entry; a list replaced or grown (only a
 * test building a snapshot step by step does that) builds a new view.
 */
interface BuiltView {
  lists: readonly (readonly unknown[])[];
  lengths: number[];
  view: RbacView;
}

const builtViews = new WeakMap<Snapshot, Map<string, BuiltView>>();

function rbacLists(snapshot: Snapshot): readonly (readonly unknown[])[] {
  const k8s = snapshot.k8s;
  return [k8s.roles, k8s.clusterroles, k8s.rolebindings, k8s.clusterrolebindings];
}

/** Indexes the snapshot's RBAC objects; bindings whose names start with an ignored prefix are left out. */
export function rbacView(snapshot: Snapshot, ignoredPrefixes: readonly string[]): RbacView {
  const lists = rbacLists(snapshot);
  const key = JSON.stringify(ignoredPrefixes);
  let views = builtViews.get(snapshot);
  const cached = views?.get(key);
  if (cached?.lists.every((list, i) => list === lists[i] && cached.lengths[i] === list.length)) {
    return cached.view;
  }
  const view = buildRbacView(snapshot, ignoredPrefixes);
  if (!views) {
    views = new Map();
    builtViews.set(snapshot, views);
  }
  views.set(key, { lists, lengths: lists.map((list) => list.length), view });
  return view;
}

function buildRbacView(snapshot: Snapshot, ignoredPrefixes: readonly string[]): RbacView {
  const roles: RoleEntry[] = [];
  const byKey = new Map<string, RoleEntry>();
  const add = (kind: RoleKind, role: DeepReadonly<Role>) => {
    const id: RoleId = {
      kind,
      name: role.metadata.name,
      ...(kind === 'Role' ? { namespace: role.metadata.namespace ?? 'default' } : {}),
    };
    const entry: RoleEntry = { id, resource: roleResource(id), role };
    roles.push(entry);
    byKey.set(roleKey(id), entry);
  };
  for (const role of snapshot.k8s.roles) add('Role', role);
  for (const role of snapshot.k8s.clusterroles) add('ClusterRole', role);
  const find = (id: RoleId) => byKey.get(roleKey(id));

  // Only results computed from the top are cached: inside an aggregation cycle a partial
  // answer is enough to stop the recursion, but must not be reused.
  const memo = new Map<string, EffectiveRule[]>();
  const effective = (id: RoleId, visiting: Set<string>): EffectiveRule[] => {
    const key = roleKey(id);
    const top = visiting.size === 0;
    const cached = memo.get(key);
    if (cached) return cached;
    const entry = byKey.get(key);
    if (!entry) return [];
    const own: EffectiveRule[] = (entry.role.rules ?? []).map((rule, index) => ({
      rule,
      source: id,
      index,
      aggregated: false,
    }));
    const selectors =
      id.kind === 'ClusterRole' ? entry.role.aggregationRule?.clusterRoleSelectors : undefined;
    if (!selectors || visiting.has(key)) return own;
    visiting.add(key);
    // Like the aggregation controller: every other ClusterRole any selector matches, by name.
    const sources = roles
      .filter(
        (candidate) =>
          candidate.id.kind === 'ClusterRole' &&
          candidate.id.name !== id.name &&
          selectors.some((selector) => selectorMatches(selector, candidate.role.metadata.labels)),
      )
      .sort((a, b) => a.id.name.localeCompare(b.id.name));
    const fromSources: EffectiveRule[] = [];
    const seen = new Set<string>();
    for (const source of sources) {
      for (const rule of effective(source.id, visiting)) {
        const where = `${roleKey(rule.source)}#${rule.index}`;
        // A cycle leads back to this role's own rules (already counted); a diamond repeats rules.
        if (sameRole(rule.source, id) || seen.has(where)) continue;
        seen.add(where);
        fromSources.push({ ...rule, aggregated: true });
      }
    }
    visiting.delete(key);
    // In a live cluster the controller has already copied the sources' rules into `rules`;
    // credit each copy to the ClusterRole it came from, so the path names where to fix it.
    const copied = new Set(fromSources.map((rule) => canonicalRule(rule.rule)));
    const result = [...own.filter((rule) => !copied.has(canonicalRule(rule.rule))), ...fromSources];
    if (top) memo.set(key, result);
    return result;
  };

  const bindings: ResolvedBinding[] = [];
  const allBindings: ResolvedBinding[] = [];
  const resolve = (kind: BindingKind, binding: DeepReadonly<RoleBinding>) => {
    const namespace = kind === 'RoleBinding' ? (binding.metadata.namespace ?? 'default') : undefined;
    const refKind: RoleKind = binding.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole';
    const roleId: RoleId = {
      kind: refKind,
      name: binding.roleRef.name,
      ...(refKind === 'Role' ? { namespace: namespace ?? '' } : {}),
    };
    // A ClusterRoleBinding can only refer to a ClusterRole; anything else grants nothing.
    const valid = binding.roleRef.kind === 'ClusterRole' || (kind === 'RoleBinding' && refKind === 'Role');
    const resolved: ResolvedBinding = {
      kind,
      binding,
      resource: {
        apiVersion: RBAC_API_VERSION,
        kind,
        name: binding.metadata.name,
        ...(namespace !== undefined ? { namespace } : {}),
      },
      roleId,
      role: valid ? find(roleId) : undefined,
      scope: namespace,
    };
    allBindings.push(resolved);
    if (!isIgnoredName(binding.metadata.name, ignoredPrefixes)) bindings.push(resolved);
  };
  for (const binding of snapshot.k8s.clusterrolebindings) resolve('ClusterRoleBinding', binding);
  for (const binding of snapshot.k8s.rolebindings) resolve('RoleBinding', binding);
  // Bindings by the role they name, so asking per role stays linear in the cluster's size.
  const byRole = new Map<string, ResolvedBinding[]>();
  for (const binding of bindings) {
    const key = roleKey(binding.roleId);
    const list = byRole.get(key);
    if (list) list.push(binding);
    else byRole.set(key, [binding]);
  }

  // Frozen: one view serves every check of a snapshot, so none may reorder it for the others.
  return {
    roles: Object.freeze(roles),
    bindings: Object.freeze(bindings),
    allBindings: Object.freeze(allBindings),
    find,
    effectiveRules: (id) => effective(id, new Set()),
    bindingsTo: (id) => [...(byRole.get(roleKey(id)) ?? [])],
  };
}

/** Every subject of every non-built-in binding whose role grants some of the access. */
export function reachOf(view: RbacView, access: Access): SubjectReach[] {
  const reach: SubjectReach[] = [];
  // Worked out once per role, not once per binding (see reachOfGrants).
  const byRole = new Map<string, SubjectReach['rules']>();
  for (const binding of view.bindings) {
    if (!binding.role) continue;
    const key = roleKey(binding.role.id);
    let rules = byRole.get(key);
    if (!rules) {
      rules = view.effectiveRules(binding.role.id).flatMap((rule) => {
        const match = ruleGrants(rule.rule, access);
        return match ? [{ rule, match }] : [];
      });
      byRole.set(key, rules);
    }
    if (rules.length === 0) continue;
    (binding.binding.subjects ?? []).forEach((subject, subjectIndex) => {
      reach.push({ binding, subject, subjectIndex, rules });
    });
  }
  return reach;
}

/** `ClusterRole edit rules[3]`, or `ClusterRole edit ⇐ aggregated from ClusterRole x rules[0]`. */
export function ruleLabel(role: RoleId, rule: EffectiveRule): string {
  return rule.aggregated || !sameRole(role, rule.source)
    ? `${roleLabel(role)} ⇐ aggregated from ${roleLabel(rule.source)} rules[${rule.index}]`
    : `${roleLabel(role)} rules[${rule.index}]`;
}

/** The grant path of a rule through a binding: `RoleBinding shop/x → ClusterRole y rules[0]`. */
export function grantPath(binding: ResolvedBinding, rule: EffectiveRule): string {
  return `${bindingLabel(binding)} → ${ruleLabel(binding.roleId, rule)}`;
}

/** `in namespace shop` or `in every namespace`. */
export function reachLabel(binding: ResolvedBinding): string {
  return binding.scope !== undefined ? `in namespace ${binding.scope}` : 'in every namespace';
}

/** One kind of sensitive access a check looks for, such as `create` on `pods`. */
export interface SensitiveGrant {
  access: Access;
  /**
   * Whether `resourceNames` can narrow the grant. A create on a collection names no object
   * when it is authorized, so a rule with resourceNames never allows it; a subresource of a
   * named object (`serviceaccounts/<name>/token`, `nodes/<name>/proxy`) and update, patch or
   * delete name their object.
   * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
   */
  nameable: boolean;
  /**
   * The resource is cluster-scoped (persistentvolumes, nodes, webhook configurations): a
   * RoleBinding grants nothing on it, whatever its role says.
   */
  clusterScoped?: boolean;
}

/** A rule of a bound role that grants one of the sensitive accesses. */
export interface GrantMatch {
  grant: SensitiveGrant;
  rule: EffectiveRule;
  match: RuleMatch;
}

/** One subject of one binding and every sensitive grant it holds through that binding. */
export interface SubjectGrants {
  binding: ResolvedBinding;
  subject: DeepReadonly<Subject>;
  subjectIndex: number;
  grants: GrantMatch[];
}

/** Narrows a grant search to one object. */
export interface GrantTarget {
  /** Only bindings that reach this namespace count (a RoleBinding in another namespace does not). */
  namespace?: string;
  /** A rule limited by resourceNames counts only if it names this object. */
  objectName?: string;
}

/** The grants a rule gives, leaving out those resourceNames make impossible or point elsewhere. */
export function grantsOfRule(
  rule: EffectiveRule,
  grants: readonly SensitiveGrant[],
  target: GrantTarget = {},
): GrantMatch[] {
  const names = rule.rule.resourceNames ?? [];
  return grants.flatMap((grant) => {
    if (names.length > 0 && !grant.nameable) return [];
    if (names.length > 0 && target.objectName !== undefined && !names.includes(target.objectName)) return [];
    const match = ruleGrants(rule.rule, grant.access);
    return match ? [{ grant, rule, match }] : [];
  });
}

/** Every subject of the non-built-in bindings holding any of the grants (on the target, when given). */
export function reachOfGrants(
  view: RbacView,
  grants: readonly SensitiveGrant[],
  target: GrantTarget = {},
): SubjectGrants[] {
  const reach: SubjectGrants[] = [];
  const namespaced = grants.filter((grant) => !grant.clusterScoped);
  // Thousands of bindings refer to a few dozen roles: what a role grants is worked out once
  // per role and binding kind (the target is the same for the whole call).
  const byRole = new Map<string, GrantMatch[]>();
  for (const binding of view.bindings) {
    if (!binding.role) continue;
    if (target.namespace !== undefined && binding.scope !== undefined && binding.scope !== target.namespace)
      continue;
    const usable = binding.kind === 'RoleBinding' ? namespaced : grants;
    if (usable.length === 0) continue;
    const key = `${binding.kind}\u0000${roleKey(binding.role.id)}`;
    let found = byRole.get(key);
    if (!found) {
      const role = binding.role.id;
      found = view.effectiveRules(role).flatMap((rule) => grantsOfRule(rule, usable, target));
      byRole.set(key, found);
    }
    if (found.length === 0) continue;
    (binding.binding.subjects ?? []).forEach((subject, subjectIndex) => {
      reach.push({ binding, subject, subjectIndex, grants: found });
    });
  }
  return reach;
}

/** `create on pods`, `every verb (*) on deployments, statefulsets`. */
export function describeRuleMatch(match: RuleMatch): string {
  const verbs = match.verbs.includes('*') ? 'every verb (*)' : match.verbs.join('/');
  const resources = match.resources.map((resource) => (resource === '*' ? 'every resource (*)' : resource));
  const groups = match.apiGroups.filter((group) => group !== '');
  const where = match.apiGroups.includes('*')
    ? ' in every API group (*)'
    : groups.length > 0
      ? ` in ${groups.join(', ')}`
      : '';
  return `${verbs} on ${resources.join(', ')}${where}`;
}

/** A list of identities the operator approved, and the parameter that holds it. */
export interface ApprovedSubjects {
  names: readonly string[];
  param: string;
}

export interface SensitiveAccessQuery {
  /** What the access allows, for messages: `create pods`, `reach the kubelet API (nodes/proxy)`. */
  what: string;
  grants: readonly SensitiveGrant[];
  /** Identities (user, group, `system:serviceaccount:<ns>:<name>`) allowed to hold the access. */
  approved: readonly ApprovedSubjects[];
  /** Limits the search to one object, e.g. ConfigMap kube-system/aws-auth. */
  target?: GrantTarget;
}

/**
 * Outcomes of a "who holds this sensitive access" check: one failure per non-approved subject
 * of a non-built-in binding, naming the grant path (binding → role → rule) and the reach; a
 * pass for every other non-built-in binding, saying when it passes only through approval.
 */
export function sensitiveAccessOutcomes(
  snapshot: Snapshot,
  view: RbacView,
  query: SensitiveAccessQuery,
): Outcome[] {
  const outcomes: Outcome[] = [];
  const failing = new Set<ResolvedBinding>();
  const approvedBy = new Map<ResolvedBinding, string[]>();
  for (const item of reachOfGrants(view, query.grants, query.target)) {
    const identity = subjectIdentity(item.subject, item.binding.scope);
    const who = subjectName(item.subject, item.binding.scope);
    const approval = query.approved.find((list) => list.names.includes(identity));
    if (approval) {
      approvedBy.set(item.binding, [...(approvedBy.get(item.binding) ?? []), `${who} (${approval.param})`]);
      continue;
    }
    failing.add(item.binding);
    const grants = [...new Set(item.grants.map((g) => describeRuleMatch(g.match)))];
    const paths = [...new Set(item.grants.map((g) => grantPath(item.binding, g.rule)))];
    const named = [...new Set(item.grants.flatMap((g) => g.rule.rule.resourceNames ?? []))];
    const scope = item.grants.every((g) => g.grant.clusterScoped) ? 'cluster-wide' : reachLabel(item.binding);
    outcomes.push(
      fail(
        item.binding.resource,
        `${who} can ${query.what}: ${grants.join('; ')} ${scope}, through ` +
          `${paths.join('; ')}` +
          (named.length > 0 ? ` (limited to the objects named ${named.join(', ')}).` : '.'),
        {
          path: `subjects[${item.subjectIndex}]`,
          evidence: {
            subject: who,
            identity,
            grants: grants.join('; '),
            reach: item.binding.scope ?? 'cluster-wide',
            grantPath: paths.join('; '),
            resourceNames: named.length > 0 ? named.join(', ') : null,
          },
        },
      ),
    );
  }
  for (const binding of view.bindings) {
    if (failing.has(binding)) continue;
    const approved = approvedBy.get(binding);
    outcomes.push(
      pass(
        binding.resource,
        approved
          ? `${bindingLabel(binding)} lets only approved subjects ${query.what}: ${approved.join(', ')}.`
          : `${bindingLabel(binding)} does not let its subjects ${query.what}.`,
      ),
    );
  }
  if (view.bindings.length === 0) {
    outcomes.push(pass(clusterResource(snapshot), `No non-built-in binding lets a subject ${query.what}.`));
  }
  return outcomes;
}

/** `get/list on pods, services (core)`, `get on /healthz, /version`. */
export function ruleSummary(rule: DeepReadonly<PolicyRule>): string {
  const verbs = (rule.verbs ?? []).join('/') || '(no verbs)';
  const urls = rule.nonResourceURLs ?? [];
  const resources = rule.resources ?? [];
  const targets = [...resources, ...urls].join(', ') || '(nothing)';
  const groups = (rule.apiGroups ?? []).map((group) => (group === '' ? 'core' : group));
  const names = rule.resourceNames ?? [];
  return (
    `${verbs} on ${targets}` +
    (resources.length > 0 && groups.length > 0 ? ` (${groups.join(', ')})` : '') +
    (names.length > 0 ? ` named ${names.join(', ')}` : '')
  );
}

/** A ServiceAccount named as a subject of a binding. */
export interface AccountSubject {
  binding: ResolvedBinding;
  subjectIndex: number;
}

/**
 * The view's ServiceAccount subjects by `namespace/name`, in binding then subject order: a
 * check asking "who binds this account?" per workload or per namespace looks it up instead
 * of scanning every binding each time.
 */
export function accountSubjects(view: RbacView): Map<string, AccountSubject[]> {
  const byAccount = new Map<string, AccountSubject[]>();
  for (const binding of view.bindings) {
    (binding.binding.subjects ?? []).forEach((subject, subjectIndex) => {
      const namespace = subjectNamespace(subject, binding.scope);
      // A ServiceAccount without a namespace in a ClusterRoleBinding matches no account.
      if (subject.kind !== 'ServiceAccount' || namespace === undefined) return;
      const key = `${namespace}/${subject.name}`;
      const list = byAccount.get(key);
      if (list) list.push({ binding, subjectIndex });
      else byAccount.set(key, [{ binding, subjectIndex }]);
    });
  }
  return byAccount;
}
