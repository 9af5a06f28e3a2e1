import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { ConfigError, loadConfig } from '../../lib/server/config';
import { SignalServer } from '../../lib/server/signal-server';
import { RawClient } from './raw-client';
import { ServerFixture } from './server-fixture';
import { makeTestCertificates, TestCertificates } from './tls-certs';

const APP = 'app-tls';
const LOGIN_TIMEOUT_MS = 600;

/** Resolves with how long after the call the socket closed (it must close by itself). */
function closedAfter(socket: net.Socket, limitMs: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

describe('02-server: TLS on both listeners', () => {
  let certs: TestCertificates;
  before(() => {
    certs = makeTestCertificates();
  });
  after(() => certs.remove());

  describe('configuration', () => {
    it('takes the certificate and key from flags, the environment and the config file', () => {
      const env = { AGORA_SIG_TLS_CERT: '/env/cert.pem', AGORA_SIG_TLS_KEY: '/env/key.pem' };
      expect(loadConfig(['--tls-cert', 'a.pem', '--tls-key', 'b.pem'], env)).to.deep.include({ tlsCert: 'a.pem', tlsKey: 'b.pem' });
      expect(loadConfig([], env)).to.deep.include({ tlsCert: '/env/cert.pem', tlsKey: '/env/key.pem' });
      expect(loadConfig([], {})).to.not.have.property('tlsCert');
    });

    it('refuses to start with an unreadable file, a key that does not match, or only one of the two', () => {
      const start = (config: object): void => void new SignalServer({ tcpPort: 0, wsPort: 0, logLevel: 'silent', ...config });
      expect(() => start({ tlsCert: '/nonexistent/cert.pem', tlsKey: certs.keyFile }))
        .to.throw(ConfigError, /cannot read TLS certificate file \/nonexistent\/cert\.pem/);
      expect(() => start({ tlsCert: certs.certFile, tlsKey: '/nonexistent/key.pem' }))
        .to.throw(ConfigError, /cannot read TLS key file \/nonexistent\/key\.pem/);
      expect(() => start({ tlsCert: certs.certFile, tlsKey: path.join(certs.dir, 'ca.key') }))
        .to.throw(ConfigError, new RegExp(`TLS certificate file ${certs.certFile} and key file .*ca\\.key are not a usable`));
      expect(() => start({ tlsCert: certs.caFile.replace('ca.pem', 'server.csr'), tlsKey: certs.keyFile })).to.throw(ConfigError, /server\.csr/);
      expect(() => start({ tlsCert: certs.certFile })).to.throw(ConfigError, /needs both a certificate .* only the certificate/);
    });

    it('the command line stops with exit code 2 and names the bad file', async () => {
      const cli = path.join(__dirname, '../../lib/server/cli.js');
      const child = spawn(process.execPath, [cli, '--tcp-port', '0', '--ws-port', '0', '--tls-cert', '/nonexistent/c.pem', '--tls-key', certs.keyFile]);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).to.equal(2);
      expect(stderr).to.match(/^agora-sig-server: cannot read TLS certificate file \/nonexistent\/c\.pem/);
    });

    it('the command line says tls:// and wss:// when it listens with TLS', async () => {
      const cli = path.join(__dirname, '../../lib/server/cli.js');
      const child = spawn(process.execPath, [cli, '--tcp-port', '0', '--ws-port', '0', '--log-level', 'silent'], {
        env: { ...process.env, AGORA_SIG_TLS_CERT: certs.certFile, AGORA_SIG_TLS_KEY: certs.keyFile },
      });
      try {
        let stdout = '';
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => {
            stdout += d.toString();
            if (stdout.includes('Ctrl+C')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
        });
        expect(stdout).to.match(/TCP +tls:\/\/127\.0\.0\.1:\d+\n/);
        expect(stdout).to.match(/WebSocket +wss:\/\/127\.0\.0\.1:\d+\//);
      } finally {
        child.kill('SIGTERM');
      }
    });
  });

  describe('a server with TLS', () => {
    const fixture = new ServerFixture();
    beforeEach(() => fixture.start({ tlsCert: certs.certFile, tlsKey: certs.keyFile, loginTimeoutMs: LOGIN_TIMEOUT_MS, heartbeatMs: 5000 }));
    afterEach(() => fixture.stop());

    it('logs that it listens on tls:// and wss://', () => {
      expect(fixture.address.tls).to.equal(true);
      const { tcpPort, wsPort } = fixture.address;
      expect(fixture.logLines.join('\n')).to.include(`listening on tls://127.0.0.1:${tcpPort} and wss://127.0.0.1:${wsPort}`);
    });

    it('logs in over TLS on the TCP port and carries a message to a wss:// client', async () => {
      const alice = await RawClient.tls(fixture.address.tcpPort, certs.ca);
      const bob = await RawClient.ws(fixture.address.wsPort, certs.ca);
      try {
        expect((await alice.login(APP, 'alice')).uid).to.be.above(0);
        expect((await bob.login(APP, 'bob')).uid).to.be.above(0);
        const reqId = alice.request(Op.MsgInstant, ['bob', '0', 'over tls', '']);
        const event = await bob.expect(FrameType.Event);
        expect(utf8Decode(event.fields[0])).to.equal('alice');
        expect(utf8Decode(event.fields[2])).to.equal('over tls');
        expect(await alice.expect(FrameType.Result)).to.deep.include({ reqId, code: 0 });
      } finally {
        alice.destroy();
        bob.destroy();
      }
    });

    it('serves the demo page over https', async () => {
      const body = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: fixture.address.wsPort, path: '/', ca: certs.ca }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        }).on('error', reject);
      });
      expect(body.status).to.equal(200);
      expect(body.text).to.match(/<html/i);
    });

    it('closes a plain TCP client that speaks the protocol without TLS, and keeps serving', async () => {
      const plain = await RawClient.tcp(fixture.address.tcpPort);
      plain.send({ type: FrameType.Hello, version: 1, client: utf8Encode('plain') });
      await plain.waitClosed(2000);
      expect(plain.buffered).to.equal(0);
      const client = await RawClient.tls(fixture.address.tcpPort, certs.ca);
      try {
        await client.login(APP, 'after-plain');
      } finally {
        client.destroy();
      }
    });

    it('refuses a plain ws:// upgrade on the wss:// port', async () => {
      let failed = false;
      try {
        const plain = await RawClient.ws(fixture.address.wsPort);
        plain.destroy();
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
    });

    it('closes a connection that never finishes the handshake within the login timeout', async () => {
      // TCP connected, nothing sent: no ClientHello at all.
      const silent = net.connect(fixture.address.tcpPort, '127.0.0.1');
      await new Promise((resolve) => silent.once('connect', resolve));
      const closedMs = await closedAfter(silent, LOGIN_TIMEOUT_MS + 1500);
      expect(closedMs).to.be.at.least(LOGIN_TIMEOUT_MS - 100);
      // The same on the wss:// port.
      const silentWs = net.connect(fixture.address.wsPort, '127.0.0.1');
      await new Promise((resolve) => silentWs.once('connect', resolve));
      expect(await closedAfter(silentWs, LOGIN_TIMEOUT_MS + 1500)).to.be.at.least(LOGIN_TIMEOUT_MS - 100);
    });

    it('close() does not wait for handshakes in progress to time out', async () => {
      const server = new SignalServer({ tcpPort: 0, wsPort: 0, logLevel: 'silent', tlsCert: certs.certFile, tlsKey: certs.keyFile, loginTimeoutMs: 60000 });
      const { tcpPort, wsPort } = await server.listen();
      const silent = [net.connect(tcpPort, '127.0.0.1'), net.connect(wsPort, '127.0.0.1')];
      await Promise.all(silent.map((s) => new Promise((resolve) => s.once('connect', resolve))));
      const start = Date.now();
      await server.close();
      expect(Date.now() - start).to.be.below(5000);
      for (const s of silent) s.destroy();
    });

    it('a client that trusts another CA refuses the server', async () => {
      const socket = tls.connect({ port: fixture.address.tcpPort, host: '127.0.0.1', servername: 'localhost', ca: certs.otherCa });
      const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
      expect((error as NodeJS.ErrnoException).code).to.match(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
    });
  });

  describe('with connection limits', () => {
    const fixture = new ServerFixture();
    afterEach(() => fixture.stop());

    it('a TLS or wss:// session leaves the pool of sockets without a session, so idle sockets push out idle ones only', async () => {
      await fixture.start({ tlsCert: certs.certFile, tlsKey: certs.keyFile, maxConnections: 6, reservedConnections: 2 });
      const alice = await RawClient.tls(fixture.address.tcpPort, certs.ca);
      const bob = await RawClient.ws(fixture.address.wsPort, certs.ca);
      await alice.login(APP, 'alice');
      await bob.login(APP, 'bob');
      // Four idle sockets fill the pool (6 - 2 reserved); two more push out the oldest two.
      const idle: net.Socket[] = [];
      for (let i = 0; i < 6; i++) {
        const socket = net.connect({ port: fixture.address.tcpPort, host: '127.0.0.1' });
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        idle.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        expect(idle.map((s) => s.destroyed || s.readableEnded)).to.deep.equal([true, true, false, false, false, false]);
        expect(fixture.server.connectionLimits.sessionlessCount).to.equal(4);
        const reqId = alice.request(Op.MsgInstant, ['bob', '0', 'still here', '']);
        expect(utf8Decode((await bob.expect(FrameType.Event)).fields[2])).to.equal('still here');
        expect(await alice.expect(FrameType.Result)).to.deep.include({ reqId, code: 0 });
      } finally {
        for (const s of idle) s.destroy();
        alice.destroy();
        bob.destroy();
      }
    });
  });
});
