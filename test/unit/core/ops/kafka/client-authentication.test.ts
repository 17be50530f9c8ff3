import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Connection, saslPlain, saslScramSha } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../../topology/core/ops/config/parse-config.ts';
import { kafkaConnectionOptions } from '../../../../../topology/core/ops/kafka/connection-options.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';

// The built options are handed to @platformatic/kafka's own code: its Connection against a
// local TLS server that demands a client certificate (certificates made by openssl), and its
// SASL/PLAIN and SCRAM exchanges against a server side that checks the real password.
let dir: string;
let server: Server;
let port: number;
interface Session { servername: string | false | null; clientCn: unknown; authorized: boolean }
let onSession: ((session: Session) => void) | undefined;
/** Resolves with what the server saw of the next connection that completes its handshake. */
const nextSession = (): Promise<Session> => new Promise((resolve) => { onSession = resolve; });

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function certificate(name: string, ca: string, extensions?: string): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  const ext = extensions === undefined ? [] : (writeFileSync(join(dir, `${name}.ext`), extensions), ['-extfile', `${name}.ext`]);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...ext);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kalibra-ops-tls-'));
  for (const ca of ['cluster-ca', 'other-ca']) openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '1', '-subj', `/CN=${ca}`);
  certificate('localhost', 'cluster-ca', 'subjectAltName=DNS:localhost\n');
  certificate('calibrator', 'cluster-ca');
  const file = (name: string): Buffer => readFileSync(join(dir, name));
  server = createServer({ key: file('localhost.key'), cert: file('localhost.crt'), ca: file('cluster-ca.crt'), requestCert: true, rejectUnauthorized: true },
    (socket: TLSSocket) => {
      onSession?.({ servername: socket.servername, clientCn: socket.getPeerCertificate().subject.CN, authorized: socket.authorized });
    });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function optionsFor(env: Record<string, string>) {
  const parsed = parseConfig(kafkaOptions, { env: { KAFKA_BROKERS: `localhost:${port}`, ...env }, argv: [] });
  if (parsed.help) throw new Error('unexpected help');
  return kafkaConnectionOptions(parsed.values, { defaultClientId: 'kalibra-tls-test' });
}

describe('TLS options with the Kafka client', () => {
  it('completes a mutual TLS handshake with the CA, certificate and key read from KAFKA_TLS_* files, sending SNI', async () => {
    const options = await optionsFor({
      KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: join(dir, 'cluster-ca.crt'),
      KAFKA_TLS_CERT_FILE: join(dir, 'calibrator.crt'), KAFKA_TLS_KEY_FILE: join(dir, 'calibrator.key'),
    });
    const connection = new Connection(options.clientId, options);
    const session = nextSession();
    try {
      await (connection.connect('localhost', port) as Promise<void>);
      expect(connection.isConnected()).toBe(true);
      expect(await session).toEqual({ servername: 'localhost', clientCn: 'calibrator', authorized: true });
    } finally {
      await connection.close();
    }
  });

  it('refuses a broker whose certificate the configured CA did not sign', async () => {
    const options = await optionsFor({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: join(dir, 'other-ca.crt') });
    const connection = new Connection(options.clientId, options);
    try {
      const error = await (connection.connect('localhost', port) as Promise<void>).then(() => undefined, (e: unknown) => e);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).toMatch(/certificate/i);
      expect(connection.isConnected()).toBe(false);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});

describe('SASL options with the Kafka client', () => {
  it('hands the password to the client\'s own SASL/PLAIN exchange through the provider', async () => {
    const options = await optionsFor({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'sink', KAFKA_SASL_PASSWORD: 'plain-pw' });
    let sent: Buffer | undefined;
    const authenticate = ((_connection: unknown, authBytes: Buffer, callback: (error: Error | null, response: unknown) => void) => {
      sent = authBytes;
      callback(null, { errorCode: 0, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n });
    }) as unknown as Parameters<typeof saslPlain.authenticate>[0];
    const sasl = options.sasl!;
    await saslPlain.authenticate(authenticate, new Connection('x'), sasl.username!, sasl.password!);
    expect(sent?.toString()).toBe('\0sink\0plain-pw');
  });

  it.each([['SCRAM-SHA-512', 'sha512', 64], ['SCRAM-SHA-256', 'sha256', 32]] as const)(
    'completes the client\'s own %s exchange against a server that checks the proof with the real password', async (mechanism, hash, keyLength) => {
      const options = await optionsFor({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'calibrator', KAFKA_SASL_PASSWORD: 'scram-pw' });
      const server = scramServer('calibrator', 'scram-pw', hash, keyLength);
      const wrongPassword = scramServer('calibrator', 'another-pw', hash, keyLength);
      const authenticate = ((_connection: unknown, authBytes: Buffer, callback: (error: Error | null, response: unknown) => void) => {
        callback(null, { errorCode: 0, errorMessage: null, authBytes: broker.respond(authBytes.toString()), sessionLifetimeMs: 0n });
      }) as unknown as Parameters<typeof saslScramSha.authenticate>[0];
      const sasl = options.sasl!;
      const algorithm = mechanism === 'SCRAM-SHA-512' ? 'SHA-512' : 'SHA-256';
      let broker = server;
      await saslScramSha.authenticate(authenticate, new Connection('x'), algorithm, sasl.username!, sasl.password!);
      expect(server.verified).toBe(true);
      broker = wrongPassword;
      await expect(saslScramSha.authenticate(authenticate, new Connection('x'), algorithm, sasl.username!, sasl.password!)).rejects.toThrow('invalid-proof');
    });
});

/** The broker's side of SCRAM (RFC 5802), enough to verify a client proof and sign the answer. */
function scramServer(user: string, password: string, hash: 'sha256' | 'sha512', keyLength: number) {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, keyLength, hash);
  const hmac = (key: Buffer, data: string): Buffer => createHmac(hash, key).update(data).digest();
  const storedKey = createHash(hash).update(hmac(salted, 'Client Key')).digest();
  let clientFirstBare = '';
  let serverFirst = '';
  let verified = false;
  const respond = (message: string): Buffer => {
    if (message.startsWith('n,,')) {
      clientFirstBare = message.slice(3);
      const fields = new Map(clientFirstBare.split(',').map((field) => [field[0], field.slice(2)] as const));
      if (fields.get('n') !== user) return Buffer.from('e=unknown-user');
      serverFirst = `r=${fields.get('r')}${randomBytes(8).toString('hex')},s=${salt.toString('base64')},i=${iterations}`;
      return Buffer.from(serverFirst);
    }
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const proof = Buffer.from(message.slice(message.lastIndexOf(',p=') + 3), 'base64');
    const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] ?? 0)));
    verified = createHash(hash).update(clientKey).digest().equals(storedKey);
    if (!verified) return Buffer.from('e=invalid-proof');
    return Buffer.from(`v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`);
  };
  return { respond, get verified() { return verified; } };
}
