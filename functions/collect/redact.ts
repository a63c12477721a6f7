import { isRecord } from '../core/is-record.ts';
import type { Container, K8sObject, ObjectMeta } from '../core/k8s-types.ts';
import type { K8sKind } from '../core/kinds.ts';
import { isSensitiveName, looksLikeCredential, REDACTED, redactValue } from '../core/redaction.ts';
import { podPartsOf } from './pod-template.ts';

/**
 * Redaction at collection time (DESIGN "Security principles"): values that may be
 * credentials are replaced by `REDACTED` before a snapshot can be stored, logged or
 * rendered. It runs on projected objects (see `project.ts`), so it only has to know the few
 * places a projection keeps free text: container env values, command/args, probe and
 * lifecycle commands and headers, ConfigMap data, annotations. Secrets are never listed.
 *
 * Which values count as credentials is `core/redaction.ts`'s call (`redactValue`): a
 * sensitive name or a credential-looking value, except flags and file paths. It errs
 * towards hiding: `--authorization-mode=RBAC` loses its value because the name mentions auth.
 */

/** The pending-flag state carried from one word (or argument) to the next. */
interface WordState {
  /** Name of a bare sensitive flag (`--password`) whose value is the next word. */
  pendingFlag: string | undefined;
}

// `:` followed by `//` is a URL scheme, not a key-value separator.

