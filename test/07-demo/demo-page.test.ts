// The demo chat page served at `/`, used by two people in two browser tabs: what each of them sees
// after a short chat, and a screenshot of it kept in test-artifacts/.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SignalServer } from '../../lib/server';
import { launchChromium } from '../05-browser/browser-page';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const VIEWPORT = { width: 1200, height: 760 };
const CHANNEL = 'lobby';

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const head = fs.readFileSync(file).subarray(0, 24);
  expect(head.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
  expect(head.subarray(12, 16).toString('ascii')).to.equal('IHDR');
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** The text of every element matching `selector`, trimmed. */
async function texts(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(selector).allTextContents()).map((t) => t.trim());
}

async function logIn(page: Page, baseUrl: string, account: string): Promise<void> {
  await page.goto(baseUrl);
  expect(await page.inputValue('#login-appid')).to.equal('demo');
  expect(await page.inputValue('#login-token')).to.equal('_no_need_token');
  await page.fill('#login-account', account);
  await page.press('#login-account', 'Enter');
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  await page.waitForFunction((who) => document.getElementById('status')?.textContent === `Logged in as ${who}`, account);
  expect(await page.textContent('#whoami')).to.equal(account);
}

async function join(page: Page, channel: string): Promise<void> {
  await page.fill('#channel-name', channel);
  await page.press('#channel-name', 'Enter');
  await page.locator('#channel-joined').waitFor({ state: 'visible' });
  expect(await page.textContent('#channel-title')).to.equal(channel);
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
  // Enter sent it: the input is empty again.
  expect(await page.inputValue('#message-input')).to.equal('');
}

/** Waits for a message bubble of the given kind whose body is exactly `body`. */
async function waitForMessage(page: Page, kind: string, body: string): Promise<{ sender: string; tag: string }> {
  const bubble = page.locator(`#messages .message.${kind}`).filter({ has: page.locator('.body', { hasText: body }) });
  await bubble.first().waitFor();
  expect((await bubble.first().locator('.body').textContent())?.trim()).to.equal(body);
  const tag = bubble.first().locator('.tag');
  return {
    sender: ((await bubble.first().locator('.sender').textContent()) ?? '').trim(),
    tag: (await tag.count()) ? ((await tag.textContent()) ?? '').trim() : '',
  };
}

