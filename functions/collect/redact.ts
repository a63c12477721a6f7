import type { Container, CronJob, K8sObject, ObjectMeta, PodController, PodSpec } from '../core/k8s-types.ts';
import type { K8sKind } from '../core/kinds.ts';
import { isSensitiveName, looksLikeCredential, REDACTED, redactValue } from '../core/redaction.ts';

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
  return text
    .split('\n')
    .map((line) => redactLine(line, state))
    .join('\n');
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

function redactAnnotations(annotations: Record<string, string> | undefined): void {
  if (!annotations) return;
  for (const [key, value] of Object.entries(annotations)) {
    const slash = key.indexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const byName = WELL_KNOWN_PREFIX.test(prefix) ? value : redactValue(name, value);
    annotations[key] = byName === REDACTED || looksLikeCredential(value) ? REDACTED : redactText(value);
  }
}

function redactMetadata(metadata: Partial<ObjectMeta> | undefined): void {
  redactAnnotations(metadata?.annotations);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Probes and lifecycle hooks are kept as JSON: redact their `exec.command` and HTTP headers. */
function redactHandlers(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) redactHandlers(item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'command' && Array.isArray(inner) && inner.every((item) => typeof item === 'string')) {
      value[key] = redactArgs(inner);
    } else if (key === 'httpHeaders' && Array.isArray(inner)) {
      for (const header of inner) {
        if (isObject(header) && typeof header.name === 'string' && typeof header.value === 'string') {
          header.value = redactValue(header.name, header.value);
        }
      }
    } else {
      redactHandlers(inner);
    }
  }
}

function redactContainer(container: Container): void {
  for (const variable of container.env ?? []) {
    if (typeof variable.value === 'string') variable.value = redactValue(variable.name ?? '', variable.value);
  }
  if (container.command) container.command = redactArgs(container.command);
  if (container.args) container.args = redactArgs(container.args);
  redactHandlers(container.livenessProbe);
  redactHandlers(container.readinessProbe);
  redactHandlers(container.startupProbe);
  redactHandlers(container.lifecycle);
}

export function redactPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) {
    for (const container of list ?? []) redactContainer(container);
  }
}

const CONTROLLERS: ReadonlySet<K8sKind> = new Set([
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'jobs',
  'replicationcontrollers',
]);

/** Redacts a projected object in place and returns it. */
export function redactObject<T extends K8sObject>(kind: K8sKind, object: T): T {
  redactMetadata(object.metadata);
  if (kind === 'pods') {
    redactPodSpec((object as { spec?: PodSpec }).spec);
  } else if (CONTROLLERS.has(kind)) {
    const template = (object as PodController).spec?.template;
    redactMetadata(template?.metadata);
    redactPodSpec(template?.spec);
  } else if (kind === 'cronjobs') {
    const template = (object as CronJob).spec?.jobTemplate?.spec?.template;
    redactMetadata(template?.metadata);
    redactPodSpec(template?.spec);
  } else if (kind === 'configmaps') {
    const data = (object as { data?: Record<string, string> }).data;
    for (const [key, value] of Object.entries(data ?? {})) {
      const byName = redactValue(key, value);
      if (data) data[key] = byName === REDACTED ? REDACTED : redactText(value);
    }
  }
  return object;
}
