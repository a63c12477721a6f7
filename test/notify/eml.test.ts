import { describe, expect, it } from 'vitest';
import { encodeSubject, quotedPrintable, toEml } from '../../functions/notify/eml.ts';
import { EmailAddressError } from '../../functions/notify/ses-sender.ts';
import { decodeQuotedPrintable, parseEml } from '../helpers/mime.ts';

const OPTIONS = {
  from: 'watchkeeper@example.com',
  to: ['sec@example.com', 'sre@example.com'],
  date: new Date('2026-11-23T02:09:00Z'),
};

const MESSAGE = {
  subject: 'Watchkeeper: 2 clusters, 36 critical/high failing',
  text: 'Watchkeeper fleet scan\n\n- [High] Roles name their verbs: 2 clusters: a, b\n--\nSent by Watchkeeper.',
  html: `<table role="presentation"><tr><td style="padding:8px;">${'x'.repeat(300)} = résumé</td></tr></table>`,
};

describe('toEml', () => {
  it('writes multipart/alternative with the text part, then the HTML part, both readable back', () => {
    const eml = toEml(MESSAGE, OPTIONS);
    const parsed = parseEml(eml);

    expect(parsed.headers).toMatchObject({
      from: 'watchkeeper@example.com',
      to: 'sec@example.com, sre@example.com',
      subject: MESSAGE.subject,
      date: 'Mon, 23 Nov 2026 02:09:00 +0000',
      'mime-version': '1.0',
    });
    expect(parsed.headers['content-type']).toMatch(/^multipart\/alternative; boundary="wk-[0-9a-f]{32}"$/);
    expect(parsed.parts.map((part) => part.headers['content-type'])).toEqual([
      'text/plain; charset=UTF-8',
      'text/html; charset=UTF-8',
    ]);
    expect(parsed.parts.map((part) => part.body)).toEqual([MESSAGE.text, MESSAGE.html]);
    // The text part's own "--" signature line is no boundary.
    expect(eml.split('\r\n').filter((line) => line.startsWith(`--${parsed.boundary}`))).toHaveLength(3);
    expect(eml.endsWith(`--${parsed.boundary}--\r\n`)).toBe(true);
  });

  it('keeps every line short and ends lines with CRLF only', () => {
    const eml = toEml(MESSAGE, OPTIONS);
    const body = eml.slice(eml.indexOf('\r\n\r\n') + 4);
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('lets no cluster text into a header: CR/LF in the subject become a space', () => {
    const eml = toEml(
      { ...MESSAGE, subject: 'Watchkeeper: 1 cluster\r\nBcc: evil@example.com\nX-Evil: 1' },
      OPTIONS,
    );
    const parsed = parseEml(eml);
    expect(parsed.headers.subject).toBe('Watchkeeper: 1 cluster Bcc: evil@example.com X-Evil: 1');
    expect(parsed.headers.bcc).toBeUndefined();
    expect(parsed.headers['x-evil']).toBeUndefined();
    expect(parsed.headerLines.filter((line) => /^bcc:/i.test(line))).toEqual([]);
  });

  it('refuses addresses that are not plain addresses', () => {
    expect(() => toEml(MESSAGE, { ...OPTIONS, from: 'a@example.com\r\nBcc: b@example.com' })).toThrow(
      EmailAddressError,
    );
    expect(() => toEml(MESSAGE, { ...OPTIONS, to: ['Evil <e@example.com>'] })).toThrow(EmailAddressError);
  });
});

describe('encodeSubject', () => {
  it('keeps ASCII as it is and encodes anything else as RFC 2047 words of whole characters', () => {
    expect(encodeSubject('Watchkeeper: 2 clusters')).toBe('Watchkeeper: 2 clusters');
    const encoded = encodeSubject(`Watchkeeper \u2014 ${'é'.repeat(40)}`);
    const words = encoded.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
    }
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(`Watchkeeper \u2014 ${'é'.repeat(40)}`);
  });
});

describe('quotedPrintable', () => {
  it('round-trips UTF-8, "=", tabs and trailing spaces', () => {
    const text = `a=b \u00e9\u2603\ttab \nline with trailing space \n${'long '.repeat(40)}`;
    const encoded = quotedPrintable(text);
    expect(encoded).not.toMatch(/ \r\n/);
    expect(decodeQuotedPrintable(encoded).replace(/\r\n/g, '\n')).toBe(text);
  });
});
