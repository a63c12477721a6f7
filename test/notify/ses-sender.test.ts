import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EmailAddressError,
  isEmailAddress,
  MAX_SUBJECT_LENGTH,
  SesSender,
  safeSubject,
} from '../../functions/notify/ses-sender.ts';
import { type SesLocal, startSesLocal } from '../helpers/ses-local.ts';

let ses: SesLocal;

beforeAll(async () => {
  ses = await startSesLocal();
});

afterAll(async () => {
  await ses?.close();
});

beforeEach(async () => {
  await ses.clear();
});

describe('SesSender', () => {
  it('sends subject, HTML and text through the real SES v2 client, read back from /store', async () => {
    const client = ses.client();
    try {
      const sender = new SesSender({
        from: 'watchkeeper@example.com',
        to: ['security@example.com', 'sre@example.com'],
        client,
      });
      const sent = await sender.send({
        subject: 'Watchkeeper: 3 clusters, 2 critical/high failing',
        html: '<p>&lt;img src=x&gt; hello</p>',
        text: 'hello',
      });

      expect(sent.messageId).toEqual(expect.any(String));
      const emails = await ses.emails();
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({
        messageId: sent.messageId,
        from: 'watchkeeper@example.com',
        destination: { to: ['security@example.com', 'sre@example.com'], cc: [], bcc: [] },
        subject: 'Watchkeeper: 3 clusters, 2 critical/high failing',
        body: { html: '<p>&lt;img src=x&gt; hello</p>', text: 'hello' },
      });
    } finally {
      client.destroy();
    }
  });

  it('cannot be made to inject headers through the subject', async () => {
    const client = ses.client();
    try {
      await new SesSender({ from: 'wk@example.com', to: ['sec@example.com'], client }).send({
        subject: `Digest\r\nBcc: evil@example.com\nX-Evil: 1 ${'x'.repeat(500)}`,
        html: '<p>x</p>',
        text: 'x',
      });
      const [email] = await ses.emails();
      expect(email?.subject).not.toMatch(/[\r\n]/);
      expect(email?.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(email?.subject.startsWith('Digest Bcc: evil@example.com X-Evil: 1 x')).toBe(true);
      expect(email?.destination).toEqual({ to: ['sec@example.com'], cc: [], bcc: [] });
      expect(JSON.stringify(email?.headers ?? [])).not.toContain('evil');
    } finally {
      client.destroy();
    }
  });

  it('validates From and To as plain addresses before anything is sent', () => {
    for (const bad of [
      'wk@example.com\r\nBcc: evil@example.com',
      'Watchkeeper <wk@example.com>',
      'a,b@example.com',
      'wk@localhost',
      '',
    ]) {
      expect(isEmailAddress(bad)).toBe(false);
      expect(() => new SesSender({ from: bad, to: ['sec@example.com'] })).toThrow(EmailAddressError);
      expect(() => new SesSender({ from: 'wk@example.com', to: [bad] })).toThrow(EmailAddressError);
    }
    expect(() => new SesSender({ from: 'wk@example.com', to: [] })).toThrow(/1 to 50 recipients/);
    expect(
      () =>
        new SesSender({
          from: 'wk@example.com',
          to: Array.from({ length: 51 }, (_, index) => `r${index}@example.com`),
        }),
    ).toThrow(/1 to 50 recipients/);
    expect(isEmailAddress("o'brien+wk@mail.example.co.uk")).toBe(true);
  });

  it('safeSubject: one line, capped', () => {
    expect(safeSubject(' a\r\n\tb\u2028c ')).toBe('a b c');
    const long = safeSubject('y'.repeat(300));
    expect(long).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
