/**
 * Throwaway certificates for the TLS tests, made with the openssl command line: a CA, a server
 * certificate it signs for localhost and 127.0.0.1, and a second CA that signed nothing (a client
 * trusting only that one must refuse the server).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  ca: Buffer;
  certFile: string;
  keyFile: string;
  otherCaFile: string;
  otherCa: Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export function makeTestCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-tls-'));
  makeCa(dir, 'ca', '/CN=agora-sig test CA');
  makeCa(dir, 'other-ca', '/CN=agora-sig unrelated CA');
  openssl(dir, [
    'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost',
  ]);
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext',
  ]);
  const file = (name: string): string => path.join(dir, name);
  return {
    dir,
    caFile: file('ca.pem'),
    ca: fs.readFileSync(file('ca.pem')),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    otherCaFile: file('other-ca.pem'),
    otherCa: fs.readFileSync(file('other-ca.pem')),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
