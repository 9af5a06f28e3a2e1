// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser download)
// and pages that load the SDK bundle from the server under test, as an application page would.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { sleep } from '../04-e2e/harness';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium on a fresh profile folder, which the caller removes after closing it. */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; profile: string }> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ...options });
  return { context, profile };
}

/**
 * Serves the test pages from a port of its own: an application's page that loads the SDK with
 * <script src="http://<signal server>/signal.js">, as a page written for the original SDK would
 * after changing its script tag.
 */
class PageServer {
  private constructor(private readonly server: http.Server, readonly port: number) {}

  static async start(): Promise<PageServer> {
    const server = http.createServer((req, res) => {
      const sdk = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sdk') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(pageHtml(sdk));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new PageServer(server, (server.address() as net.AddressInfo).port);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A browser with a fresh profile; close() removes the profile too. */
export class TestBrowser {
  private constructor(private readonly context: BrowserContext, private readonly profile: string, private readonly pages: PageServer) {}

  static async launch(): Promise<TestBrowser> {
    const { context, profile } = await launchChromium();
    return new TestBrowser(context, profile, await PageServer.start());
  }

  /**
   * A page whose <script> loads /signal.js from the signal server at `sdkPort`, so the bundle finds
   * its server by itself. The page records every callback it is given through `rec(name)` in
   * `window.heard`.
   */
  async page(sdkPort: number, name: string): Promise<WebPage> {
    const page = await this.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sdk = `http://127.0.0.1:${sdkPort}/signal.js`;
    await page.goto(`http://127.0.0.1:${this.pages.port}/${name}.html?sdk=${encodeURIComponent(sdk)}`);
    await page.waitForFunction(() => typeof (window as unknown as { Signal?: unknown }).Signal === 'function');
    return new WebPage(page, errors);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.pages.close();
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

function pageHtml(sdk: string): string {
  const src = sdk.replace(/[^A-Za-z0-9:/.%?=&_-]/g, '');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>SDK test page</title>
<script src="${src}"></script>
<script>
  window.heard = [];
  // Calls are recorded by what identifies them; everything else as JSON can carry it.
  function plain(a) {
    if (a && typeof a === 'object' && 'channelName' in a && 'peer' in a) return { call: a.channelName, peer: a.peer, extra: a.extra };
    if (a instanceof Error) return { error: a.message, code: a.code, method: a.method };
    return a;
  }
  window.rec = function (name) {
    return function () { window.heard.push({ name: name, args: Array.prototype.map.call(arguments, plain) }); };
  };
</script>
</head><body><p>SDK test page</p></body></html>`;
}

export interface PageHeard {
  name: string;
  args: unknown[];
}

export class WebPage {
  constructor(readonly page: Page, readonly errors: string[]) {}

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return this.page.evaluate(fn as never, arg) as Promise<R>;
  }

  async heard(): Promise<PageHeard[]> {
    return this.page.evaluate(() => (window as unknown as { heard: PageHeard[] }).heard);
  }

  async named(name: string): Promise<PageHeard[]> {
    return (await this.heard()).filter((h) => h.name === name);
  }

  /** Waits for a recorded callback `name` whose args satisfy `match`. */
  async waitFor(name: string, match: (args: unknown[]) => boolean = () => true, timeoutMs = 10000): Promise<PageHeard> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await this.heard();
      const hit = all.find((h) => h.name === name && match(h.args));
      if (hit) return hit;
      if (Date.now() > deadline) {
        const seen = all.map((h) => `${h.name}(${h.args.map((a) => JSON.stringify(a)).join(', ')})`).slice(-20);
        throw new Error(`page: timed out waiting for ${name}; heard ${seen.join('; ')}; page errors: ${this.errors.join('; ')}`);
      }
      await sleep(25);
    }
  }
}
