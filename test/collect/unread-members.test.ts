import { describe, expect, it } from 'vitest';
import { MANAGED_FIELDS, withoutMembers } from '../../functions/collect/unread-members.ts';

const withoutManagedFields = (text: string) => withoutMembers(text, MANAGED_FIELDS);

const MANAGED = [
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2026-11-23T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'k:{"name":"app"}': { '.': {} } },
  },
];

/** The same value with every array member named in `names` removed, wherever it is. */
function withoutMember(value: unknown, names: readonly string[] = MANAGED_FIELDS): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutMember(item, names));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(names.includes(key) && Array.isArray(v)))
      .map(([key, v]) => [key, withoutMember(v, names)]),
  );
}

function expectCut(value: unknown, names: readonly string[] = MANAGED_FIELDS): string {
  const text = JSON.stringify(value);
  const cut = withoutMembers(text, names);
  expect(JSON.parse(cut)).toEqual(withoutMember(value, names));
  return cut;
}

describe('withoutMembers, managedFields only', () => {
  it('cuts the member from every item of a list page, wherever it sits in metadata', () => {
    const page = {
      kind: 'PodList',
      metadata: { continue: 'abc' },
      items: [
        { metadata: { name: 'last', managedFields: MANAGED }, spec: { containers: [] } },
        { metadata: { managedFields: MANAGED, name: 'first' }, spec: {} },
        { metadata: { managedFields: MANAGED } },
        { metadata: { name: 'empty', managedFields: [] } },
        { metadata: { name: 'none' } },
      ],
    };
    const cut = expectCut(page);
    expect(cut).not.toContain('managedFields');
    expect(cut.length).toBeLessThan(JSON.stringify(page).length / 2);
  });

  it('leaves text that only mentions the name inside strings as it is', () => {
    const page = {
      items: [
        {
          metadata: {
            name: 'tricky',
            annotations: {
              note: '"managedFields":[{"a":1}]',
              quoted: 'a \\"managedFields\\":[ and a lone [ { bracket',
              backslash: 'ends with a backslash \\',
            },
          },
        },
      ],
    };
    const text = JSON.stringify(page);
    expect(withoutManagedFields(text)).toBe(text);
  });

  it('skips strings with escaped quotes, backslashes and brackets inside the cut array', () => {
    const managed = [
      { manager: 'he said \\"[{\\" ]}', fieldsV1: { 'k:{"name":"a]}"}': {}, 'f:x\\': {} } },
      { manager: 'ends with \\', fieldsV1: {} },
    ];
    const cut = expectCut({ items: [{ metadata: { name: 'a', managedFields: managed }, spec: { n: 1 } }] });
    expect(cut).toBe('{"items":[{"metadata":{"name":"a"},"spec":{"n":1}}]}');
  });

  it('keeps the object valid when spaces surround the commas', () => {
    const text =
      '{"metadata":{"name":"a" , "managedFields":[{"m":"x"}]},"other":{"managedFields":[] ,"b":2}}';
    expect(JSON.parse(withoutManagedFields(text))).toEqual({ metadata: { name: 'a' }, other: { b: 2 } });
  });

  it('returns broken text unchanged, so the parser reports the page itself', () => {
    for (const broken of [
      '{"items":[{"metadata":{"managedFields":[{"manager":"x',
      '{"items":[{"metadata":{"managedFields":[{"a":{}}',
      '{"items":[{"metadata":{"managedFields":[{"a":1}}]}',
    ]) {
      expect(withoutManagedFields(broken)).toBe(broken);
    }
  });

  it('keeps text with no member, or a pretty-printed one, as the very same string', () => {
    const plain = JSON.stringify({ items: [{ metadata: { name: 'a' } }] });
    expect(withoutManagedFields(plain)).toBe(plain);
    const pretty = JSON.stringify({ items: [{ metadata: { managedFields: MANAGED } }] }, null, 1);
    expect(withoutManagedFields(pretty)).toBe(pretty);
  });
});

describe('withoutMembers, several names', () => {
  const NAMES = ['conditions', 'containerStatuses', 'tolerations', 'managedFields'];

  it('cuts adjacent members whether they come first, between others or last', () => {
    const pod = {
      metadata: { managedFields: MANAGED, name: 'a' },
      spec: { tolerations: [{ key: 'k', operator: 'Exists' }], nodeName: 'n', containers: [{ name: 'c' }] },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'c', state: { running: {} } }],
        phase: 'Running',
        podIP: '10.0.0.1',
      },
      last: { conditions: [], containerStatuses: [[1, [2]], { a: ']' }] },
      only: { tolerations: [] },
    };
    const cut = expectCut({ items: [pod, pod] }, NAMES);
    expect(cut).not.toMatch(/conditions|containerStatuses|tolerations|managedFields/);
  });

  it('cuts only exact names with array values, never a longer name, an object or a string', () => {
    const value = {
      myconditions: [1],
      conditionsX: [2],
      conditions: { type: 'object value kept' },
      status: { conditions: 'a string kept' },
      note: 'x "conditions":[1] in a string',
    };
    const text = JSON.stringify(value);
    expect(withoutMembers(text, NAMES)).toBe(text);
  });

  it('leaves a member whose name holds an escaped quote, and cuts one after an escaped backslash', () => {
    const escapedQuote = JSON.stringify({ 'a"conditions': [1], b: 2 });
    expect(escapedQuote).toContain('\\"conditions":[');
    expect(JSON.parse(escapedQuote)).toEqual({ 'a"conditions': [1], b: 2 });
    expect(withoutMembers(escapedQuote, NAMES)).toBe(escapedQuote);
    const backslashValue = { x: 'ends with \\', conditions: [1], y: 'q"[' };
    expect(JSON.parse(expectCut(backslashValue, NAMES))).toEqual({ x: 'ends with \\', y: 'q"[' });
  });

  it('keeps the very same text when no name is given or none occurs', () => {
    const text = JSON.stringify({ items: [{ status: { conditions: [1] } }] });
    expect(withoutMembers(text, [])).toBe(text);
    expect(withoutMembers(text, ['images'])).toBe(text);
  });
});
