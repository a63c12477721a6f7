import { createHash } from 'node:crypto';
import { EmailAddressError, type EmailMessage, isEmailAddress, safeSubject } from './ses-sender.ts';

/**
 * One email as an RFC 5322 message (`.eml`): `multipart/alternative` with the text part
 * first and the HTML part second, as SES builds it from the same subject and bodies. For
 * previewing a digest in a mail client without sending it.
 *
 * Nothing untrusted reaches a header line: the addresses must be plain addresses, the
 * subject goes through `safeSubject` (every control character, CR and LF among them, becomes
 * a space) and is then encoded as an RFC 2047 word when it is not plain ASCII. Both bodies
 * are quoted-printable, so no line exceeds 76 characters and no body line can look like the
 * boundary, which is derived from the bodies' hash.
 */

export interface EmlOptions {
  from: string;
  to: readonly string[];
  date: Date;
}

const CRLF = '\r\n';
const QP_LINE = 76;

function assertAddress(value: string, what: string): string {
  if (!isEmailAddress(value)) throw new EmailAddressError(`${what} is not a plain email address`);
  return value;
}

/** The subject as a header value: ASCII as it is, anything else as one `=?UTF-8?B?…?=` word per chunk. */
export function encodeSubject(subject: string): string {
  const line = safeSubject(subject);
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  // Each encoded word holds whole characters and stays within the 75-character limit.
  const words: string[] = [];
  let chunk = '';
  for (const char of line) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join(`${CRLF} `);
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, with CRLF line breaks. */
export function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const encoded = [...Buffer.from(line)].map((byte, index, bytes) => {
        const last = index === bytes.length - 1;
        const printable = (byte >= 33 && byte <= 126 && byte !== 61) || (byte === 32 && !last);
        return printable ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      });
      // Soft line breaks (`=` at the end) keep each line within 76 characters.
      const lines: string[] = [];
      let current = '';
      for (const piece of encoded) {
        if (current.length + piece.length > QP_LINE - 1) {
          lines.push(`${current}=`);
          current = '';
        }
        current += piece;
      }
      lines.push(current);
      return lines.join(CRLF);
    })
    .join(CRLF);
}

function part(contentType: string, body: string): string {
  return [
    `Content-Type: ${contentType}; charset=UTF-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(body),
  ].join(CRLF);
}

export function toEml(message: EmailMessage, options: EmlOptions): string {
  const from = assertAddress(options.from, 'the sender');
  const to = options.to.map((address, index) => assertAddress(address, `recipient ${index + 1}`));
  const boundary = `wk-${createHash('sha256').update(message.text).update(message.html).digest('hex').slice(0, 32)}`;
  return [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${encodeSubject(message.subject)}`,
    `Date: ${options.date.toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    part('text/plain', message.text),
    `--${boundary}`,
    part('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
