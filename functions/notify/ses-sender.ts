import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/**
 * Sends one email through SES v2 `SendEmail` with simple content (subject, HTML and text
 * bodies): SES builds the MIME message and its headers, so nothing we pass is written into
 * a header line except the addresses (validated here) and the subject (every control
 * character, CR and LF among them, replaced by a space and the whole capped at 200
 * characters).
 */

export class EmailAddressError extends Error {
  override name = 'EmailAddressError';
}

export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

export interface SentEmail {
  /** SES's id of the message, when it returned one. */
  messageId?: string;
}

/** Anything that sends an email: the SES sender, or a fake in tests. */
export interface EmailSender {
  send(message: EmailMessage): Promise<SentEmail>;
}

export interface SesSenderOptions {
  /** The verified SES identity the digest comes from. */
  from: string;
  /** Recipients: 1 to 50 (SES's limit per message). */
  to: readonly string[];
  /** The SES v2 client; a default one (the Lambda's region and credentials) is built when absent. */
  client?: Pick<SESv2Client, 'send'>;
  /** A configuration set for event publishing, when the deployment has one. */
  configurationSetName?: string;
}

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_RECIPIENTS = 50;

// An addr-spec without quoting or comments: dot-atom local part, dotted domain of labels.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A plain address (`name@example.com`): no display name, quotes, spaces or line breaks. */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value);
}

function assertAddress(value: string, what: string): string {
  if (!isEmailAddress(value)) {
    // The value is not echoed: it may be anything, including line breaks.
    throw new EmailAddressError(`${what} is not a plain email address such as security@example.com`);
  }
  return value;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** The subject as one line: control characters (CR, LF, tab …) become a space; at most 200 characters. */
export function safeSubject(subject: string): string {
  const line = subject.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
  if (line.length <= MAX_SUBJECT_LENGTH) return line;
  return `${line.slice(0, MAX_SUBJECT_LENGTH - 1)}…`;
}

export class SesSender implements EmailSender {
  readonly from: string;
  readonly to: readonly string[];
  readonly #configurationSetName: string | undefined;
  readonly #client: () => Pick<SESv2Client, 'send'>;

  constructor(options: SesSenderOptions) {
    this.from = assertAddress(options.from, 'the sender (EMAIL_FROM)');
    if (options.to.length === 0 || options.to.length > MAX_RECIPIENTS) {
      throw new EmailAddressError(
        `the digest needs 1 to ${MAX_RECIPIENTS} recipients (EMAIL_TO), not ${options.to.length}`,
      );
    }
    this.to = options.to.map((address, index) => assertAddress(address, `recipient ${index + 1} (EMAIL_TO)`));
    this.#configurationSetName = options.configurationSetName;
    let client = options.client;
    this.#client = () => {
      client ??= new SESv2Client({});
      return client;
    };
  }

  async send(message: EmailMessage): Promise<SentEmail> {
    const output = await this.#client().send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [...this.to] },
        Content: {
          Simple: {
            Subject: { Data: safeSubject(message.subject), Charset: 'UTF-8' },
            Body: {
              Html: { Data: message.html, Charset: 'UTF-8' },
              Text: { Data: message.text, Charset: 'UTF-8' },
            },
          },
        },
        ...(this.#configurationSetName === undefined
          ? {}
          : { ConfigurationSetName: this.#configurationSetName }),
      }),
    );
    return output.MessageId === undefined ? {} : { messageId: output.MessageId };
  }
}
