import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../core/is-record.ts';
import { ALL_K8S_KINDS, apiVersionOf, K8S_KINDS, type K8sKind, kindKeyOf } from '../core/kinds.ts';
import { LabelSelectorError, labelMatcher } from './label-selector.ts';
import { ApiStatusError } from './status.ts';

/**
 * The emulator's read-only object store: objects normalised the way the API server would
 * return them, kept per kind in a stable (namespace, name) order and serialised once, so a
 * list of thousands of objects is a join of ready-made strings.
 */

export class EmulatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorConfigError';
  }
}

export interface StoredObject {
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The object as served, already JSON. */
  readonly json: string;
}

export interface ListQuery {
  /** Restricts to one namespace; undefined lists across all of them. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

export interface ListPage {
  items: readonly StoredObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueState {
  v: 1;
  kind: K8sKind;
  namespace: string;
  labelSelector: string;
  fieldSelector: string;
  /** Last key served: the next page starts strictly after it. */
  after: [string, string];
  resourceVersion: string;
  /**
   * When the first page was served. Real tokens die when etcd compacts the revision the
   * list started at, so every token of one list expires together, measured from its start.
   */
  issuedAt: number;
}

function compareKeys(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** A stable, UUID-shaped id per object, so repeated runs of the demo produce the same uids. */
function deterministicUid(kind: K8sKind, namespace: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}\0${namespace}\0${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stringLabels(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equal: boolean;
  value: string;
}

/**
 * Only the two fields every kind supports. Kind-specific fields (`spec.nodeName`, …) are
 * ignored rather than rejected: a documented limit of the emulator.
 */
function parseFieldSelector(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const part of selector.split(',')) {
    if (part.trim() === '') continue;
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(part);
    if (!match) throw new ApiStatusError(400, 'BadRequest', `invalid field selector "${part}"`);
    const field = match[1];
    if (field === 'metadata.name' || field === 'metadata.namespace') {
      requirements.push({ field, equal: match[2] !== '!=', value: match[3] ?? '' });
    }
  }
  return requirements;
}

function expired(): ApiStatusError {
  return new ApiStatusError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. ' +
      'You can start a new list without the continue parameter.',
  );
}

export class ObjectStore {
  readonly #byKind = new Map<K8sKind, StoredObject[]>();
  readonly #byKey = new Map<string, StoredObject>();
  readonly #resourceVersion: string;
  readonly #continueKey = randomBytes(32);
  readonly #continueTtlMs: number;
  readonly #now: () => number;

