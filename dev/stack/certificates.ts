// A certificate authority and the certificates it signs, made locally with openssl (nothing is
// downloaded). Keys are written with mode 0600; no password or key ever goes on a command line
// (PKCS#12 passwords are read by openssl from a file).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `<dir>/ca.crt` and `<dir>/ca.key`, made once (kept if present). */
export function ensureCa(dir: string, commonName = 'kalibra-dev-ca'): { cert: string; key: string } {
  const cert = join(dir, 'ca.crt');
  const key = join(dir, 'ca.key');
  if (!existsSync(cert) || !existsSync(key)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '365', '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    chmodSync(key, 0o600);
  }
  return { cert, key };
}

/**
 * `<dir>/<name>.crt` and `<dir>/<name>.key` signed by the CA in `dir`, for the common name and
 * the subject alternative names (e.g. `IP:127.0.0.1`, `DNS:localhost`), for server and client use.
 */
export function issueCertificate(dir: string, name: string, commonName: string, altNames: readonly string[]): { cert: string; key: string } {
  const ca = ensureCa(dir);
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  writeFileSync(extensions, `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${commonName}`]);
  chmodSync(key, 0o600);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '365', '-extfile', extensions]);
  return { cert, key };
}

/** A PKCS#12 keystore of the certificate, its key and the CA, locked with the password in `passwordFile`. */
export function pkcs12(dir: string, name: string, passwordFile: string): string {
  const store = join(dir, `${name}.p12`);
  openssl(['pkcs12', '-export', '-in', join(dir, `${name}.crt`), '-inkey', join(dir, `${name}.key`), '-certfile', join(dir, 'ca.crt'),
    '-name', name, '-out', store, '-passout', `file:${passwordFile}`]);
  chmodSync(store, 0o600);
  return store;
}
