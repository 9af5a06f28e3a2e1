import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { event, join, ok, quiet, startOfSecond } from '../02-server/channel-helpers';
import { AdminFixture } from './admin-fixture';

const CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b';

describe('12 operations: the admin REST API, end to end with protocol clients', () => {
  const fx = new AdminFixture();
  beforeEach(() => fx.startWithAdmin({ apps: { acceptAnyAppId: true, apps: [{ appId: 'locked', certificate: CERTIFICATE }, { appId: 'open' }] } }));
  afterEach(() => fx.stop());

  describe('POST /v1/apps/{appId}/messages', () => {
    it('delivers to an online account as the named sender', async () => {
      const bob = await fx.loggedIn('demo', 'bob');
      const sent = await fx.http('POST', '/v1/apps/demo/messages', { from: 'billing', to: 'bob', message: 'your invoice is ready' });
      expect(sent.status).to.equal(200);
      expect(sent.json.result).to.equal('delivered');
      const fields = await event(bob.client, EventKind.InstantMsg);
      expect(fields).to.deep.equal(['billing', '0', 'your invoice is ready', String(sent.json.serverMsgId)]);
    });

    it('holds for an offline account within its ttl, and the login receives it', async () => {
      const sent = await fx.http('POST', '/v1/apps/demo/messages', { from: 'system', to: 'carol', message: 'held for you', ttl: 60 });
      expect(sent.json).to.deep.include({ result: 'held', ttl: 60 });
      const carol = await fx.loggedIn('demo', 'carol');
      expect(await event(carol.client, EventKind.InstantMsg)).to.deep.equal(['system', '0', 'held for you', String(sent.json.serverMsgId)]);
    });

    it('fails for an offline account without a ttl, with the SDK code and reason', async () => {
      const sent = await fx.http('POST', '/v1/apps/demo/messages', { from: 'system', to: 'nobody', message: 'x' });
      expect(sent.status).to.equal(200);
      expect(sent.json).to.deep.equal({ result: 'failed', code: AGORA_E_CODE.SENDMESSAGE_E_OTHER, reason: 'peer nobody is offline' });
    });

    it('refuses bad requests with 400 and a reason', async () => {
      const cases: [unknown, RegExp][] = [
        [{ to: 'bob', message: 'x' }, /missing field "from"/],
        [{ from: 'system', message: 'x' }, /missing field "to"/],
        [{ from: 'system', to: 'bob' }, /missing field "message"/],
        [{ from: 'system', to: 'bob', message: 5 }, /"message" must be a string/],
        [{ from: 'system', to: '', message: 'x' }, /^to: /],
        [{ from: 'system', to: 'bob', message: 'x'.repeat(8193) }, /at most 8192/],
        [{ from: 'system', to: 'bob', message: 'x', ttl: -1 }, /"ttl" must be an integer/],
        [{ from: 'system', to: 'bob', message: 'x', ttl: 10 ** 9 }, /"ttl" must be an integer/],
        [['not', 'an', 'object'], /JSON object/],
      ];
      for (const [body, reason] of cases) {
        const answer = await fx.http('POST', '/v1/apps/demo/messages', body);
        expect(answer.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
        expect(answer.json.error.reason).to.match(reason);
      }
      const unknown = await fx.http('POST', '/v1/apps/demo/messages', undefined);
      expect(unknown.status).to.equal(400);
    });
  });

  it('sends a channel message to every member, and refuses a bad channel name', async () => {
    const alice = await fx.loggedIn('demo', 'alice');
    await join(alice.client, 'room');
    const sent = await fx.http('POST', '/v1/apps/demo/channels/room/messages', { from: 'system', message: 'maintenance at noon' });
    expect(sent.status).to.equal(200);
    expect(await event(alice.client, EventKind.ChannelMsg)).to.deep.equal(['room', 'system', '0', 'maintenance at noon', String(sent.json.serverMsgId)]);
    const bad = await fx.http('POST', `/v1/apps/demo/channels/${'c'.repeat(200)}/messages`, { from: 'system', message: 'x' });
    expect(bad.status).to.equal(400);
    expect(bad.json.error.code).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    expect((await fx.http('POST', '/v1/apps/demo/channels/room/messages', { message: 'x' })).status).to.equal(400);
  });

  it('answers the online status of many accounts at once', async () => {
    await fx.loggedIn('demo', 'alice');
    await fx.loggedIn('demo', 'bob');
    await fx.loggedIn('other', 'carol');
    const answer = await fx.http('POST', '/v1/apps/demo/online', { accounts: ['alice', 'bob', 'carol', 'dave'] });
    expect(answer.status).to.equal(200);
    expect(answer.json.online).to.deep.equal({ alice: true, bob: true, carol: false, dave: false });
    expect((await fx.http('POST', '/v1/apps/demo/online', { accounts: 'alice' })).status).to.equal(400);
    expect((await fx.http('POST', '/v1/apps/demo/online', { accounts: [''] })).status).to.equal(400);
    const tooMany = await fx.http('POST', '/v1/apps/demo/online', { accounts: Array.from({ length: 1001 }, (_, i) => `u${i}`) });
    expect(tooMany.status).to.equal(400);
    expect(tooMany.json.error.reason).to.match(/at most 1000/);
  });

  it('reads a channel: members, count and attributes; sets, deletes and clears attributes as members see them', async () => {
    const alice = await fx.loggedIn('demo', 'alice');
    const bob = await fx.loggedIn('demo', 'bob');
    await join(alice.client, 'room');
    await join(bob.client, 'room');
    expect(await event(alice.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'bob', String(bob.uid)]);

    const set = await fx.http('PUT', '/v1/apps/demo/channels/room/attributes/topic', { value: 'launch' });
    expect(set.status).to.equal(200);
    expect(await event(alice.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', 'launch', 'update']);
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', 'launch', 'update']);
    await fx.http('PUT', '/v1/apps/demo/channels/room/attributes/mood', { value: 'calm' });
    await event(alice.client, EventKind.ChannelAttr);
    await event(bob.client, EventKind.ChannelAttr);

    const info = await fx.http('GET', '/v1/apps/demo/channels/room');
    expect(info.status).to.equal(200);
    expect(info.json).to.deep.equal({
      channel: 'room',
      count: 2,
      members: [{ account: 'alice', uid: alice.uid }, { account: 'bob', uid: bob.uid }],
      attributes: { topic: 'launch', mood: 'calm' },
    });
    expect((await fx.http('GET', '/v1/apps/demo/channels/room?limit=1')).json.members).to.deep.equal([{ account: 'bob', uid: bob.uid }]);
    expect((await fx.http('GET', '/v1/apps/demo/channels/room?limit=x')).status).to.equal(400);

    expect((await fx.http('DELETE', '/v1/apps/demo/channels/room/attributes/topic')).status).to.equal(200);
    expect(await event(alice.client, EventKind.ChannelAttr)).to.deep.equal(['room', 'topic', '', 'del']);
    expect((await fx.http('GET', '/v1/apps/demo/channels/room')).json.attributes).to.deep.equal({ mood: 'calm' });
    expect((await fx.http('DELETE', '/v1/apps/demo/channels/room/attributes')).status).to.equal(200);
    expect(await event(alice.client, EventKind.ChannelAttr)).to.deep.equal(['room', '', '', 'clear']);
    expect((await fx.http('GET', '/v1/apps/demo/channels/room')).json.attributes).to.deep.equal({});

    expect((await fx.http('PUT', '/v1/apps/demo/channels/room/attributes/topic', {})).status).to.equal(400);
    expect((await fx.http('PUT', '/v1/apps/demo/channels/room/attributes/_channel_ttl', { value: 'soon' })).status).to.equal(400);
    expect((await fx.http('PUT', `/v1/apps/demo/channels/room/attributes/${'n'.repeat(300)}`, { value: 'v' })).json.error.code).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    expect((await fx.http('POST', '/v1/apps/demo/channels/room/attributes/topic', { value: 'v' })).status).to.equal(405);
    const empty = await fx.http('GET', '/v1/apps/demo/channels/nobody-here');
    expect(empty.json).to.deep.equal({ channel: 'nobody-here', count: 0, members: [], attributes: {} });
  });

  it('reads and writes user attributes, which the SDK reads back', async () => {
    const alice = await fx.loggedIn('demo', 'alice');
    expect((await fx.http('PUT', '/v1/apps/demo/users/alice/attributes/plan', { value: 'gold' })).status).to.equal(200);
    expect((await fx.http('PUT', '/v1/apps/demo/users/alice/attributes/city', { value: 'Oslo' })).status).to.equal(200);
    expect(await ok(alice.client, Op.UserGetAttr, ['alice', 'plan'])).to.deep.equal(['alice', 'plan', 'gold']);
    expect((await fx.http('GET', '/v1/apps/demo/users/alice/attributes')).json).to.deep.equal({ account: 'alice', attributes: { plan: 'gold', city: 'Oslo' } });
    expect((await fx.http('DELETE', '/v1/apps/demo/users/alice/attributes/plan')).status).to.equal(200);
    expect((await fx.http('GET', '/v1/apps/demo/users/alice/attributes')).json.attributes).to.deep.equal({ city: 'Oslo' });
    // An offline account's attributes are kept and readable too.
    expect((await fx.http('PUT', '/v1/apps/demo/users/zed/attributes/a', { value: 'b' })).status).to.equal(200);
    expect((await fx.http('GET', '/v1/apps/demo/users/zed/attributes')).json.attributes).to.deep.equal({ a: 'b' });
    expect((await fx.http('PUT', '/v1/apps/demo/users/alice/attributes/x', { value: 1 })).status).to.equal(400);
    expect((await fx.http('GET', `/v1/apps/demo/users/${'a'.repeat(200)}/attributes`)).status).to.equal(400);
  });

  it('ends a session with the code given: the client is told LOGGED_OUT(code) and the account is offline', async () => {
    const bob = await fx.loggedIn('demo', 'bob');
    const ended = await fx.http('DELETE', '/v1/apps/demo/users/bob/session', { code: AGORA_E_CODE.LOGOUT_E_KICKED, reason: 'banned for spam' });
    expect(ended.status).to.equal(200);
    expect(ended.json).to.deep.equal({ ended: true });
    const out = await bob.client.expect(FrameType.LoggedOut);
    expect(out.code).to.equal(AGORA_E_CODE.LOGOUT_E_KICKED);
    expect(utf8Decode(out.text)).to.equal('banned for spam');
    expect((await fx.http('POST', '/v1/apps/demo/online', { accounts: ['bob'] })).json.online).to.deep.equal({ bob: false });
    const again = await fx.http('DELETE', '/v1/apps/demo/users/bob/session');
    expect(again.status).to.equal(404);
    expect(again.json.error.reason).to.equal('bob is offline');
    expect((await fx.http('DELETE', '/v1/apps/demo/users/bob/session', { code: 42 })).status).to.equal(400);
  });

  it('mints a SignalingToken that logs in to an App ID with a certificate', async () => {
    const minted = await fx.http('POST', '/v1/apps/locked/tokens', { account: 'alice', validSeconds: 600 });
    expect(minted.status).to.equal(200);
    const now = Math.floor(Date.now() / 1000);
    expect(minted.json.expiredTs).to.be.within(now + 598, now + 601);
    const client = await fx.tcp();
    await client.login('locked', 'alice', minted.json.token);
    const fixed = await fx.http('POST', '/v1/apps/locked/tokens', { account: 'bob', expiredTs: 1446455471 });
    expect(fixed.json.token).to.match(/^1:locked:1446455471:[0-9a-f]{32}$/);
    expect((await fx.http('POST', '/v1/apps/open/tokens', { account: 'alice' })).status).to.equal(409);
    expect((await fx.http('POST', '/v1/apps/locked/tokens', {})).status).to.equal(400);
    expect((await fx.http('POST', '/v1/apps/locked/tokens', { account: 'a', validSeconds: 0 })).status).to.equal(400);
    expect((await fx.http('POST', '/v1/apps/locked/tokens', { account: 'a', validSeconds: 5, expiredTs: 5 })).status).to.equal(400);
  });

  it('lists App IDs with their load in this process', async () => {
    await fx.loggedIn('demo', 'alice');
    await fx.loggedIn('demo', 'bob');
    const carol = await fx.loggedIn('open', 'carol');
    await join(carol.client, 'lobby');
    const listed = await fx.http('GET', '/v1/apps');
    expect(listed.status).to.equal(200);
    expect(listed.json.acceptAnyAppId).to.equal(true);
    expect(listed.json.apps).to.deep.equal([
      { appId: 'locked', configured: true, certificate: true, sessions: 0, channels: 0, invitations: 0 },
      { appId: 'open', configured: true, certificate: false, sessions: 1, channels: 1, invitations: 0 },
      { appId: 'demo', configured: false, certificate: false, sessions: 2, channels: 0, invitations: 0 },
    ]);
    await quiet(carol.client, 50);
  });

  it('answers 409 with the SDK code when a rule refuses: a channel over its message rate', async () => {
    await fx.stop();
    await fx.startWithAdmin({ channelMessagesPerSecond: 1 });
    const alice = await fx.loggedIn('demo', 'alice');
    await join(alice.client, 'room');
    // Both in one rate window.
    await startOfSecond();
    const first = await fx.http('POST', '/v1/apps/demo/channels/room/messages', { from: 'system', message: 'one' });
    const second = await fx.http('POST', '/v1/apps/demo/channels/room/messages', { from: 'system', message: 'two' });
    expect(first.status).to.equal(200);
    expect(second.status).to.equal(409);
    expect(second.json.error.code).to.equal(AGORA_E_CODE.GENERAL_E_FAILED);
    expect(second.json.error.reason).to.match(/rate limit/);
    expect(await event(alice.client, EventKind.ChannelMsg)).to.include('one');
    await quiet(alice.client, 100);
  });

  it('ends a session of another node through the cluster hook', async () => {
    await fx.stop();
    const asked: unknown[][] = [];
    await fx.startWithAdmin({}, { endRemoteSession: (appId, account, code, reason) => (asked.push([appId, account, code, reason]), account === 'remote') });
    const ended = await fx.http('DELETE', '/v1/apps/demo/users/remote/session', { code: 105, reason: 'token revoked' });
    expect(ended.status).to.equal(200);
    expect(asked).to.deep.equal([['demo', 'remote', 105, 'token revoked']]);
    expect((await fx.http('DELETE', '/v1/apps/demo/users/nobody/session')).status).to.equal(404);
  });

  it('refuses an App ID the server does not serve', async () => {
    await fx.stop();
    await fx.startWithAdmin({ apps: { acceptAnyAppId: false, apps: [{ appId: 'only' }] } });
    const answer = await fx.http('POST', '/v1/apps/other/online', { accounts: ['a'] });
    expect(answer.status).to.equal(404);
    expect(answer.json.error.reason).to.equal('unknown App ID other');
    expect((await fx.http('POST', '/v1/apps/only/online', { accounts: ['a'] })).status).to.equal(200);
  });
});
