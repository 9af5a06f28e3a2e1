/**
 * The server's layers point one way (docs/server.md, "Layers"): transports -> connections and
 * sessions -> request handlers -> services -> state. Read from the sources: what each layer's
 * files import from the server's own files.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'fs';
import { dirname, join, normalize, relative } from 'path';

const SERVER = normalize(join(__dirname, '../../../lib/server'));

/** Every .ts file under lib/server, as a path relative to it. */
function sources(dir = SERVER): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'public' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [relative(SERVER, path)] : [];
  });
}

/** The server files `file` imports (relative to lib/server, without .ts); other imports are left out. */
function serverImports(file: string): string[] {
  const text = readFileSync(join(SERVER, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = relative(SERVER, normalize(join(SERVER, dirname(file), m[1])));
    if (!target.startsWith('..')) out.push(target);
  }
  return out;
}

/** Files that put the layers together (they may import any of them). */
const WIRING = new Set(['cli', 'index', 'workers', 'signal-server', 'redis/cluster-state', 'redis/redis-state-stores', 'token-cli']);
/** Cross-cutting: any layer may log and read the configuration's types. */
const ANYWHERE = new Set(['logger']);

function violations(layer: (file: string) => boolean, mayImport: (target: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of sources()) {
    const name = file.replace(/\.ts$/, '');
    if (!layer(name) || WIRING.has(name)) continue;
    for (const target of serverImports(file)) if (!ANYWHERE.has(target) && !mayImport(target)) found.push(`${name} imports ${target}`);
  }
  return found;
}

const isState = (name: string): boolean => name.startsWith('state/');
const isRedis = (name: string): boolean => name.startsWith('redis/');
const isHandler = (name: string): boolean => name.startsWith('handlers/');
const UPPER = ['session', 'connection', 'tcp-transport', 'websocket-transport', 'transport', 'signal-server', 'static-files'];

describe('02-server: the layers point one way', () => {
  it('the in-memory state imports nothing of the server above it', () => {
    expect(violations(isState, isState)).to.deep.equal([]);
  });

  it('the Redis stores and node bus import the state layer, each other, and only the session snapshot above (moving a session)', () => {
    expect(violations(isRedis, (t) => isState(t) || isRedis(t) || t === 'session-snapshot')).to.deep.equal([]);
  });

  it('the services import no request handler, session, connection or transport', () => {
    const services = (name: string): boolean => ['channel-service', 'invite-service', 'app-message-hub', 'invite-rules', 'reply', 'request-sender'].includes(name);
    expect(violations(services, (t) => !isHandler(t) && !UPPER.includes(t))).to.deep.equal([]);
  });

  it('the request handlers import no session, connection or transport', () => {
    expect(violations(isHandler, (t) => !UPPER.includes(t))).to.deep.equal([]);
  });
});
