import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, SuiteServer, indexOfEvent, joinOk, loginOk, newClient, sleep, startServer, uidOf } from './harness';
import { TcpProxy } from './tcp-proxy';

// Channels as an application sees them through the addon: the join sequence, members coming and
// going, channel messages with their limits, leaving in every way, queries, special channels.
describe('04 e2e: channels through the addon', function () {
  this.timeout(120000);
  const suite = new SuiteServer();
  const clients = suite.clients;
  const user = (account: string, port?: number): Promise<Client> => suite.user(account, port);

  it('join gives onChannelJoined, then the user list (joiner included), then each attribute; members hear onChannelUserJoined', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    alice.api.channelSetAttr('order-room', 'topic', 'news');
    await sleep(100);
    await joinOk(alice, 'order-room');
    await alice.rec.waitFor('onChannelAttrUpdated');
    const joined = indexOfEvent(alice.rec, 'onChannelJoined');
    const list = indexOfEvent(alice.rec, 'onChannelUserList');
    const attr = indexOfEvent(alice.rec, 'onChannelAttrUpdated');
    expect(joined).to.be.lessThan(list);
    expect(list).to.be.lessThan(attr);
    expect(alice.rec.events[joined].args).to.deep.equal(['order-room']);
    expect(alice.rec.events[list].args).to.deep.equal([1, ['alice'], [uidOf(alice)]]);
    expect(alice.rec.events[attr].args).to.deep.equal(['order-room', 'topic', 'news', 'update']);

    await joinOk(bob, 'order-room');
    const bobList = await bob.rec.waitFor('onChannelUserList');
    expect(bobList.args).to.deep.equal([2, ['alice', 'bob'], [uidOf(alice), uidOf(bob)]]);
    const seen = await alice.rec.waitFor('onChannelUserJoined');
    expect(seen.args).to.deep.equal(['bob', uidOf(bob)]);
    expect(alice.rec.count('onChannelJoined')).to.equal(1);
    expect(alice.rec.count('onError')).to.equal(0);
  });

  it('a channel message reaches every member, the sender included, in one order; the sender gets onMessageSendSuccess', async () => {
    const members = [await user('m1'), await user('m2'), await user('m3')];
    for (const m of members) await joinOk(m, 'talk');
    const n = 20;
    for (let i = 0; i < n; i++) {
      members[0].api.messageChannelSend('talk', `m1-${i} ✓`, `a${i}`);
      members[1].api.messageChannelSend('talk', `m2-${i}`, `b${i}`);
    }
    for (const m of members) await m.rec.waitForCount('onMessageChannelReceive', 2 * n);
    const order = (c: Client) => c.rec.named('onMessageChannelReceive').map((e) => `${e.args[1]}:${e.args[3]}`);
    expect(order(members[1])).to.deep.equal(order(members[0]));
    expect(order(members[2])).to.deep.equal(order(members[0]));
    const first = members[2].rec.named('onMessageChannelReceive').find((e) => e.args[1] === 'm1')!;
    expect(first.args).to.deep.equal(['talk', 'm1', uidOf(members[0]), 'm1-0 ✓']);
    await members[0].rec.waitForCount('onMessageSendSuccess', n);
    expect(members[0].rec.named('onMessageSendSuccess').map((e) => e.args[0])).to.deep.equal(Array.from({ length: n }, (_, i) => `a${i}`));
  });

  it('a non-member cannot send (onMessageSendError), but messageChannelSendForce can', async () => {
    const member = await user('member');
    const outsider = await user('outsider');
    await joinOk(member, 'closed');
    outsider.api.messageChannelSend('closed', 'let me in', 'no');
    const err = await outsider.rec.waitFor('onMessageSendError');
    expect(err.args).to.deep.equal(['no', AGORA_E_CODE.SENDMESSAGE_E_OTHER]);
    const onError = await outsider.rec.waitFor('onError');
    expect(onError.args[0]).to.equal('messageChannelSend');
    expect(onError.args[2]).to.contain('not a member');
    outsider.api.messageChannelSendForce('closed', 'forced', 'yes');
    await outsider.rec.waitFor('onMessageSendSuccess', (a) => a[0] === 'yes');
    const got = await member.rec.waitFor('onMessageChannelReceive');
    expect(got.args).to.deep.equal(['closed', 'outsider', uidOf(outsider), 'forced']);
    expect(member.rec.count('onMessageChannelReceive')).to.equal(1);
  });

  it('refuses bad channel names: empty 1004 and over 128 bytes 1005 locally, reserved 300 from the server', async () => {
    const c = await user('namer');
    c.api.channelJoin('');
    c.api.channelJoin('x'.repeat(129));
    c.api.channelJoin('__agora_reserved');
    await c.rec.waitForCount('onChannelJoinFailed', 3);
    expect(c.rec.named('onChannelJoinFailed').map((e) => e.args)).to.deep.equal([
      ['', AGORA_E_CODE.GENERAL_E_WRONG_PARAM],
      ['x'.repeat(129), AGORA_E_CODE.GENERAL_E_LARGE_PARAM],
      ['__agora_reserved', AGORA_E_CODE.JOINCHANNEL_E_OTHER],
    ]);
    await c.rec.waitForCount('onError', 3);
    expect(c.rec.named('onError').map((e) => [e.args[0], e.args[1]])).to.deep.equal([
      ['channelJoin', 1004],
      ['channelJoin', 1005],
      ['channelJoin', 300],
    ]);
    expect(c.rec.named('onError')[2].args[2]).to.contain('reserved');
    // A 128-byte name is fine.
    await joinOk(c, 'y'.repeat(128));
    // Messages over 8 KiB never leave.
    c.api.messageChannelSend('y'.repeat(128), 'z'.repeat(8193), 'big');
    const big = await c.rec.waitFor('onMessageSendError');
    expect(big.args).to.deep.equal(['big', AGORA_E_CODE.GENERAL_E_LARGE_PARAM]);
    c.api.messageChannelSend('y'.repeat(128), 'z'.repeat(8192), 'max');
    await c.rec.waitFor('onMessageSendSuccess', (a) => a[0] === 'max');
  });

  it('channelLeave gives onChannelLeaved(602) here and onChannelUserLeaved at the others', async () => {
    const alice = await user('leaver');
    const bob = await user('stayer');
    await joinOk(alice, 'exit');
    await joinOk(bob, 'exit');
    alice.api.channelLeave('exit');
    const left = await alice.rec.waitFor('onChannelLeaved');
    expect(left.args).to.deep.equal(['exit', AGORA_E_CODE.LEAVECHANNEL_E_BYUSER]);
    const seen = await bob.rec.waitFor('onChannelUserLeaved');
    expect(seen.args).to.deep.equal(['leaver', uidOf(alice)]);
    // Leaving again: not a member.
    alice.api.channelLeave('exit');
    const err = await alice.rec.waitFor('onError');
    expect(err.args[0]).to.equal('channelLeave');
    expect(alice.rec.count('onChannelLeaved')).to.equal(1);
  });

  it('joining another channel leaves the current one first (602), one channel at a time', async () => {
    const alice = await user('switcher');
    const bob = await user('watcher');
    await joinOk(bob, 'first');
    await joinOk(alice, 'first');
    await joinOk(alice, 'second');
    const left = indexOfEvent(alice.rec, 'onChannelLeaved');
    const joinedSecond = indexOfEvent(alice.rec, 'onChannelJoined', (a) => a[0] === 'second');
    expect(left).to.be.greaterThan(-1);
    expect(left).to.be.lessThan(joinedSecond);
    expect(alice.rec.events[left].args).to.deep.equal(['first', 602]);
    await bob.rec.waitFor('onChannelUserLeaved', (a) => a[0] === 'switcher');
    bob.api.channelQueryUserIsIn('first', 'switcher');
    bob.api.channelQueryUserIsIn('second', 'switcher');
    await bob.rec.waitForCount('onChannelQueryUserIsIn', 2);
    expect(bob.rec.named('onChannelQueryUserIsIn').map((e) => e.args)).to.deep.equal([
      ['first', 'switcher', 0],
      ['second', 'switcher', 1],
    ]);
  });

  it('answers channelQueryUserNum and channelQueryUserIsIn', async () => {
    const a = await user('qa');
    const b = await user('qb');
    await joinOk(a, 'counted');
    await joinOk(b, 'counted');
    a.api.channelQueryUserNum('counted');
    a.api.channelQueryUserNum('nobody-here');
    await a.rec.waitForCount('onChannelQueryUserNumResult', 2);
    expect(a.rec.named('onChannelQueryUserNumResult').map((e) => e.args)).to.deep.equal([
      ['counted', 0, 2],
      ['nobody-here', 0, 0],
    ]);
    a.api.channelQueryUserIsIn('counted', 'qb');
    a.api.channelQueryUserIsIn('counted', 'nobody');
    await a.rec.waitForCount('onChannelQueryUserIsIn', 2);
    expect(a.rec.named('onChannelQueryUserIsIn').map((e) => e.args)).to.deep.equal([
      ['counted', 'qb', 1],
      ['counted', 'nobody', 0],
    ]);
  });

  it('logout leaves with 603 before onLogout(101); the others see the user leave', async () => {
    const alice = await user('goer');
    const bob = await user('seer');
    await joinOk(alice, 'bye');
    await joinOk(bob, 'bye');
    alice.api.logout();
    await alice.rec.waitFor('onLogout');
    const left = indexOfEvent(alice.rec, 'onChannelLeaved');
    expect(alice.rec.events[left].args).to.deep.equal(['bye', AGORA_E_CODE.LEAVECHANNEL_E_LOGOUT]);
    expect(left).to.be.lessThan(indexOfEvent(alice.rec, 'onLogout'));
    expect(alice.rec.named('onLogout')[0].args).to.deep.equal([101]);
    const seen = await bob.rec.waitFor('onChannelUserLeaved');
    expect(seen.args).to.deep.equal(['goer', uidOf(alice)]);
  });

  it('a login elsewhere kicks the session: onChannelLeaved(601), onLogout(103); the others see it leave', async () => {
    const alice = await user('kicked');
    const bob = await user('bystander');
    await joinOk(alice, 'kick-room');
    await joinOk(bob, 'kick-room');
    await user('kicked');
    await alice.rec.waitFor('onLogout');
    expect(alice.rec.named('onLogout')[0].args).to.deep.equal([AGORA_E_CODE.LOGOUT_E_KICKED]);
    expect(alice.rec.named('onChannelLeaved').map((e) => e.args)).to.deep.equal([['kick-room', AGORA_E_CODE.LEAVECHANNEL_E_KICKED]]);
    const seen = await bob.rec.waitFor('onChannelUserLeaved');
    expect(seen.args).to.deep.equal(['kicked', uidOf(alice)]);
  });

  it('a resumed session keeps its membership silently', async () => {
    const proxy = new TcpProxy(suite.server.tcpPort);
    await proxy.listen();
    try {
      const alice = await user('resumer', proxy.port);
      const bob = await user('resume-peer');
      await joinOk(alice, 'keep');
      await joinOk(bob, 'keep');
      proxy.cut(300);
      await alice.rec.waitFor('onReconnecting');
      bob.api.messageChannelSend('keep', 'while away', '');
      await alice.rec.waitFor('onReconnected', () => true, 20000);
      const got = await alice.rec.waitFor('onMessageChannelReceive');
      expect(got.args[3]).to.equal('while away');
      await sleep(200);
      expect(alice.rec.count('onChannelLeaved')).to.equal(0);
      expect(alice.rec.count('onChannelJoined')).to.equal(1);
      expect(bob.rec.count('onChannelUserLeaved')).to.equal(0);
      bob.api.channelQueryUserIsIn('keep', 'resumer');
      expect((await bob.rec.waitFor('onChannelQueryUserIsIn')).args[2]).to.equal(1);
    } finally {
      await proxy.close();
    }
  });

  it('a session that does not come back within the resume window leaves with 604 (the others see it leave)', async () => {
    const short = await startServer({ resumeWindowMs: 200 });
    const proxy = new TcpProxy(short.tcpPort);
    await proxy.listen();
    try {
      const alice = newClient(proxy.port);
      const bob = newClient(short.tcpPort);
      clients.push(alice, bob);
      await loginOk(alice, 'demo', 'late');
      await loginOk(bob, 'demo', 'early');
      await joinOk(alice, 'window');
      await joinOk(bob, 'window');
      proxy.cut(1000);
      const seen = await bob.rec.waitFor('onChannelUserLeaved');
      expect(seen.args).to.deep.equal(['late', uidOf(alice)]);
      const left = await alice.rec.waitFor('onChannelLeaved', () => true, 20000);
      expect(left.args).to.deep.equal(['window', AGORA_E_CODE.LEAVECHANNEL_E_DISCONN]);
      await alice.rec.waitFor('onReconnected', () => true, 20000);
      expect(alice.api.getStatus()).to.equal(2);
    } finally {
      await proxy.close();
      await short.server.close();
    }
  });

  it('limits channel messages per user (60/s) and per channel (_sendmsg_limit), naming the limit in onError', async () => {
    const fast = await user('fast');
    await joinOk(fast, 'flood');
    const sent = 130;
    for (let i = 0; i < sent; i++) fast.api.messageChannelSend('flood', `m${i}`, `f${i}`);
    await fast.rec.waitForCount('onMessageChannelReceive', 1, 10000);
    const settled = () => fast.rec.count('onMessageSendSuccess') + fast.rec.count('onMessageSendError');
    while (settled() < sent) await sleep(20);
    const refused = fast.rec.named('onMessageSendError');
    expect(refused.length).to.be.greaterThan(0);
    expect(refused[0].args[1]).to.equal(AGORA_E_CODE.GENERAL_E_FAILED);
    expect(fast.rec.named('onError')[0].args[2]).to.contain('at most 60 channel messages a second');
    await sleep(100);
    expect(fast.rec.count('onMessageChannelReceive')).to.equal(fast.rec.count('onMessageSendSuccess'));

    const a = await user('slow-a');
    const b = await user('slow-b');
    await joinOk(a, 'narrow');
    await joinOk(b, 'narrow');
    a.api.channelSetAttr('narrow', '_sendmsg_limit', '5');
    await b.rec.waitFor('onChannelAttrUpdated', (args) => args[1] === '_sendmsg_limit');
    for (let i = 0; i < 10; i++) {
      a.api.messageChannelSend('narrow', `a${i}`, `a${i}`);
      b.api.messageChannelSend('narrow', `b${i}`, `b${i}`);
    }
    const done = (c: Client) => c.rec.count('onMessageSendSuccess') + c.rec.count('onMessageSendError') >= 10;
    while (!done(a) || !done(b)) await sleep(20);
    const errors = [...a.rec.named('onError'), ...b.rec.named('onError')];
    expect(errors.length).to.be.greaterThan(0);
    expect(errors[0].args[2]).to.contain('_sendmsg_limit');
    const delivered = a.rec.count('onMessageSendSuccess') + b.rec.count('onMessageSendSuccess');
    expect(delivered).to.be.at.most(10);
  });

  it('__agora_user_online members hear logins and logouts; __agora_channel_event members hear joins and leaves', async () => {
    const watcher = await user('online-watcher');
    await joinOk(watcher, '__agora_user_online');
    const events = await user('event-watcher');
    await joinOk(events, '__agora_channel_event');
    const carol = await user('carol');
    const login = await watcher.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'carol');
    expect(login.args[0]).to.equal('__agora_user_online');
    expect(JSON.parse(login.args[3] as string)).to.include({ event: 'login', account: 'carol', uid: uidOf(carol) });
    await joinOk(carol, 'watched');
    const join = await events.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'carol');
    expect(JSON.parse(join.args[3] as string)).to.include({ event: 'join', channel: 'watched', account: 'carol' });
    carol.api.logout();
    const leave = await events.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'carol' && (a[3] as string).includes('leave'));
    expect(JSON.parse(leave.args[3] as string)).to.include({ event: 'leave', channel: 'watched', account: 'carol' });
    const logout = await watcher.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'carol' && (a[3] as string).includes('logout'));
    expect(JSON.parse(logout.args[3] as string)).to.include({ event: 'logout', account: 'carol' });
  });

  it('fans a channel message out to 300 members', async () => {
    const n = 300;
    const members: Client[] = [];
    for (let i = 0; i < n; i++) {
      const c = newClient(suite.server.tcpPort);
      clients.push(c);
      c.api.login('demo', `fan-${i}`, '_no_need_token', 0, '');
      members.push(c);
    }
    for (const c of members) await c.rec.waitFor('onLoginSuccess', () => true, 30000);
    for (const c of members) c.api.channelJoin('stadium');
    for (const c of members) await c.rec.waitFor('onChannelJoined', () => true, 30000);
    // Each joiner's list is the most recent 200 members with itself last. The joins are sent one
    // after another but, on two nodes, need not be taken in that order; so the longest list is 200
    // long, and no list is longer.
    const lists = members.map((c) => c.rec.named('onChannelUserList')[0]);
    expect(Math.max(...lists.map((l) => l.args[0] as number))).to.equal(200);
    lists.forEach((l, i) => {
      expect((l.args[1] as string[]).length).to.equal(l.args[0]);
      expect((l.args[1] as string[]).at(-1)).to.equal(`fan-${i}`);
    });
    const messages = 10;
    const started = process.hrtime.bigint();
    for (let i = 0; i < messages; i++) members[0].api.messageChannelSend('stadium', `cheer ${i}`, '');
    await Promise.all(members.map((c) => c.rec.waitForCount('onMessageChannelReceive', messages, 60000)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const c of members.slice(0, 5)) {
      expect(c.rec.named('onMessageChannelReceive').map((e) => e.args[3])).to.deep.equal(Array.from({ length: messages }, (_, i) => `cheer ${i}`));
    }
    console.log(`      ${((n * messages) / seconds).toFixed(0)} deliveries/s (${n * messages} to ${n} members in ${seconds.toFixed(3)} s)`);
  });
});
