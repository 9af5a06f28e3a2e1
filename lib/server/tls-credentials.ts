/**
 * The server's TLS certificate and key (config `tlsCert` / `tlsKey`): read once at start-up and
 * checked as a pair, so that a missing, unreadable or mismatched file stops the server with a
 * message naming it instead of failing every handshake later.
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { ConfigError, ServerConfig } from './config';

export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

function readPem(what: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read TLS ${what} file ${file}: ${(e as Error).message}`);
  }
}

/** null when TLS is off; throws ConfigError when only one of the two is given or a file is bad. */
export function loadTlsCredentials(config: Pick<ServerConfig, 'tlsCert' | 'tlsKey'>): TlsCredentials | null {
  const { tlsCert, tlsKey } = config;
  if (tlsCert === undefined && tlsKey === undefined) return null;
  if (tlsCert === undefined || tlsKey === undefined) {
    throw new ConfigError(`TLS needs both a certificate (tlsCert) and a key (tlsKey); only the ${tlsCert === undefined ? 'key' : 'certificate'} is given`);
  }
  const credentials = { cert: readPem('certificate', tlsCert), key: readPem('key', tlsKey) };
  try {
    // Parses both and checks that the key belongs to the certificate.
    tls.createSecureContext(credentials);
  } catch (e) {
    throw new ConfigError(`TLS certificate file ${tlsCert} and key file ${tlsKey} are not a usable PEM certificate and its key: ${(e as Error).message}`);
  }
  return credentials;
}