describe('07 demo page', function () {
  this.timeout(60000);

  let server: SignalServer;
  let baseUrl: string;
  let userDataDir: string;
  let context: BrowserContext;
  let alice: Page;
  let bob: Page;
  const pageErrors: string[] = [];

  before(async function () {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist/browser/signal.js'))) {
      throw new Error('dist/browser/signal.js is missing: build the browser SDK with `node scripts/build-browser.mjs`');
    }
    server = new SignalServer({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, logLevel: 'silent' });
    const { wsPort } = await server.listen();
    baseUrl = `http://127.0.0.1:${wsPort}/`;
    ({ context, profile: userDataDir } = await launchChromium({ viewport: VIEWPORT }));
    alice = context.pages()[0] ?? (await context.newPage());
    bob = await context.newPage();
    for (const [who, page] of [['alice', alice], ['bob', bob]] as const) {
      page.on('pageerror', (err) => pageErrors.push(`${who}: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(`${who} console: ${msg.text()}`);
      });
    }
  });

  after(async function () {
    await context?.close();
    await server?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('serves the page, its assets and the SDK from the signaling port', async function () {
    for (const [file, type] of [['', 'text/html'], ['app.js', 'javascript'], ['style.css', 'text/css'], ['signal.js', 'javascript']]) {
      const res = await fetch(baseUrl + file);
      expect(res.status, `GET /${file}`).to.equal(200);
      expect(res.headers.get('content-type'), `content type of /${file}`).to.contain(type);
    }
  });

  it('shows an error on the status line when an account has spaces', async function () {
    await alice.goto(baseUrl);
    await alice.fill('#login-account', 'two words');
    await alice.press('#login-account', 'Enter');
    expect(await alice.textContent('#status')).to.equal('An account cannot contain spaces.');
    expect(await alice.isVisible('#login-view')).to.equal(true);
  });

  it('lets two people log in and see each other in the channel', async function () {
    await logIn(alice, baseUrl, 'alice');
    await logIn(bob, baseUrl, 'bob');
    await join(alice, CHANNEL);
    expect(await texts(alice, '#members .member-name')).to.deep.equal(['alice (you)']);
    await join(bob, CHANNEL);

    await alice.locator('#members [data-account="bob"]').waitFor();
    await bob.locator('#members [data-account="alice"]').waitFor();
    expect(await texts(alice, '#members .member-name')).to.deep.equal(['alice (you)', 'bob']);
    expect(await texts(bob, '#members .member-name')).to.deep.equal(['bob (you)', 'alice']);
    expect(await alice.textContent('#member-count')).to.equal('2');
    await alice.locator('#messages .message.system', { hasText: 'bob joined' }).waitFor();
    expect(await alice.textContent('#status')).to.equal(`Logged in as alice \u00b7 in #${CHANNEL}`);
  });

  it('carries channel messages to everyone, the sender included, as plain text', async function () {
    await send(alice, 'Hi bob, welcome to the lobby!');
    expect(await waitForMessage(bob, 'channel', 'Hi bob, welcome to the lobby!')).to.deep.equal({ sender: 'alice', tag: '' });
    expect((await waitForMessage(alice, 'channel.mine', 'Hi bob, welcome to the lobby!')).sender).to.equal('You');

    const markup = 'Thanks! Is <b>this</b> bold? <img src=x onerror=alert(1)>';
    await send(bob, markup);
    expect((await waitForMessage(alice, 'channel', markup)).sender).to.equal('bob');
    // Untrusted text stays text: no element was made from it.
    expect(await alice.locator('#messages b, #messages img').count()).to.equal(0);
  });

  it('sends a private message to the member picked in the list', async function () {
    await alice.click('#members [data-account="bob"] .member-name');
    expect(await alice.inputValue('#target')).to.equal('bob');
    expect(await alice.getAttribute('#message-input', 'placeholder')).to.equal('Private message to bob');
    await send(alice, 'Between us: the demo is at three.');
    expect(await waitForMessage(bob, 'private-in', 'Between us: the demo is at three.')).to.deep.equal({ sender: 'alice', tag: 'private' });
    expect(await waitForMessage(alice, 'private-out', 'Between us: the demo is at three.')).to.deep.equal({ sender: 'You', tag: 'to bob \u00b7 private' });
    // Only bob got it: it did not go to the channel.
    expect(await bob.locator('#messages .message.channel', { hasText: 'Between us' }).count()).to.equal(0);

    await bob.selectOption('#target', 'alice');
    await send(bob, 'Got it, see you there.');
    expect((await waitForMessage(alice, 'private-in', 'Got it, see you there.')).sender).to.equal('bob');

    // Back to the channel for the rest of the chat.
    await alice.selectOption('#target', '');
    await bob.selectOption('#target', '');
    expect(await alice.getAttribute('#message-input', 'placeholder')).to.equal(`Message #${CHANNEL}`);
  });

  it('shows channel attributes set and deleted by a member to every member', async function () {
    for (const [name, value] of [['topic', 'Release planning'], ['draft', 'yes']]) {
      await alice.fill('#attr-name', name);
      await alice.fill('#attr-value', value);
      await alice.press('#attr-value', 'Enter');
    }
    for (const page of [alice, bob]) await page.locator('#attrs-body tr[data-name="draft"]').waitFor();
    expect(await texts(bob, '#attrs-body .attr-name')).to.deep.equal(['draft', 'topic']);
    expect(await texts(bob, '#attrs-body .attr-value')).to.deep.equal(['yes', 'Release planning']);

    await bob.click('#attrs-body tr[data-name="draft"] .attr-delete');
    await alice.locator('#attrs-body tr[data-name="draft"]').waitFor({ state: 'detached' });
    expect(await texts(alice, '#attrs-body .attr-name')).to.deep.equal(['topic']);
    expect(await texts(alice, '#attrs-body .attr-value')).to.deep.equal(['Release planning']);
    await alice.locator('#messages .message.system', { hasText: 'Attribute draft deleted' }).waitFor();
  });

  it('rings the invited person, who refuses once and accepts the next time; both sides see the call state', async function () {
    const ringing = (page: Page, direction: string) => page.locator(`#calls .call.${direction}[data-phase="ringing"]`);
    const invite = async () => {
      await alice.fill('#invite-account', 'bob');
      await alice.press('#invite-account', 'Enter');
      await ringing(bob, 'incoming').waitFor();
      await ringing(alice, 'outgoing').waitFor();
    };
    const stateOf = async (page: Page) => texts(page, '#calls .call .call-state');

    await invite();
    const firstCall = ringing(bob, 'incoming');
    expect((await firstCall.locator('.call-title').textContent())?.trim()).to.equal(`alice invites you to #${CHANNEL}`);
    expect(await firstCall.locator('.call-state').textContent()).to.equal('Incoming call \u2014 accept or refuse?');
    expect(await texts(bob, '#calls .call.incoming button')).to.deep.equal(['Accept', 'Refuse']);
    expect((await alice.locator('#calls .call.outgoing .call-title').textContent())?.trim()).to.equal(`Calling bob to #${CHANNEL}`);
    expect(await stateOf(alice)).to.deep.equal(['Ringing at bob\u2026']);
    await firstCall.locator('.call-refuse').click();
    await alice.locator('#calls .call.outgoing[data-phase="refused"]').waitFor();
    expect(await stateOf(alice)).to.deep.equal(['bob refused']);
    expect(await stateOf(bob)).to.deep.equal(['You refused']);

    await invite();
    await ringing(bob, 'incoming').locator('.call-accept').click();
    await alice.locator('#calls .call.outgoing[data-phase="accepted"]').waitFor();
    // The newest call is on top.
    expect(await stateOf(alice)).to.deep.equal(['bob accepted', 'bob refused']);
    expect(await stateOf(bob)).to.deep.equal(['You accepted \u2014 in a call with alice', 'You refused']);
    expect(await texts(alice, '#calls .call.outgoing[data-phase="accepted"] button')).to.deep.equal(['Hang up']);

    await send(bob, 'Joined the call, thanks for the invite.');
    await waitForMessage(alice, 'channel', 'Joined the call, thanks for the invite.');
  });

  it('looks right in a full-page screenshot', async function () {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shots = [
      [alice, path.join(ARTIFACTS, 'demo-page.png')],
      [bob, path.join(ARTIFACTS, 'demo-page-invitee.png')],
    ] as const;
    for (const [page, file] of shots) {
      fs.rmSync(file, { force: true });
      await page.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size, `${file} size`).to.be.greaterThan(10 * 1024);
      const { width, height } = pngSize(file);
      expect(width).to.equal(VIEWPORT.width);
      expect(height).to.be.within(VIEWPORT.height, 4 * VIEWPORT.height);
    }
    expect(pageErrors).to.deep.equal([]);
  });

  it('returns to the login form on logout, and the other side sees the member leave', async function () {
    await bob.click('#logout');
    await bob.locator('#login-view').waitFor({ state: 'visible' });
    expect(await bob.textContent('#status')).to.equal('bob logged out');
    await alice.locator('#members [data-account="bob"]').waitFor({ state: 'detached' });
    expect(await texts(alice, '#members .member-name')).to.deep.equal(['alice (you)']);
    expect(pageErrors).to.deep.equal([]);
  });
});
