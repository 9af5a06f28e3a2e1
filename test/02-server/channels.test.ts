import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { call, event, join, ok, quiet, result, say, sleep, startOfSecond } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-channels';

describe('02-server: channels', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ resumeWindowMs: 300 }));
  afterEach(() => fixture.stop());

  it('answers a join with CHANNEL_JOINED, CHANNEL_USER_LIST (joiner included), then RESULT; others get CHANNEL_USER_JOINED', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    expect((await join(alice.client, 'lobby')).users).to.deep.equal(['alice', String(alice.uid)]);
    const reqId = bob.client.request(Op.ChannelJoin, ['lobby']);
    expect(await event(bob.client, EventKind.ChannelJoined)).to.deep.equal(['lobby']);
    expect(await event(bob.client, EventKind.ChannelUserList)).to.deep.equal(['lobby', '2', 'alice', String(alice.uid), 'bob', String(bob.uid)]);
    expect(await result(bob.client)).to.deep.include({ reqId, code: 0, values: [] });
    expect(await event(alice.client, EventKind.ChannelUserJoined)).to.deep.equal(['lobby', 'bob', String(bob.uid)]);
    // A repeated join repeats the joiner's sequence and tells nobody.
    expect((await join(bob.client, 'lobby')).users).to.deep.equal(['alice', String(alice.uid), 'bob', String(bob.uid)]);
    await quiet(alice.client);
  });

  it('sends the joiner the current attributes, one CHANNEL_ATTR "update" each, after the user list', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await ok(alice.client, Op.ChannelSetAttr, ['room', 'topic', 'weather']);
    await ok(alice.client, Op.ChannelSetAttr, ['room', 'mood', '☀']);
    await quiet(alice.client, 20); // not a member: hears no update
    const { attrs } = await join(bob.client, 'room', 2);
    expect(attrs).to.deep.equal([
      ['room', 'topic', 'weather', 'update'],
      ['room', 'mood', '☀', 'update'],
    ]);
  });

  it('lists the most recent 200 members, oldest first, the joiner last', async function () {
    this.timeout(30000);
    const clients = [];
    for (let i = 0; i < 205; i++) {
      const c = await fixture.loggedIn(APP, `user${i}`);
      c.client.autoAck = true;
      clients.push(c);
    }
    // One join after another: the order of joins is the order their answers came in (clients
    // joining at the same moment on two nodes of a cluster have no order between them).
    for (let i = 0; i < 204; i++) {
      clients[i].client.request(Op.ChannelJoin, ['big']);
      // Each member's own sequence ends with its RESULT.
      for (;;) {
        const f = await clients[i].client.next();
        if (f.type === FrameType.Result) break;
      }
    }
    const last = clients[204];
    const { users } = await join(last.client, 'big');
    expect(users.length).to.equal(400);
    expect(users[0]).to.equal('user5');
    expect(users[398]).to.equal('user204');
    expect(users[399]).to.equal(String(last.uid));
    await ok(last.client, Op.ChannelQueryNum, ['big']);
  });

  it('joining another channel leaves the current one first (CHANNEL_LEFT 602), the others see the leave', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(alice.client, 'one');
    await join(bob.client, 'one');
    await event(alice.client, EventKind.ChannelUserJoined);
    const reqId = bob.client.request(Op.ChannelJoin, ['two']);
    expect(await event(bob.client, EventKind.ChannelLeft)).to.deep.equal(['one', '602']);
    expect(await event(bob.client, EventKind.ChannelJoined)).to.deep.equal(['two']);
    expect(await event(bob.client, EventKind.ChannelUserList)).to.deep.equal(['two', '1', 'bob', String(bob.uid)]);
    expect((await result(bob.client)).reqId).to.equal(reqId);
    expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['one', 'bob', String(bob.uid)]);
    expect(await ok(alice.client, Op.ChannelQueryIsIn, ['one', 'bob'])).to.deep.equal(['one', 'bob', '0']);
    expect(await ok(alice.client, Op.ChannelQueryIsIn, ['two', 'bob'])).to.deep.equal(['two', 'bob', '1']);
    expect(await ok(alice.client, Op.ChannelQueryNum, ['one'])).to.deep.equal(['one', '1']);
  });

  it('CHANNEL_LEAVE: CHANNEL_LEFT 602 to the leaver, CHANNEL_USER_LEFT to the others; 600 when not a member', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(alice.client, 'lobby');
    await join(bob.client, 'lobby');
    await event(alice.client, EventKind.ChannelUserJoined);
    const reqId = bob.client.request(Op.ChannelLeave, ['lobby']);
    expect(await event(bob.client, EventKind.ChannelLeft)).to.deep.equal(['lobby', '602']);
    expect(await result(bob.client)).to.deep.include({ reqId, code: 0 });
    expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['lobby', 'bob', String(bob.uid)]);
    const again = await call(bob.client, Op.ChannelLeave, ['lobby']);
    expect(again.code).to.equal(600);
    expect(utf8Decode(again.text)).to.equal('not a member of channel lobby');
    expect((await call(bob.client, Op.ChannelLeave, [])).code).to.equal(1004);
  });

  it('a logout, an expired resume window and a kick each make the member leave for the others', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await join(alice.client, 'lobby');

    const bob = await fixture.loggedIn(APP, 'bob');
    await join(bob.client, 'lobby');
    await event(alice.client, EventKind.ChannelUserJoined);
    bob.client.send({ type: FrameType.Logout });
    expect((await bob.client.expect(FrameType.LoggedOut)).code).to.equal(101);
    expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['lobby', 'bob', String(bob.uid)]);

    const carol = await fixture.loggedIn(APP, 'carol');
    await join(carol.client, 'lobby');
    await event(alice.client, EventKind.ChannelUserJoined);
    carol.client.destroy();
    await quiet(alice.client, 150); // still a member during the window
    expect(await event(alice.client, EventKind.ChannelUserLeft, 1000)).to.deep.equal(['lobby', 'carol', String(carol.uid)]);

    const dave = await fixture.loggedIn(APP, 'dave');
    await join(dave.client, 'lobby');
    await event(alice.client, EventKind.ChannelUserJoined);
    const dave2 = await fixture.loggedIn(APP, 'dave');
    expect((await dave.client.expect(FrameType.LoggedOut)).code).to.equal(103);
    expect(await event(alice.client, EventKind.ChannelUserLeft)).to.deep.equal(['lobby', 'dave', String(dave.uid)]);
    expect(await ok(alice.client, Op.ChannelQueryIsIn, ['lobby', 'dave'])).to.deep.equal(['lobby', 'dave', '0']);
    expect(await ok(dave2.client, Op.ChannelQueryNum, ['lobby'])).to.deep.equal(['lobby', '1']);
  });

  it('a resumed session keeps its membership silently and gets the channel events of the gap exactly once', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(alice.client, 'lobby');
    await join(bob.client, 'lobby'); // bob: seq 1..3
    await event(alice.client, EventKind.ChannelUserJoined);
    bob.client.destroy();
    await sleep(50);
    const sent = [await say(alice.client, 'lobby', 'while away')];
    const bob2 = await fixture.tcp();
    await bob2.hello();
    bob2.send({ type: FrameType.Resume, sessionId: utf8Encode(bob.sessionId), lastSeq: 3 });
    expect((await bob2.expect(FrameType.ResumeOk)).lastReqId).to.equal(1);
    const replayed = await bob2.expect(FrameType.Event);
    expect(replayed.seq).to.equal(4);
    expect(replayed.kind).to.equal(EventKind.ChannelMsg);
    expect(replayed.fields.map(utf8Decode)).to.deep.equal(['lobby', 'alice', String(alice.uid), 'while away', sent[0]]);
    await quiet(bob2);
    await quiet(alice.client);
    bob2.sendRequest(2, Op.MsgChannel, ['lobby', 'back']);
    expect((await bob2.expect(FrameType.Event)).seq).to.equal(5);
    expect(await result(bob2)).to.deep.include({ reqId: 2, code: 0, seq: 6 });
    expect((await event(alice.client, EventKind.ChannelMsg))[3]).to.equal('back');
  });

  it('delivers channel messages to every member, the sender included, in one order', async () => {
    const members = [await fixture.loggedIn(APP, 'alice'), await fixture.loggedIn(APP, 'bob'), await fixture.loggedIn(APP, 'carol')];
    for (const m of members) {
      m.client.autoAck = true;
      await join(m.client, 'talk');
    }
    await event(members[0].client, EventKind.ChannelUserJoined);
    await event(members[0].client, EventKind.ChannelUserJoined);
    await event(members[1].client, EventKind.ChannelUserJoined);
    for (let i = 0; i < 20; i++) for (const m of members) m.client.request(Op.MsgChannel, ['talk', `${m.uid}:${i}`]);
    const seen: string[][] = [];
    for (const m of members) {
      const order: string[] = [];
      let results = 0;
      while (order.length < 60 || results < 20) {
        const f = await m.client.next();
        if (f.type === FrameType.Result) {
          expect(f.code).to.equal(0);
          results++;
        } else if (f.type === FrameType.Event) {
          expect(f.kind).to.equal(EventKind.ChannelMsg);
          const [channel, account, uid, msg, serverMsgId] = f.fields.map(utf8Decode);
          expect(channel).to.equal('talk');
          expect(msg.startsWith(uid + ':')).to.equal(true);
          expect(account).to.equal(['alice', 'bob', 'carol'][members.findIndex((x) => String(x.uid) === uid)]);
          order.push(`${msg}#${serverMsgId}`);
        }
      }
      seen.push(order);
    }
    expect(seen[1]).to.deep.equal(seen[0]);
    expect(seen[2]).to.deep.equal(seen[0]);
    for (const m of members) expect(seen[0].filter((x) => x.startsWith(`${m.uid}:`)).map((x) => x.split('#')[0])).to.deep.equal([...Array(20).keys()].map((i) => `${m.uid}:${i}`));
  });

  it('answers MSG_CHANNEL from a non-member with 400; MSG_CHANNEL_FORCE reaches the members without membership', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(alice.client, 'lobby');
    const refused = await call(bob.client, Op.MsgChannel, ['lobby', 'hi']);
    expect(refused.code).to.equal(400);
    expect(utf8Decode(refused.text)).to.contain('not a member of channel lobby');
    const [serverMsgId] = await ok(bob.client, Op.MsgChannelForce, ['lobby', 'forced']);
    expect(await event(alice.client, EventKind.ChannelMsg)).to.deep.equal(['lobby', 'bob', String(bob.uid), 'forced', serverMsgId]);
    await quiet(bob.client);
    expect((await call(alice.client, Op.MsgChannel, ['lobby', new Uint8Array(8193)])).code).to.equal(1005);
    await say(alice.client, 'lobby', new Uint8Array(8192));
  });

  it('refuses bad channel names: empty or not visible 1004, over 128 bytes 1005, reserved __agora_ names 300', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const cases: [string | Uint8Array, number][] = [
      ['', 1004],
      ['a b', 1004],
      ['tab\there', 1004],
      [new Uint8Array([0xff, 0xfe]), 1004],
      ['x'.repeat(129), 1005],
      ['__agora_secret', 300],
    ];
    for (const [name, code] of cases) {
      const r = await call(alice.client, Op.ChannelJoin, [name]);
      expect(r.code, String(name)).to.equal(code);
      expect(utf8Decode(r.text)).to.not.equal('');
    }
    await join(alice.client, 'x'.repeat(128));
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(bob.client, '频道');

  });

  it('answers CHANNEL_QUERY_NUM and CHANNEL_QUERY_ISIN for any channel', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    expect(await ok(bob.client, Op.ChannelQueryNum, ['lobby'])).to.deep.equal(['lobby', '0']);
    await join(alice.client, 'lobby');
    expect(await ok(bob.client, Op.ChannelQueryNum, ['lobby'])).to.deep.equal(['lobby', '1']);
    expect(await ok(bob.client, Op.ChannelQueryIsIn, ['lobby', 'alice'])).to.deep.equal(['lobby', 'alice', '1']);
    expect(await ok(bob.client, Op.ChannelQueryIsIn, ['lobby', 'bob'])).to.deep.equal(['lobby', 'bob', '0']);
    expect((await call(bob.client, Op.ChannelQueryIsIn, ['lobby', ''])).code).to.equal(1004);
    expect((await call(bob.client, Op.ChannelQueryNum, [''])).code).to.equal(1004);
  });

  it('limits a user to 60 channel messages a second (1001, the limit named)', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.autoAck = true;
    await join(alice.client, 'lobby');
    await startOfSecond();
    for (let i = 0; i < 61; i++) alice.client.request(Op.MsgChannel, ['lobby', `m${i}`]);
    let delivered = 0;
    const refusals: string[] = [];
    for (let answered = 0; answered < 61; ) {
      const f = await alice.client.next();
      if (f.type === FrameType.Event) delivered++;
      else if (f.type === FrameType.Result) {
        answered++;
        if (f.code !== 0) {
          expect(f.code).to.equal(1001);
          refusals.push(utf8Decode(f.text));
        }
      }
    }
    expect(delivered).to.equal(60);
    expect(refusals).to.deep.equal(['rate limit: a user sends at most 60 channel messages a second']);
    await sleep(1000);
    await say(alice.client, 'lobby', 'next second');
  });

  it('limits a channel to 200 messages a second, or to its _sendmsg_limit', async () => {
    const users = [];
    for (let i = 0; i < 4; i++) {
      const u = await fixture.loggedIn(APP, `u${i}`);
      u.client.autoAck = true;
      users.push(u);
      await join(u.client, 'busy');
    }
    for (let i = 0; i < 4; i++) for (let k = i + 1; k < 4; k++) await event(users[i].client, EventKind.ChannelUserJoined);
    await startOfSecond();
    for (const u of users) for (let i = 0; i < 55; i++) u.client.request(Op.MsgChannel, ['busy', `m${i}`]);
    let accepted = 0;
    const texts = new Set<string>();
    for (const u of users) {
      for (let answered = 0; answered < 55; ) {
        const f = await u.client.next();
        if (f.type !== FrameType.Result) continue;
        answered++;
        if (f.code === 0) accepted++;
        else texts.add(utf8Decode(f.text));
      }
    }
    expect(accepted).to.equal(200);
    expect([...texts]).to.deep.equal(['rate limit: channel busy carries at most 200 messages a second']);

    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.ChannelSetAttr, ['slow', '_sendmsg_limit', '3']);
    await join(alice.client, 'slow', 1);
    await startOfSecond();
    for (let i = 0; i < 5; i++) alice.client.request(Op.MsgChannel, ['slow', `m${i}`]);
    const codes: number[] = [];
    let last = '';
    while (codes.length < 5) {
      const f = await alice.client.next();
      if (f.type === FrameType.Result) {
        codes.push(f.code);
        if (f.code !== 0) last = utf8Decode(f.text);
      }
    }
    expect(codes).to.deep.equal([0, 0, 0, 1001, 1001]);
    expect(last).to.equal('rate limit: channel slow carries at most 3 messages a second (_sendmsg_limit)');
  });

  it('tells __agora_user_online members every login and logout, __agora_channel_event members every join and leave', async () => {
    const watcher = await fixture.loggedIn(APP, 'watcher');
    await join(watcher.client, '__agora_user_online');
    const auditor = await fixture.loggedIn(APP, 'auditor');
    expect((await event(watcher.client, EventKind.ChannelMsg)).slice(0, 4)).to.deep.equal([
      '__agora_user_online', 'auditor', String(auditor.uid), JSON.stringify({ event: 'login', account: 'auditor', uid: auditor.uid }),
    ]);
    await join(auditor.client, '__agora_channel_event');

    const carol = await fixture.loggedIn(APP, 'carol');
    expect(JSON.parse((await event(watcher.client, EventKind.ChannelMsg))[3])).to.deep.equal({ event: 'login', account: 'carol', uid: carol.uid });
    await join(carol.client, 'lobby');
    expect((await event(auditor.client, EventKind.ChannelMsg)).slice(0, 4)).to.deep.equal([
      '__agora_channel_event', 'carol', String(carol.uid), JSON.stringify({ event: 'join', channel: 'lobby', account: 'carol', uid: carol.uid }),
    ]);
    carol.client.request(Op.ChannelLeave, ['lobby']);
    await event(carol.client, EventKind.ChannelLeft);
    expect((await result(carol.client)).code).to.equal(0);
    expect(JSON.parse((await event(auditor.client, EventKind.ChannelMsg))[3])).to.deep.equal({ event: 'leave', channel: 'lobby', account: 'carol', uid: carol.uid });
    carol.client.send({ type: FrameType.Logout });
    expect(JSON.parse((await event(watcher.client, EventKind.ChannelMsg))[3])).to.deep.equal({ event: 'logout', account: 'carol', uid: carol.uid, code: 101 });

    // Another App ID is not heard; special channels keep their attributes with no member.
    const other = await fixture.loggedIn('other-app', 'carol');
    await quiet(watcher.client);
    await ok(other.client, Op.ChannelSetAttr, ['__agora_user_online', '_channel_ttl', '0']);
    await ok(other.client, Op.ChannelSetAttr, ['__agora_user_online', 'kept', 'yes']);
    await sleep(50);
    const { attrs } = await join(other.client, '__agora_user_online', 2);
    expect(attrs.map((a) => a[1])).to.deep.equal(['_channel_ttl', 'kept']);
  });
});
