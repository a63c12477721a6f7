/**
 * The set-based label selector grammar the API server accepts in `?labelSelector=`:
 * `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, comma-separated (AND).
 * The numeric `a>1` / `a<1` forms are rejected rather than guessed at.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: readonly string[] };

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

// Label keys: optional DNS-subdomain prefix, then a name; values may also be empty.
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 316) throw new LabelSelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new LabelSelectorError(`invalid label value "${value}"`);
  return value;
}

/** Splits on commas that are not inside a `( … )` value set. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) throw new LabelSelectorError('unbalanced parentheses');
  }
  if (depth !== 0) throw new LabelSelectorError('unbalanced parentheses');
  parts.push(selector.slice(start));
  return parts.map((part) => part.trim());
}

function parseRequirement(text: string): LabelRequirement {
  if (text === '') throw new LabelSelectorError('empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = (set[3] ?? '').split(',').map((value) => checkValue(value.trim()));
    return { key: checkKey(set[1] ?? ''), op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const equality = /^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (equality) {
    const key = checkKey(equality[1] ?? '');
    const value = checkValue(equality[3] ?? '');
    return { key, op: equality[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim()), op: 'notexists' };
  if (/[<>]/.test(text)) throw new LabelSelectorError(`unsupported requirement "${text}"`);
  return { key: checkKey(text), op: 'exists' };
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') return [];
  return splitTopLevel(selector).map(parseRequirement);
}

function matches(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.op) {
    case 'exists':
      return present;
    case 'notexists':
      return !present;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
      // As in Kubernetes, `a!=b` also matches objects that have no label `a` at all.
      return value === undefined || !requirement.values.includes(value);
  }
}

export function labelMatcher(selector: string): LabelMatcher {
  const requirements = parseLabelSelector(selector);
  return (labels) => requirements.every((requirement) => matches(requirement, labels));
}
