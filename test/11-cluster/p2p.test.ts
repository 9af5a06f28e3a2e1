import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { AdminApi } from '../../lib/server/ops/admin-api';
import { ClusterFixture } from '../support/cluster-fixture';

const APP = 'app-cluster-p2p';

for (const redisCluster of [false, true]) describe(`11-cluster: peer-to-peer messages and user status across two nodes over ${redisCluster ? 'a Redis Cluster' : 'one Redis'}`, function () {
  this.timeout(30000);
  const fixture = new ClusterFixture();
  beforeEach(() => fixture.start({ redisCluster }));
  afterEach(() => fixture.stop());

  it('delivers a message from a client of one node to a client of the other, and acks it', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    const reqId = alice.client.request(Op.MsgInstant, ['bob', '0', 'hello across', '']);
    const event = await bob.client.expect(FrameType.Event);
    expect(event.kind).to.equal(EventKind.InstantMsg);
    expect(utf8Decode(event.fields[0])).to.equal('alice');
    expect(utf8Decode(event.fields[1])).to.equal(String(alice.uid));
    expect(utf8Decode(event.fields[2])).to.equal('hello across');
    const result = await alice.client.expect(FrameType.Result);
    expect(result).to.deep.include({ reqId, code: 0 });
    expect(utf8Decode(result.values[0])).to.equal(utf8Decode(event.fields[3]));
  });

  it('keeps the order of 500 messages of one pair across nodes, in both directions', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    for (let i = 0; i < 500; i++) {
      alice.client.request(Op.MsgInstant, ['bob', '0', `a${i}`, '']);
      bob.client.request(Op.MsgInstant, ['alice', '0', `b${i}`, '']);
    }
    const received = async (client: typeof alice.client, prefix: string): Promise<void> => {
      let events = 0;
      let results = 0;
      while (events < 500 || results < 500) {
        const frame = await client.next(5000);
        if (frame.type === FrameType.Event) {
          expect(utf8Decode(frame.fields[2])).to.equal(`${prefix}${events}`);
          events++;
          if (events % 64 === 0) client.send({ type: FrameType.Ack, seq: frame.seq });
        } else if (frame.type === FrameType.Result) {
          expect(frame.code, utf8Decode(frame.text)).to.equal(0);
          results++;
        }
      }
    };
    await Promise.all([received(bob.client, 'a'), received(alice.client, 'b')]);
  });

  it('answers the send only after the owning node has taken the message', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    const order: string[] = [];
    const bobSession = fixture.nodes[1].state.options.directory;
    // The receiving node records when its session sequences the event; the sender's ack comes later.
    const original = (bobSession as unknown as { local: { find(a: string, b: string): { deliverEvent: (...x: unknown[]) => unknown } | undefined } }).local.find(APP, 'bob');
    expect(original).to.not.equal(undefined);
    const deliver = original!.deliverEvent.bind(original);
    original!.deliverEvent = (...args: unknown[]) => {
      order.push('taken');
      return deliver(...args);
    };
    alice.client.request(Op.MsgInstant, ['bob', '0', 'ordered', '']);
    const result = await alice.client.expect(FrameType.Result);
    order.push('acked');
    expect(result.code).to.equal(0);
    expect(order).to.deep.equal(['taken', 'acked']);
    await bob.client.expect(FrameType.Event);
  });

  it('lets one sender\'s pipelined sends cross together, and still answers them in request order', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    alice.client.autoAck = true;
    const bob = await fixture.loggedIn(1, APP, 'bob');
    bob.client.autoAck = true;
    const bobSession = (fixture.nodes[1].state.options.directory as unknown as { local: { find(a: string, b: string): { deliverEvent: (...x: unknown[]) => unknown } } }).local.find(APP, 'bob');
    let taken = 0;
    const deliver = bobSession.deliverEvent.bind(bobSession);
    bobSession.deliverEvent = (...args: unknown[]) => {
      taken++;
      return deliver(...args);
    };
    // The first message finds bob's node (a lookup, which the ones after it wait for); then the
    // ones after it go together.
    alice.client.request(Op.MsgInstant, ['bob', '0', 'first', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await bob.client.expect(FrameType.Event)).fields[2])).to.equal('first');
    taken = 0;
    const reqIds: number[] = [];
    for (let i = 0; i < 50; i++) reqIds.push(alice.client.request(Op.MsgInstant, ['bob', '0', `p${i}`, '']));
    const first = await alice.client.expect(FrameType.Result);
    // One send at a time would have let bob's node take exactly one message by now.
    expect(taken).to.be.greaterThan(1);
    const answered = [first.reqId];
    while (answered.length < 50) answered.push((await alice.client.expect(FrameType.Result)).reqId);
    expect(answered).to.deep.equal(reqIds);
    const got: string[] = [];
    while (got.length < 50) got.push(utf8Decode((await bob.client.expect(FrameType.Event)).fields[2]));
    expect(got).to.deep.equal(Array.from({ length: 50 }, (_, i) => `p${i}`));
  });

  it('answers sends to both nodes, a status query and an offline peer between them in request order', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    alice.client.autoAck = true;
    const bob = await fixture.loggedIn(1, APP, 'bob');
    bob.client.autoAck = true;
    const carol = await fixture.loggedIn(0, APP, 'carol');
    carol.client.autoAck = true;
    const sent: Array<{ reqId: number; expect: string }> = [];
    for (let i = 0; i < 10; i++) {
      sent.push({ reqId: alice.client.request(Op.MsgInstant, ['bob', '0', `b${i}`, '']), expect: '0' });
      sent.push({ reqId: alice.client.request(Op.MsgInstant, ['carol', '0', `c${i}`, '']), expect: '0' });
      if (i === 4) sent.push({ reqId: alice.client.request(Op.QueryUserStatus, ['bob']), expect: '0 1' });
      if (i === 6) sent.push({ reqId: alice.client.request(Op.MsgInstant, ['nobody', '0', 'lost', '']), expect: '400 peer nobody is offline' });
    }
    const answers: Array<{ reqId: number; expect: string }> = [];
    while (answers.length < sent.length) {
      const r = await alice.client.expect(FrameType.Result);
      const query = sent.find((x) => x.expect === '0 1')?.reqId;
      const text = r.code !== 0 ? `${r.code} ${utf8Decode(r.text)}` : r.reqId === query ? `0 ${utf8Decode(r.values[0])}` : '0';
      answers.push({ reqId: r.reqId, expect: text });
    }
    expect(answers).to.deep.equal(sent);
    const texts = async (c: typeof alice.client): Promise<string[]> => {
      const out: string[] = [];
      while (out.length < 10) out.push(utf8Decode((await c.expect(FrameType.Event)).fields[2]));
      return out;
    };
    expect(await texts(bob.client)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect(await texts(carol.client)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `c${i}`));
  });

  it('reaches the new session of a peer that logged in again, and finds it offline after its logout', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const first = await fixture.loggedIn(1, APP, 'bob');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'one', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await first.client.expect(FrameType.Event)).fields[2])).to.equal('one');
    first.client.send({ type: FrameType.Logout });
    await first.client.waitClosed();
    const second = await fixture.loggedIn(1, APP, 'bob');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'two', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await second.client.expect(FrameType.Event)).fields[2])).to.equal('two');
    second.client.send({ type: FrameType.Logout });
    await second.client.waitClosed();
    const result = await (async () => {
      for (;;) {
        alice.client.request(Op.MsgInstant, ['bob', '0', 'three', '']);
        const r = await alice.client.expect(FrameType.Result);
        // The logout is written to Redis just after the socket closes.
        if (r.code !== 0) return r;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    expect(result.code).to.equal(400);
    expect(utf8Decode(result.text)).to.equal('peer bob is offline');
  });

  it('tells the sender of the other node that its peer is not reading, as on one node', async () => {
    await fixture.stop();
    await fixture.start({ redisCluster, config: { maxKeptFrames: 10, heartbeatMs: 5000 } });
    const alice = await fixture.loggedIn(0, APP, 'alice');
    alice.client.autoAck = true;
    await fixture.loggedIn(1, APP, 'bob');
    const answers: string[] = [];
    for (let i = 0; i < 25; i++) {
      alice.client.request(Op.MsgInstant, ['bob', '0', `m${i}`, '']);
      const r = await alice.client.expect(FrameType.Result);
      answers.push(r.code === 0 ? '0' : `${r.code} ${utf8Decode(r.text)}`);
    }
    expect(answers.slice(0, 20)).to.deep.equal(Array(20).fill('0'));
    for (const answer of answers.slice(20)) expect(answer).to.match(/^400 peer bob is not reading: \d+ frames/);
  });

  it('answers 400 for a peer that is offline on every node', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    alice.client.request(Op.MsgInstant, ['nobody', '0', 'hello?', '']);
    const result = await alice.client.expect(FrameType.Result);
    expect(result.code).to.equal(400);
    expect(utf8Decode(result.text)).to.equal('peer nobody is offline');
  });

  it('answers QUERY_USER_STATUS for an account of the other node, before and after its logout', async () => {
    const alice = await fixture.loggedIn(0, APP, 'alice');
    const bob = await fixture.loggedIn(1, APP, 'bob');
    alice.client.request(Op.QueryUserStatus, ['bob']);
    expect(utf8Decode((await alice.client.expect(FrameType.Result)).values[0])).to.equal('1');
    bob.client.send({ type: FrameType.Logout });
    await bob.client.waitClosed();
    let answer = '1';
    for (let i = 0; i < 50 && answer === '1'; i++) {
      alice.client.request(Op.QueryUserStatus, ['bob']);
      answer = utf8Decode((await alice.client.expect(FrameType.Result)).values[0]);
      if (answer === '1') await new Promise((r) => setTimeout(r, 20));
    }
    expect(answer).to.equal('0');
  });

  it('kicks the older session with 103 when the account logs in on the other node', async () => {
    const first = await fixture.loggedIn(0, APP, 'carol');
    const second = await fixture.loggedIn(1, APP, 'carol');
    const bye = await first.client.expect(FrameType.LoggedOut);
    expect(bye.code).to.equal(103);
    await first.client.waitClosed();
    // The directory names the new session: a message from node 0 reaches it.
    const dave = await fixture.loggedIn(0, APP, 'dave');
    dave.client.request(Op.MsgInstant, ['carol', '0', 'to the new one', '']);
    expect((await dave.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await second.client.expect(FrameType.Event)).fields[2])).to.equal('to the new one');
  });

  it('ends a session of the other node with the code and reason an operator gives (the admin API\'s hook)', async () => {
    const alice = await fixture.loggedIn(1, APP, 'alice');
    await fixture.loggedIn(0, APP, 'bob');
    expect(await fixture.nodes[0].state.endRemoteSession(APP, 'alice', 105, 'token revoked by the operator')).to.equal(true);
    const bye = await alice.client.expect(FrameType.LoggedOut);
    expect(bye.code).to.equal(105);
    expect(utf8Decode(bye.text)).to.equal('token revoked by the operator');
    await alice.client.waitClosed();
    // Not on another node: offline, or on the node asked (which ends its own sessions itself).
    expect(await fixture.nodes[0].state.endRemoteSession(APP, 'nobody', 105, 'x')).to.equal(false);
    expect(await fixture.nodes[0].state.endRemoteSession(APP, 'bob', 105, 'x')).to.equal(false);
  });

  it('counts the sessions of every node per App ID for the admin API (GET /v1/apps), beside the node\'s own', async () => {
    await fixture.loggedIn(0, APP, 'alice');
    await fixture.loggedIn(1, APP, 'bob');
    await fixture.loggedIn(1, APP, 'carol');
    await fixture.loggedIn(1, 'app-only-on-node-1', 'dave');
    const api = new AdminApi(fixture.nodes[0].server, { sessionsPerApp: fixture.nodes[0].state.sessionsPerApp });
    const answer = await api.handle({ method: 'GET', segments: ['apps'], query: new URLSearchParams(), body: undefined, address: 'test' });
    expect(answer.status).to.equal(200);
    const apps = (answer.body.apps as { appId: string; sessions: number; clusterSessions: number }[]).map((a) => [a.appId, a.sessions, a.clusterSessions]);
    expect(apps).to.have.deep.members([
      [APP, 1, 3],
      ['app-only-on-node-1', 0, 1],
    ]);
  });

  it('takes a request pipelined behind LOGIN after the login is announced: a new member of __agora_user_online does not hear its own login', async () => {
    const watcher = await fixture.tcp(0);
    watcher.autoAck = true;
    await watcher.hello();
    watcher.sendLogin(APP, 'watcher');
    watcher.sendRequest(1, Op.ChannelJoin, ['__agora_user_online']);
    await watcher.expect(FrameType.LoginOk);
    const channelMessages: string[][] = [];
    for (;;) {
      const frame = await watcher.next(5000);
      if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg) channelMessages.push(frame.fields.map(utf8Decode));
      if (frame.type === FrameType.Result && frame.reqId === 1) {
        expect(frame.code).to.equal(0);
        break;
      }
    }
    const alice = await fixture.loggedIn(1, APP, 'alice');
    for (;;) {
      const frame = await watcher.next(5000);
      if (frame.type !== FrameType.Event || frame.kind !== EventKind.ChannelMsg) continue;
      channelMessages.push(frame.fields.map(utf8Decode));
      break;
    }
    // The first announcement it hears is alice's: its own came before its join.
    expect(channelMessages).to.have.length(1);
    expect(channelMessages[0].slice(0, 3)).to.deep.equal(['__agora_user_online', 'alice', String(alice.uid)]);
  });

  it('hands out uids and server message ids that no two nodes share', async () => {
    const uids = new Set<number>();
    const sessions = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const user = await fixture.loggedIn(i % 2, APP, `user${i}`);
      expect(user.uid).to.be.greaterThan(0);
      uids.add(user.uid);
      sessions.add(user.sessionId);
      expect(user.sessionId.slice(0, 8)).to.equal(fixture.nodes[i % 2].state.nodeId);
    }
    expect(uids.size).to.equal(20);
    expect(sessions.size).to.equal(20);
    const ids = new Set<number>();
    for (const node of fixture.nodes) for (let i = 0; i < 1000; i++) ids.add(node.server.nextServerMsgId());
    expect(ids.size).to.equal(2000);
  });
});
