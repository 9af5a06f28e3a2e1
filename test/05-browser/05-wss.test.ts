// The Web object model against a server with TLS: the server URL it derives from an https://
// page or script is wss://, an explicit wss:// URL is taken as given, and a login over wss:// works.
import { expect } from 'chai';
import WebSocket from 'ws';
import { Signal } from '../../lib/web';
import { normalizeServerUrl, webSocketOrigin } from '../../lib/web/default-server';
import { startServer } from '../04-e2e/harness';
import { makeTestCertificates, TestCertificates } from '../02-server/tls-certs';

describe('05 browser: wss:// for servers with TLS', function () {
  this.timeout(30000);
  let certs: TestCertificates;
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    certs = makeTestCertificates();
    server = await startServer({ tlsCert: certs.certFile, tlsKey: certs.keyFile });
  });
  after(async () => {
    await server.server.close();
    certs.remove();
  });

  it('derives wss:// from an https:// script or page address and keeps an explicit wss:// URL', () => {
    expect(webSocketOrigin('https://sig.example.org:9721/signal.js')).to.equal('wss://sig.example.org:9721');
    expect(webSocketOrigin('https://sig.example.org/signal.mjs')).to.equal('wss://sig.example.org');
    expect(webSocketOrigin('http://sig.example.org:9721/signal.js')).to.equal('ws://sig.example.org:9721');
    expect(normalizeServerUrl('https://sig.example.org:9721/')).to.equal('wss://sig.example.org:9721');
    expect(normalizeServerUrl('wss://sig.example.org:9721/path')).to.equal('wss://sig.example.org:9721/path');
    expect(Signal('demo', { server: 'https://127.0.0.1:9721/index.html', WebSocket }).server).to.equal('wss://127.0.0.1:9721');
  });

  it('logs in over wss:// and logs out', async () => {
    // A page's browser trusts the server's CA itself; ws needs to be told.
    const ca = certs.ca;
    class TrustingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, { ca });
      }
    }
    const session = Signal('demo', { server: `wss://127.0.0.1:${server.wsPort}`, WebSocket: TrustingWebSocket }).login('web-alice', '_no_need_token');
    const result = await new Promise<string>((resolve) => {
      session.onLoginSuccess = (uid: number) => resolve(`ok ${uid}`);
      session.onLoginFailed = (code: number) => resolve(`failed ${code}`);
    });
    expect(result).to.match(/^ok \d+$/);
    const logout = new Promise<number>((resolve) => (session.onLogout = resolve));
    session.logout();
    expect(await logout).to.be.a('number');
  });
});
