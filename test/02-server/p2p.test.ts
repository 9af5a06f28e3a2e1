import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { ServerFixture } from './server-fixture';

const APP = 'app-p2p';

describe('02-server: peer-to-peer messages and user status', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  it('delivers an instant message with UTF-8 and NUL bytes intact, and answers the sender', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    const msg = Buffer.concat([utf8Encode('héllo 世界 🎉'), Buffer.from([0, 1, 0, 0xff, 0xfe]), utf8Encode('end\0')]);
    const reqId = alice.client.request(Op.MsgInstant, ['bob', '0', msg, '']);

    const event = await bob.client.expect(FrameType.Event);
    expect(event.kind).to.equal(EventKind.InstantMsg);
    expect(event.seq).to.equal(1);
    const [account, uid, received, serverMsgId] = event.fields;
    expect(utf8Decode(account)).to.equal('alice');
    expect(utf8Decode(uid)).to.equal(String(alice.uid));
    expect(Buffer.from(received).equals(msg)).to.equal(true);

    const result = await alice.client.expect(FrameType.Result);
    expect(result).to.deep.include({ reqId, code: 0, seq: 1 });
    expect(utf8Decode(result.values[0])).to.equal(utf8Decode(serverMsgId));
    expect(Number(utf8Decode(serverMsgId))).to.be.greaterThan(0);
  });

  it('keeps the order of 1,000 messages from one sender to one receiver', async function () {
    this.timeout(10000);
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    for (let i = 0; i < 1000; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `message ${i}`, '']);
    let lastMsgId = 0;
    for (let i = 0; i < 1000; i++) {
      const event = await bob.client.expect(FrameType.Event);
      expect(event.seq).to.equal(i + 1);
      expect(utf8Decode(event.fields[2])).to.equal(`message ${i}`);
      const msgId = Number(utf8Decode(event.fields[3]));
      expect(msgId).to.be.greaterThan(lastMsgId);
      lastMsgId = msgId;
      if (i % 64 === 63) bob.client.send({ type: FrameType.Ack, seq: event.seq });
    }
    for (let i = 0; i < 1000; i++) {
      const result = await alice.client.expect(FrameType.Result);
      expect(result).to.deep.include({ reqId: i + 1, code: 0, seq: i + 1 });
    }
  });

  it('answers a message to an offline peer with code 400', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.request(Op.MsgInstant, ['nobody', '0', 'hello?', '']);
    const result = await alice.client.expect(FrameType.Result);
    expect(result.code).to.equal(400);
    expect(utf8Decode(result.text)).to.equal('peer nobody is offline');
  });

  it('answers an oversize message with 1005, a bad peer or argument count with 1004', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await fixture.loggedIn(APP, 'bob');
    alice.client.request(Op.MsgInstant, ['bob', '0', new Uint8Array(8193), '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(1005);
    alice.client.request(Op.MsgInstant, ['bob', '0', new Uint8Array(8192), '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
    alice.client.request(Op.MsgInstant, ['', '0', 'x', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(1004);
    alice.client.request(Op.MsgInstant, ['b o b', '0', 'x', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(1004);
    alice.client.request(Op.MsgInstant, ['bob', '0']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(1004);
  });

  it('answers QUERY_USER_STATUS with "1" for online and "0" for offline', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await fixture.loggedIn(APP, 'bob');
    alice.client.request(Op.QueryUserStatus, ['bob']);
    let result = await alice.client.expect(FrameType.Result);
    expect(result.code).to.equal(0);
    expect(result.values.map(utf8Decode)).to.deep.equal(['1']);
    alice.client.request(Op.QueryUserStatus, ['carol']);
    result = await alice.client.expect(FrameType.Result);
    expect(result.values.map(utf8Decode)).to.deep.equal(['0']);
  });

  it('answers unknown ops with 1004', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    alice.client.request(99, []);
    const result = await alice.client.expect(FrameType.Result);
    expect(result.code).to.equal(1004);
    expect(utf8Decode(result.text)).to.equal('unknown op 99');
  });

  it('keeps App IDs apart: same account names, no delivery or presence across them', async () => {
    const aliceA = await fixture.loggedIn('app-A', 'alice');
    const bobA = await fixture.loggedIn('app-A', 'bob');
    const bobB = await fixture.loggedIn('app-B', 'bob');
    const carolB = await fixture.loggedIn('app-B', 'carol');

    // Same account in two App IDs: neither login kicks the other.
    aliceA.client.request(Op.MsgInstant, ['bob', '0', 'for A', '']);
    expect((await aliceA.client.expect(FrameType.Result)).code).to.equal(0);
    expect(utf8Decode((await bobA.client.expect(FrameType.Event)).fields[2])).to.equal('for A');

    aliceA.client.request(Op.MsgInstant, ['carol', '0', 'cross', '']);
    expect((await aliceA.client.expect(FrameType.Result)).code).to.equal(400);
    aliceA.client.request(Op.QueryUserStatus, ['carol']);
    expect(utf8Decode((await aliceA.client.expect(FrameType.Result)).values[0])).to.equal('0');
    carolB.client.request(Op.QueryUserStatus, ['alice']);
    expect(utf8Decode((await carolB.client.expect(FrameType.Result)).values[0])).to.equal('0');

    await new Promise((r) => setTimeout(r, 100));
    expect(bobB.client.buffered).to.equal(0);
    expect(carolB.client.buffered).to.equal(0);
    expect(bobB.client.closed).to.equal(false);
  });
});
