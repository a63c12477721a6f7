import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';

/**
 * A real SES v2 endpoint on loopback: `aws-ses-v2-local` on 127.0.0.1 and a random port,
 * driven through the real `@aws-sdk/client-sesv2`. Sent mail is read back over HTTP from
 * `GET /store`. The package is CommonJS with a default export, hence `.default`.
 */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export interface SesLocal {
  endpoint: string;
  /** A new real client for this endpoint (dummy credentials, us-east-1, no retries). */
  client(config?: Partial<SESv2ClientConfig>): SESv2Client;
  /** Every email the server holds, from `GET /store`. */
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startSesLocal(): Promise<SesLocal> {
  // Under vitest `.default` is the server function; under plain Node ESM it is the CJS
  // `module.exports`, whose own `.default` is.
  type Start = (config?: { host?: string; port?: number }) => Promise<Server>;
  const loaded: unknown = (await import('aws-ses-v2-local')).default;
  const start = (typeof loaded === 'function' ? loaded : (loaded as { default: Start }).default) as Start;
  const server = await start({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    client: (config = {}) =>
      new SESv2Client({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' },
        maxAttempts: 1,
        ...config,
      }),
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`GET /store answered ${response.status}`);
      return ((await response.json()) as { emails: StoredEmail[] }).emails;
    },
    async clear() {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`POST /clear-store answered ${response.status}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}
