// Chromium on a page served over https by a server with TLS: the bundle loaded from there finds
// its server as wss://, and a login over it succeeds. (The throwaway CA is not in Chromium's
// store, so certificate errors are ignored here; the Node tests check the chain itself.)
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';
import { startServer } from '../04-e2e/harness';
import { makeTestCertificates, TestCertificates } from '../02-server/tls-certs';
import { CHROMIUM_PATH } from './browser-page';

describe('05 browser: Chromium on an https:// page of a server with TLS', function () {
  this.timeout(60000);
  let certs: TestCertificates;
  let server: Awaited<ReturnType<typeof startServer>>;
  let context: BrowserContext;
  let profile: string;

  before(async () => {
    if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
    certs = makeTestCertificates();
    server = await startServer({ tlsCert: certs.certFile, tlsKey: certs.keyFile });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      ignoreHTTPSErrors: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--ignore-certificate-errors'],
    });
  });
  after(async () => {
    await context?.close();
    await server?.server.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
    certs?.remove();
  });

  it('loads the demo page and signal.js over https and logs in over wss://', async () => {
    const page = await context.newPage();
    await page.goto(`https://127.0.0.1:${server.wsPort}/`);
    await page.waitForFunction(() => typeof (window as unknown as { Signal?: unknown }).Signal === 'function');
    const result = await page.evaluate(() => new Promise<{ server: string; outcome: string }>((resolve) => {
      const signal = (window as unknown as { Signal: (appId: string) => { server: string; login(a: string, t: string): Record<string, unknown> } }).Signal('demo');
      const session = signal.login('chromium-tls', '_no_need_token');
      session.onLoginSuccess = (uid: number) => resolve({ server: signal.server, outcome: `ok ${uid}` });
      session.onLoginFailed = (code: number) => resolve({ server: signal.server, outcome: `failed ${code}` });
    }));
    expect(result.server).to.equal(`wss://127.0.0.1:${server.wsPort}`);
    expect(result.outcome).to.match(/^ok \d+$/);
  });
});
