// A private Postgres that takes only TLS connections with a password (hostssl + scram-sha-256),
// its server certificate signed by the given local CA (CN and SAN 127.0.0.1, so sslmode=verify-full
// holds), a database `kalibra` owned by the role `kalibra`. The connection string, password
// included, is written to a file (mode 0600) for DATABASE_URL_FILE; it is never an environment value.
import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { issueCertificate } from '../../dev/stack/certificates.ts';
import { privatePostgres } from './sink-private-postgres.ts';

export interface TlsPostgres {
  /** DATABASE_URL_FILE for the processes. */
  readonly urlFile: string;
  readonly password: string;
  readonly port: number;
  /** The server's log file. */
  readonly log: string;
  /** A superuser client over the Unix socket (setup and checks), closed by the caller. */
  superuser(database?: string): Promise<pg.Client>;
}

export async function tlsPostgres(tlsDir: string, secretsDir: string): Promise<TlsPostgres> {
  const { cert, key } = issueCertificate(tlsDir, 'postgres', '127.0.0.1', ['IP:127.0.0.1', 'DNS:localhost']);
  const server = await privatePostgres({
    prepare: ({ dataDir, own }) => {
      for (const [from, to] of [[cert, 'server.crt'], [key, 'server.key']] as const) {
        copyFileSync(from, join(dataDir, to));
        own(join(dataDir, to));
      }
      // No `host` line: a connection without TLS finds no entry and is refused.
      writeFileSync(join(dataDir, 'pg_hba.conf'), 'local all postgres trust\nhostssl kalibra kalibra 127.0.0.1/32 scram-sha-256\n');
    },
    settings: ['ssl=on', 'ssl_cert_file=server.crt', 'ssl_key_file=server.key', 'password_encryption=scram-sha-256', 'log_connections=on'],
  });
  const superuser = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database });
    await client.connect();
    return client;
  };
  const password = randomBytes(18).toString('base64url');
  const admin = await superuser();
  try {
    await admin.query(`CREATE ROLE kalibra LOGIN PASSWORD '${password}'`);
    await admin.query('CREATE DATABASE kalibra OWNER kalibra');
  } finally {
    await admin.end();
  }
  const urlFile = join(secretsDir, 'database-url');
  const url = `postgres://kalibra:${password}@127.0.0.1:${server.port}/kalibra?sslmode=verify-full&sslrootcert=${join(tlsDir, 'ca.crt')}`;
  writeFileSync(urlFile, `${url}\n`, { mode: 0o600 });
  return { urlFile, password, port: server.port, log: join(server.socketDir, 'log'), superuser };
}
