/**
 * A strict, small XML 1.0 reader for the tests: it refuses anything not well-formed (bad
 * characters, raw `<` or `&` in text, `]]>` in text, unbalanced tags, duplicate attributes)
 * and returns the element tree, so a test can check both well-formedness and structure.
 * The browser test parses the same output with Chromium's DOMParser as a second opinion.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const NAME = /^[A-Za-z_][\w.-]*/;
const BAD_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding the characters XML forbids is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: number): string {
  const stripped = raw.replace(ENTITY, '');
  if (stripped.includes('&')) throw new XmlSyntaxError(`bare & near offset ${where}`);
  if (stripped.includes('<')) throw new XmlSyntaxError(`bare < near offset ${where}`);
  return raw.replace(ENTITY, (_, ref: string) => {
    if (ref === 'amp') return '&';
    if (ref === 'lt') return '<';
    if (ref === 'gt') return '>';
    if (ref === 'quot') return '"';
    if (ref === 'apos') return "'";
    const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

export function parseXml(source: string): XmlElement {
  const bad = BAD_CHAR.exec(source);
  if (bad) throw new XmlSyntaxError(`character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  let at = 0;
  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end === -1) throw new XmlSyntaxError('unterminated declaration');
    at = end + 2;
  }
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at] as string)) at += 1;
  };

  function element(): XmlElement {
    if (source[at] !== '<') throw new XmlSyntaxError(`expected < at ${at}`);
    at += 1;
    const name = NAME.exec(source.slice(at))?.[0];
    if (!name) throw new XmlSyntaxError(`bad element name at ${at}`);
    at += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (source[at] === '>') {
        at += 1;
        break;
      }
      const attr = NAME.exec(source.slice(at))?.[0];
      if (!attr) throw new XmlSyntaxError(`bad attribute at ${at}`);
      at += attr.length;
      if (source[at] !== '=' || source[at + 1] !== '"') throw new XmlSyntaxError(`expected ="… at ${at}`);
      const end = source.indexOf('"', at + 2);
      if (end === -1) throw new XmlSyntaxError('unterminated attribute');
      if (Object.hasOwn(attrs, attr)) throw new XmlSyntaxError(`duplicate attribute ${attr}`);
      attrs[attr] = decode(source.slice(at + 2, end), at);
      at = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = source.indexOf('<', at);
      if (next === -1) throw new XmlSyntaxError(`unclosed <${name}>`);
      const raw = source.slice(at, next);
      if (raw.includes(']]>')) throw new XmlSyntaxError(`]]> in text at ${at}`);
      text += decode(raw, at);
      at = next;
      if (source.startsWith('</', at)) {
        const close = `</${name}>`;
        if (!source.startsWith(close, at)) throw new XmlSyntaxError(`expected ${close} at ${at}`);
        at += close.length;
        return { name, attrs, children, text };
      }
      if (source.startsWith('<!', at) || source.startsWith('<?', at)) {
        throw new XmlSyntaxError(`unexpected markup declaration at ${at}`);
      }
      children.push(element());
    }
  }

  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) throw new XmlSyntaxError(`content after the root element at ${at}`);
  return root;
}

/** Every descendant element with this name, depth first. */
export function all(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) found.push(child);
    found.push(...all(child, name));
  }
  return found;
}