/** A whole line `key: value`, `key=value`, `--key=value`, `- "key": value`: the rest of the line is the value. */
const LINE_KEY_VALUE = /^(\s*(?:-\s+)?(?:--?)?["']?)([A-Za-z_][\w.-]*)(["']?\s*(?:=|:(?!\/\/))\s*)(\S.*)$/;

/** `key=value` or `"key": "value"` inside a line (JSON, query strings, shell). */
const INLINE_KEY_VALUE =
  /(^|[\s"'{,;&?(]|-{1,2})(["']?)([A-Za-z_][\w.-]*)\2(\s*(?:=|:(?!\/\/))\s*)("[^"]*"|'[^']*'|[^\s"',;&}]+)/g;

/** A bare flag whose value follows as the next word or argument: `--password hunter2`. */
const FLAG = /^--?([A-Za-z][\w.-]*)$/;

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

function redactLine(line: string, state: WordState): string {
  const whole = LINE_KEY_VALUE.exec(line);
  if (whole) {
    const [, prefix = '', key = '', separator = '', value = ''] = whole;
    // A YAML block (`password: |`) has its value on the next lines; those are checked by words.
    if (!/^[|>][-+]?\s*$/.test(value) && redactValue(key, unquote(value.trim())) === REDACTED) {
      return `${prefix}${key}${separator}${REDACTED}`;
    }
  }
  const inline = line.replace(
    INLINE_KEY_VALUE,
    (match, boundary: string, quote: string, key: string, separator: string, value: string) =>
      redactValue(key, unquote(value)) === REDACTED
        ? `${boundary}${quote}${key}${quote}${separator}${REDACTED}`
        : match,
  );
  return inline
    .split(/(\s+)/)
    .map((word) => {
      if (word === '' || /^\s+$/.test(word)) return word;
      const pending = state.pendingFlag;
      state.pendingFlag = undefined;
      if (pending !== undefined && !word.startsWith('-'))
        return redactValue(pending, unquote(word)) === REDACTED ? REDACTED : word;
      const flag = FLAG.exec(word);
      if (flag?.[1] && isSensitiveName(flag[1])) {
        state.pendingFlag = flag[1];
        return word;
      }
      if (word.includes(REDACTED)) return word;
      const assignment = /^([^=]*=)(.+)$/.exec(word);
      if (assignment?.[2] && looksLikeCredential(assignment[2])) return `${assignment[1]}${REDACTED}`;
      return looksLikeCredential(word) ? REDACTED : word;
    })
    .join('');
}

/** Free text (a config file, a script, an annotation): redacts credential-looking values, line by line. */
export function redactText(text: string): string {
  if (text === '' || text === REDACTED) return text;
  const state: WordState = { pendingFlag: undefined };
  const out = text
    .split('\n')
    .map((line) => redactLine(line, state))
    .join('\n');
  // The same string, not an equal copy, when nothing was redacted (it may be a shared one).
  return out === text ? text : out;
}

/**
 * A container's `command`/`args`: `--password=x` and `--password x` (two entries) lose the
 * value, as do credential-looking words inside any entry (e.g. an `sh -c` script).
 */
export function redactArgs(args: readonly string[]): string[] {
  const state: WordState = { pendingFlag: undefined };
  return args.map((entry) => {
    const pending = state.pendingFlag;
    state.pendingFlag = undefined;
    if (pending !== undefined && !entry.startsWith('-')) {
      return redactValue(pending, entry) === REDACTED ? REDACTED : entry;
    }
    return entry
      .split('\n')
      .map((line) => redactLine(line, state))
      .join('\n');
  });
}

/** Controller domains whose annotations configure things (names, modes, CIDRs), not secrets. */
const WELL_KNOWN_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io|amazonaws\.com|k8s\.aws|helm\.sh|cert-manager\.io)$/;

/**
 * Remembers each redaction of a collection by its input: Pods of one controller carry the same
 * annotations, arguments and env values thousands of times over. Without a cache (a single
 * object, the tests), every value is worked out afresh.
 */
export interface RedactionMemo {
  readonly redacted: Map<string, string>;
  readonly redactedArgs: Map<string, string[]>;
}

/** An unambiguous memo key of a name and a value (the length says where the name ends). */
function memoKey(tag: string, name: string, value: string): string {
  return `${tag}${name.length}:${name}${value}`;
}

function memoized(memo: RedactionMemo | undefined, key: string, compute: () => string): string {
  if (!memo) return compute();
  const known = memo.redacted.get(key);
  if (known !== undefined) return known;
  const result = compute();
  memo.redacted.set(key, result);
  return result;
}

function redactAnnotation(key: string, value: string): string {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const byName = WELL_KNOWN_PREFIX.test(prefix) ? value : redactValue(name, value);
  return byName === REDACTED || looksLikeCredential(value) ? REDACTED : redactText(value);
}

function redactAnnotations(annotations: Record<string, string> | undefined, memo?: RedactionMemo): void {
  if (!annotations) return;
  for (const key in annotations) {
    const value = annotations[key] as string;
    annotations[key] = memoized(memo, memoKey('a', key, value), () => redactAnnotation(key, value));
  }
}

function redactMetadata(metadata: Partial<ObjectMeta> | undefined, memo?: RedactionMemo): void {
  redactAnnotations(metadata?.annotations, memo);
}

/** `redactArgs`, remembered per collection; the result may be shared, and is never changed. */
function redactArgsMemo(args: readonly string[], memo: RedactionMemo | undefined): string[] {
  if (!memo) return redactArgs(args);
  const key = JSON.stringify(args);
  const known = memo.redactedArgs.get(key);
  if (known !== undefined) return known;
  const result = redactArgs(args);
  memo.redactedArgs.set(key, result);
  return result;
}

/** Probes and lifecycle hooks are kept as JSON: redact their `exec.command` and HTTP headers. */
function redactHandlers(value: unknown, memo?: RedactionMemo): void {
  if (Array.isArray(value)) {
    for (const item of value) redactHandlers(item, memo);
    return;
  }
  if (!isRecord(value)) return;
  for (const key in value) {
    const inner = value[key];
    if (key === 'command' && Array.isArray(inner) && inner.every((item) => typeof item === 'string')) {
      value[key] = redactArgsMemo(inner, memo);
    } else if (key === 'httpHeaders' && Array.isArray(inner)) {
      for (const header of inner) {
        if (isRecord(header) && typeof header.name === 'string' && typeof header.value === 'string') {
          header.value = redactValue(header.name, header.value);
        }
      }
    } else if (typeof inner === 'object' && inner !== null) {
      redactHandlers(inner, memo);
    }
  }
}

export function redactContainer(container: Container, memo?: RedactionMemo): void {
  for (const variable of container.env ?? []) {
    const value = variable.value;
    if (typeof value !== 'string') continue;
    const name = variable.name ?? '';
    variable.value = memoized(memo, memoKey('e', name, value), () => redactValue(name, value));
  }
  if (container.command) container.command = redactArgsMemo(container.command, memo);
  if (container.args) container.args = redactArgsMemo(container.args, memo);
  redactHandlers(container.livenessProbe, memo);
  redactHandlers(container.readinessProbe, memo);
  redactHandlers(container.startupProbe, memo);
  redactHandlers(container.lifecycle, memo);
}

/**
 * Redacts a projected object in place and returns it: its metadata, a pod template's metadata
 * and ConfigMap data. Containers are redacted as they are projected into a snapshot
 * (`redactContainer`, called by `project.ts` once per distinct container). `memo` (one per
 * collection) remembers redactions already worked out; the results are the same without it.
 */
export function redactObject<T extends K8sObject>(kind: K8sKind, object: T, memo?: RedactionMemo): T {
  redactMetadata(object.metadata, memo);
  const pod = podPartsOf(kind, object);
  if (pod) {
    if (pod.metadata !== object.metadata) redactMetadata(pod.metadata, memo);
  } else if (kind === 'configmaps') {
    const data = (object as { data?: Record<string, string> }).data;
    for (const key in data ?? {}) {
      if (!data) break;
      const value = data[key] as string;
      data[key] = memoized(memo, memoKey('d', key, value), () =>
        redactValue(key, value) === REDACTED ? REDACTED : redactText(value),
      );
    }
  }
  return object;
}
