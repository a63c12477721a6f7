/**
 * Reads back the `.eml` the demo writes (functions/notify/eml.ts) the way a mail client
 * does: headers, the multipart/alternative parts, and their quoted-printable bodies decoded.
 * A test that greps a message must grep the decoded text: a soft line break can split a
 * word of the encoded one.
 */

export interface ParsedPart {
  headers: Record<string, string>;
  body: string;
}

export interface ParsedEml {
  /** Header names lower-cased; folded lines joined. */
  headers: Record<string, string>;
  /** The raw header lines, unfolded. */
  headerLines: string[];
  boundary: string;
  parts: ParsedPart[];
}

function parseHeaders(block: string): { headers: Record<string, string>; lines: string[] } {
  const lines = block.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, lines };
}

export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const char = joined[index] as string;
    if (char === '=' && /^[0-9A-F]{2}$/.test(joined.slice(index + 1, index + 3))) {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(char));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseEml(eml: string): ParsedEml {
  const split = eml.indexOf('\r\n\r\n');
  const { headers, lines } = parseHeaders(eml.slice(0, split));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1] ?? '';
  const body = eml.slice(split + 4);
  const sections = body.split(`--${boundary}`);
  const parts = sections.slice(1, -1).map((section) => {
    const content = section.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const end = content.indexOf('\r\n\r\n');
    const part = parseHeaders(content.slice(0, end));
    const raw = content.slice(end + 4);
    const decoded =
      part.headers['content-transfer-encoding'] === 'quoted-printable' ? decodeQuotedPrintable(raw) : raw;
    return { headers: part.headers, body: decoded.replace(/\r\n/g, '\n') };
  });
  return { headers, headerLines: lines, boundary, parts };
}
