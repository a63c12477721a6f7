import { webcrypto } from 'node:crypto';

/**
 * A throw-away certificate authority and a server certificate it signs, made fresh for
 * every emulator start and kept in memory only. Clients must trust `caPem` explicitly,
 * exactly as they trust an EKS cluster's `certificateAuthority.data`, so TLS verification
 * stays on in every test.
 */
export interface EmulatorTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

// ECDSA P-256 keys generate in milliseconds and every client we test (Go's crypto/tls in
// kubectl, undici in client-node) accepts them.
const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * @peculiar/x509 registers its algorithms through tsyringe, which refuses to load without
 * the Reflect metadata polyfill, so the polyfill is imported first.
 */
async function loadX509(): Promise<typeof import('@peculiar/x509')> {
  await import('reflect-metadata');
  return import('@peculiar/x509');
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // A leading zero bit keeps the DER integer positive, as RFC 5280 requires.
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function toPem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export async function createEmulatorTls(hostnames: { ips: readonly string[]; dns: readonly string[] }) {
  const x509 = await loadX509();
  const crypto = webcrypto;
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  const notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);

  const caKeys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: 'CN=watchkeeper-emulator-ca',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const serverKeys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: 'CN=kube-apiserver',
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        // Modern TLS clients ignore the CN and match only subjectAltName.
        new x509.SubjectAlternativeNameExtension([
          ...hostnames.ips.map((value) => ({ type: 'ip' as const, value })),
          ...hostnames.dns.map((value) => ({ type: 'dns' as const, value })),
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const keyDer = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: leaf.toString('pem'),
    keyPem: toPem('PRIVATE KEY', keyDer),
  } satisfies EmulatorTls;
}