  /**
   * Objects are normalised and serialised one at a time as they arrive, and only the JSON
   * text is kept: a 150,000-pod benchmark cluster can be streamed in without ever existing
   * as parsed objects twice. The caller's objects are not modified.
   */
  constructor(objects: Iterable<unknown>, options: { continueTtlMs: number; now?: () => number }) {
    this.#continueTtlMs = options.continueTtlMs;
    this.#now = options.now ?? Date.now;
    const created = new Date(Math.floor(this.#now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    let revision = 1000;
    const pending = new Map<K8sKind, StoredObject[]>();

    let index = 0;
    for (const raw of objects) {
      index += 1;
      if (!isRecord(raw) || typeof raw.kind !== 'string' || !isRecord(raw.metadata)) {
        throw new EmulatorConfigError(`object #${index} is not a Kubernetes object with kind and metadata`);
      }
      const name = raw.metadata.name;
      if (typeof name !== 'string' || name === '' || name.includes('/')) {
        throw new EmulatorConfigError(`object #${index} (${raw.kind}) has no usable metadata.name`);
      }
      // Secrets and kinds the scanner does not read are never served: the real API server
      // would hold them, but nothing may read them through this emulator.
      const kind = kindKeyOf(raw.kind);
      if (kind === undefined) continue;
      const info = K8S_KINDS[kind];
      // Shallow copies are enough: only top-level fields and metadata fields are set, and the
      // result is serialised at once.
      const metadata: Record<string, unknown> = { ...raw.metadata };
      const givenNamespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
      const namespace = info.namespaced ? givenNamespace || 'default' : '';
      if (info.namespaced) metadata.namespace = namespace;
      else delete metadata.namespace;
      metadata.uid ??= deterministicUid(kind, namespace, name);
      metadata.creationTimestamp ??= created;
      revision += 1;
      metadata.resourceVersion ??= String(revision);
      const resourceVersion = Number(metadata.resourceVersion);
      if (Number.isSafeInteger(resourceVersion) && resourceVersion > revision) revision = resourceVersion;
      // Served objects carry the version the server stores them at, as after conversion.
      const served = { apiVersion: apiVersionOf(kind), kind: info.kind, ...raw, metadata };
      served.apiVersion = apiVersionOf(kind);
      served.kind = info.kind;
      const list = pending.get(kind) ?? [];
      list.push({ namespace, name, labels: stringLabels(metadata.labels), json: JSON.stringify(served) });
      pending.set(kind, list);
    }

    for (const kind of ALL_K8S_KINDS) {
      const stored = (pending.get(kind) ?? []).sort((a, b) =>
        compareKeys([a.namespace, a.name], [b.namespace, b.name]),
      );
      for (const item of stored) {
        const key = `${kind}\0${item.namespace}\0${item.name}`;
        if (this.#byKey.has(key)) {
          const where = item.namespace ? `${item.namespace}/${item.name}` : item.name;
          throw new EmulatorConfigError(`duplicate ${K8S_KINDS[kind].kind} ${where}`);
        }
        this.#byKey.set(key, item);
      }
      this.#byKind.set(kind, stored);
    }
    this.#resourceVersion = String(revision);
  }

  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get(kind: K8sKind, namespace: string, name: string): StoredObject | undefined {
    return this.#byKey.get(`${kind}\0${namespace}\0${name}`);
  }

  list(kind: K8sKind, query: ListQuery): ListPage {
    const namespace = query.namespace ?? '';
    const labelSelector = query.labelSelector ?? '';
    const fieldSelector = query.fieldSelector ?? '';
    let matchesLabels: (labels: Readonly<Record<string, string>>) => boolean;
    try {
      matchesLabels = labelMatcher(labelSelector);
    } catch (error) {
      if (error instanceof LabelSelectorError) {
        throw new ApiStatusError(400, 'BadRequest', `unable to parse requirement: ${error.message}`);
      }
      throw error;
    }
    const fields = parseFieldSelector(fieldSelector);

    let after: [string, string] | undefined;
    let issuedAt = this.#now();
    if (query.continueToken !== undefined && query.continueToken !== '') {
      const state = this.#decodeContinue(query.continueToken);
      if (
        state.kind !== kind ||
        state.namespace !== namespace ||
        state.labelSelector !== labelSelector ||
        state.fieldSelector !== fieldSelector
      ) {
        throw new ApiStatusError(400, 'BadRequest', 'continue key is not valid: it belongs to another list');
      }
      after = state.after;
      issuedAt = state.issuedAt;
    }

    const all = this.#byKind.get(kind) ?? [];
    const matches = (item: StoredObject): boolean =>
      (namespace === '' || item.namespace === namespace) &&
      matchesLabels(item.labels) &&
      fields.every(
        (f) => ((f.field === 'metadata.name' ? item.name : item.namespace) === f.value) === f.equal,
      );

    const start = after === undefined ? 0 : this.#firstIndexAfter(all, after);
    const limit = query.limit !== undefined && query.limit > 0 ? query.limit : Number.POSITIVE_INFINITY;
    const items: StoredObject[] = [];
    let index = start;
    for (; index < all.length && items.length < limit; index++) {
      const item = all[index];
      if (item !== undefined && matches(item)) items.push(item);
    }
    // Without a filter every item after the page remains; counting them one by one would make
    // listing a kind quadratic in its size (each page scanning the rest).
    const filtered = namespace !== '' || labelSelector.trim() !== '' || fields.length > 0;
    let remaining = filtered ? 0 : all.length - index;
    for (let rest = index; filtered && rest < all.length; rest++) {
      const item = all[rest];
      if (item !== undefined && matches(item)) remaining++;
    }

    const last = items.at(-1);
    if (remaining === 0 || last === undefined) return { items, resourceVersion: this.#resourceVersion };
    const token = this.#encodeContinue({
      v: 1,
      kind,
      namespace,
      labelSelector,
      fieldSelector,
      after: [last.namespace, last.name],
      resourceVersion: this.#resourceVersion,
      issuedAt,
    });
    // Like the API server, the count is only given when no selector could make it a guess.
    const exact = labelSelector === '' && fieldSelector === '';
    return {
      items,
      resourceVersion: this.#resourceVersion,
      continueToken: token,
      ...(exact ? { remainingItemCount: remaining } : {}),
    };
  }

  #firstIndexAfter(all: readonly StoredObject[], after: readonly [string, string]): number {
    let low = 0;
    let high = all.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const item = all[mid];
      if (item !== undefined && compareKeys([item.namespace, item.name], after) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Opaque to clients and MAC'd with a per-start key, so a forged or edited token is refused. */
  #encodeContinue(state: ContinueState): string {
    const payload = Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  #decodeContinue(token: string): ContinueState {
    const [payload, mac, extra] = token.split('.');
    if (payload === undefined || mac === undefined || extra !== undefined) throw expired();
    const expected = Buffer.from(this.#mac(payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw expired();
    let state: ContinueState;
    try {
      state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ContinueState;
    } catch {
      throw expired();
    }
    if (state.v !== 1 || this.#now() - state.issuedAt > this.#continueTtlMs) throw expired();
    return state;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#continueKey).update(payload).digest('base64url');
  }
}
