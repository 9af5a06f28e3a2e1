import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { decodeFrame, encodeFrameWithLength, EventKind, FrameType, LengthPrefixedReader, utf8Encode } from '../../lib/protocol';
import { Client, newClient, REPO_ROOT, startServer, StartedServer, uidOf } from './harness';
import { makeTestCertificates, TestCertificates } from '../02-server/tls-certs';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program with the environment given (AGORA_SIG_SERVER included). */
function run(exe: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(exe, ['demo-app'], { env: { ...process.env, ...env }, timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, ms: Date.now() - start });
    });
  });
}

function logLines(c: Client): string[] {
  return c.rec.named('onLog').map((e) => String(e.args[0]));
}

// The C++ core connecting to tls://host:port: the certificate chain checked against the CA of
// AGORA_SIG_TLS_CA or dbg("tls_ca", ...), the host name against the certificate.
describe('04 e2e: the core over TLS (tls://)', function () {
  this.timeout(30000);
  const buildDir = process.env.AGORA_SIG_NATIVE_BUILD_DIR ?? path.join(REPO_ROOT, 'build-native');
  let certs: TestCertificates;
  let server: StartedServer;

  before(async () => {
    certs = makeTestCertificates();
    server = await startServer({ tlsCert: certs.certFile, tlsKey: certs.keyFile });
  });
  after(async () => {
    await server.server.close();
    certs.remove();
  });

  describe('a native program (chat_roundtrip)', () => {
    const exe = path.join(buildDir, 'native/examples', 'chat_roundtrip');
    before(function () {
      if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run npm run test:native first`);
    });

    for (const host of ['localhost', '127.0.0.1']) {
      it(`logs in two instances and exchanges messages over tls://${host}:port with AGORA_SIG_TLS_CA`, async () => {
        const out = await run(exe, { AGORA_SIG_SERVER: `tls://${host}:${server.tcpPort}`, AGORA_SIG_TLS_CA: certs.caFile });
        expect(out.code, out.stdout + out.stderr).to.equal(0);
        expect(out.stdout).to.contain('bob got "ping" from alice\nalice got "pong" from bob\nok\n');
      });
    }

    it('fails login with 202 at once when the CA does not vouch for the server', async () => {
      const out = await run(exe, { AGORA_SIG_SERVER: `tls://localhost:${server.tcpPort}`, AGORA_SIG_TLS_CA: certs.otherCaFile });
      expect(out.code).to.equal(1);
      expect(out.stderr).to.contain('alice: login failed (202)');
      // No retries (they would take 250 + 500 + 1000 ms at least).
      expect(out.ms).to.be.below(1500);
    });

    it('fails login with 202 when the certificate does not name the host connected to', async () => {
      // The certificate names localhost and 127.0.0.1, not 127.0.0.2 (also this machine).
      const other = await startServer({ host: '127.0.0.2', tlsCert: certs.certFile, tlsKey: certs.keyFile });
      try {
        const out = await run(exe, { AGORA_SIG_SERVER: `tls://127.0.0.2:${other.tcpPort}`, AGORA_SIG_TLS_CA: certs.caFile });
        expect(out.code).to.equal(1);
        expect(out.stderr).to.contain('alice: login failed (202)');
      } finally {
        await other.server.close();
      }
    });
  });

  describe('the Node addon', () => {
    const clients: Client[] = [];
    afterEach(() => {
      for (const c of clients.splice(0)) c.api.destroy();
    });

    function client(caFile: string): Client {
      const c = newClient(server.tcpPort, 'localhost');
      c.api.dbg('server', `tls://localhost:${server.tcpPort}`);
      c.api.dbg('tls_ca', caFile);
      clients.push(c);
      return c;
    }

    it('logs in over tls:// with dbg("tls_ca") and sends a p2p message', async () => {
      const alice = client(certs.caFile);
      const bob = client(certs.caFile);
      alice.api.login('demo', 'tls-alice', '_no_need_token', 0, '');
      bob.api.login('demo', 'tls-bob', '_no_need_token', 0, '');
      await alice.rec.waitFor('onLoginSuccess');
      await bob.rec.waitFor('onLoginSuccess');
      expect(uidOf(alice)).to.be.above(0);
      alice.api.messageInstantSend('tls-bob', 0, 'over tls', 'm1');
      const got = await bob.rec.waitFor('onMessageInstantReceive');
      expect(got.args[0]).to.equal('tls-alice');
      expect(got.args[2]).to.equal('over tls');
      await alice.rec.waitFor('onMessageSendSuccess');
    });

    it('delivers a burst of 3,000 messages over tls:// in order, without waiting for a heartbeat', async () => {
      // Writes of many frames at once through SSL_write and their ciphertext left for the poller
      // (when the socket takes only part of it), reads of large records; a stall would last until
      // the next heartbeat (10 s).
      const alice = client(certs.caFile);
      const bob = client(certs.caFile);
      alice.api.login('demo', 'burst-alice', '_no_need_token', 0, '');
      bob.api.login('demo', 'burst-bob', '_no_need_token', 0, '');
      await alice.rec.waitFor('onLoginSuccess');
      await bob.rec.waitFor('onLoginSuccess');
      const count = 3000;
      for (let i = 0; i < count; i++) alice.api.messageInstantSend('burst-bob', 0, `m${i}`, '');
      await bob.rec.waitForCount('onMessageInstantReceive', count, 5000);
      const texts = bob.rec.named('onMessageInstantReceive').map((e) => e.args[2]);
      expect(texts).to.deep.equal(Array.from({ length: count }, (_, i) => `m${i}`));
    });

    it('takes every frame of records OpenSSL read ahead, without another poll event', async () => {
      // A scripted server sends its frames in 512-byte TLS records, 27 of them in one write: the
      // core's socket read takes them all, its read loop returns after 16 records, and the rest
      // wait inside OpenSSL with the socket empty. WELCOME's long heartbeat means nothing else
      // arrives to wake the poller.
      const count = 120;
      const events = Buffer.concat(Array.from({ length: count }, (_, i) => encodeFrameWithLength({
        type: FrameType.Event, seq: i + 1, kind: EventKind.InstantMsg,
        fields: [utf8Encode('scripted'), utf8Encode('7'), utf8Encode(`message ${i} `.padEnd(90, '.')), utf8Encode(String(i + 1))],
      })));
      expect(events.length).to.be.within(20 * 512, 16 * 1024 - 512);
      const scripted = tls.createServer({ cert: fs.readFileSync(certs.certFile), key: fs.readFileSync(certs.keyFile) }, (socket) => {
        socket.setMaxSendFragment(512);
        const reader = new LengthPrefixedReader();
        socket.on('error', () => undefined);
        socket.on('data', (chunk: Buffer) => {
          for (const body of reader.push(chunk)) {
            if (decodeFrame(body).type !== FrameType.Login) continue;
            socket.write(Buffer.concat([
              encodeFrameWithLength({ type: FrameType.Welcome, version: 1, heartbeatMs: 60000, resumeWindowMs: 60000, maxFrameBytes: 1048576 }),
              encodeFrameWithLength({ type: FrameType.LoginOk, uid: 7, sessionId: utf8Encode('0123456789abcdef0123456789abcdef') }),
            ]));
            setTimeout(() => socket.write(events), 100);
          }
        });
      });
      await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
      try {
        const c = client(certs.caFile);
        c.api.dbg('server', `tls://localhost:${(scripted.address() as net.AddressInfo).port}`);
        c.api.login('demo', 'drain', '_no_need_token', 0, '');
        await c.rec.waitFor('onLoginSuccess');
        await c.rec.waitForCount('onMessageInstantReceive', count, 3000);
        expect(c.rec.named('onMessageInstantReceive').map((e) => (e.args[2] as string).split(' ')[1])).to.deep.equal(Array.from({ length: count }, (_, i) => String(i)));
      } finally {
        for (const c of clients.splice(0)) c.api.destroy();
        await new Promise((resolve) => scripted.close(resolve));
      }
    });

    it('a wrong CA is onLoginFailed(202) with a log line saying why, and no retry', async () => {
      const c = client(certs.otherCaFile);
      c.api.login('demo', 'tls-untrusted', '_no_need_token', 0, '');
      const failed = await c.rec.waitFor('onLoginFailed');
      expect(failed.args[0]).to.equal(202);
      expect(logLines(c).join('\n')).to.match(/TLS certificate is not trusted: .*\(not retried\)/);
      expect(logLines(c).join('\n')).to.not.contain('try 1');
      expect(c.api.getStatus()).to.equal(0);
    });
  });
});
