import { describe, expect, it } from 'vitest';
import { withoutManagedFields } from '../../functions/collect/managed-fields.ts';

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

/** The same value with every `managedFields` member removed, wherever it is. */
function withoutMember(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMember);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'managedFields' && Array.isArray(v)))
      .map(([key, v]) => [key, withoutMember(v)]),
  );
}

function expectCut(value: unknown): string {
  const text = JSON.stringify(value);
  const cut = withoutManagedFields(text);
  expect(JSON.parse(cut)).toEqual(withoutMember(value));
  return cut;
}

describe('withoutManagedFields', () => {
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
