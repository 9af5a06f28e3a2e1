import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, freePort, loginOk, newClient, ServerProcess, sleep, startServer } from './harness';
import { TcpProxy } from './tcp-proxy';

describe('04 e2e: reconnection', function () {
  this.timeout(60000);
  const clients: Client[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.api.destroy();
  });

  it('resumes a dropped connection with nothing lost: the gap is delivered once, in order', async () => {
    const { server, tcpPort } = await startServer();
    const proxy = new TcpProxy(tcpPort);
    await proxy.listen();
    try {
      const a = newClient(tcpPort);
      const b = newClient(proxy.port);
      clients.push(a, b);
      await loginOk(a, 'demo', 'alice');
      await loginOk(b, 'demo', 'bob');
      for (let i = 0; i < 50; i++) a.api.messageInstantSend('bob', 0, `before-${i}`, '');
      await b.rec.waitForCount('onMessageInstantReceive', 50);

      proxy.cut(1500);
      await b.rec.waitFor('onReconnecting');
      expect(b.api.getStatus()).to.equal(3);
      // Sent while bob is away: the server keeps them for his session.
      for (let i = 0; i < 50; i++) a.api.messageInstantSend('bob', 0, `gap-${i}`, '');
      await a.rec.waitForCount('onMessageSendSuccess', 100);
      // And bob sends while reconnecting: queued by his SDK, delivered after the resume.
      b.api.messageInstantSend('alice', 0, 'sent while away', 'away');

      await b.rec.waitFor('onReconnected', () => true, 20000);
      expect(b.api.getStatus()).to.equal(2);
      for (let i = 0; i < 50; i++) a.api.messageInstantSend('bob', 0, `after-${i}`, '');
      await b.rec.waitForCount('onMessageInstantReceive', 150);
      await sleep(200);
      const got = b.rec.named('onMessageInstantReceive').map((e) => e.args[2]);
      const want = [
        ...Array.from({ length: 50 }, (_, i) => `before-${i}`),
        ...Array.from({ length: 50 }, (_, i) => `gap-${i}`),
        ...Array.from({ length: 50 }, (_, i) => `after-${i}`),
      ];
      expect(got).to.deep.equal(want);
      await a.rec.waitFor('onMessageInstantReceive', (args) => args[2] === 'sent while away');
      await b.rec.waitFor('onMessageSendSuccess', (args) => args[0] === 'away');
      expect(a.rec.count('onMessageInstantReceive')).to.equal(1);
      expect(b.rec.count('onLogout')).to.equal(0);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('survives a server restart (reconnecting, then reconnected), then gives up with 102 when it stays down', async () => {
    const tcpPort = await freePort();
    const wsPort = await freePort();
    const srv = new ServerProcess(tcpPort, wsPort);
    await srv.start();
    try {
      const a = newClient(tcpPort);
      const b = newClient(tcpPort);
      clients.push(a, b);
      a.api.login2('demo', 'alice', '_no_need_token', 0, '', 30, 20);
      b.api.login2('demo', 'bob', '_no_need_token', 0, '', 30, 20);
      await a.rec.waitFor('onLoginSuccess');
      await b.rec.waitFor('onLoginSuccess');

      await srv.kill();
      await a.rec.waitFor('onReconnecting');
      expect(a.api.getStatus()).to.equal(3);
      await sleep(500);
      await srv.start();
      await a.rec.waitFor('onReconnected', () => true, 20000);
      await b.rec.waitFor('onReconnected', () => true, 20000);
      expect(a.api.getStatus()).to.equal(2);

      a.api.messageInstantSend('bob', 0, 'after restart', 'r1');
      const got = await b.rec.waitFor('onMessageInstantReceive');
      expect(got.args[2]).to.equal('after restart');

      // Now the server stays down: three tries, then the SDK gives up.
      const c = newClient(tcpPort);
      clients.push(c);
      c.api.login2('demo', 'carol', '_no_need_token', 0, '', 30, 3);
      await c.rec.waitFor('onLoginSuccess');
      await srv.kill();
      const out = await c.rec.waitFor('onLogout', () => true, 30000);
      expect(out.args[0]).to.equal(AGORA_E_CODE.LOGOUT_E_NET);
      expect(c.rec.count('onReconnecting')).to.equal(3);
      expect(c.rec.named('onReconnecting').map((e) => e.args[0])).to.deep.equal([1, 2, 3]);
      expect(c.api.getStatus()).to.equal(0);
    } finally {
      await srv.kill();
    }
  });

  it('fails a first login with 201 when no server answers', async () => {
    const port = await freePort();
    const a = newClient(port);
    clients.push(a);
    a.api.login2('demo', 'alice', '_no_need_token', 0, '', 10, 2);
    const failed = await a.rec.waitFor('onLoginFailed', () => true, 20000);
    expect(failed.args[0]).to.equal(AGORA_E_CODE.LOGIN_E_NET);
    expect(a.api.getStatus()).to.equal(0);
  });
});
