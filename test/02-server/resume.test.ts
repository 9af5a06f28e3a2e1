import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { event, join, say } from './channel-helpers';
import { RawClient } from './raw-client';
import { ServerFixture } from './server-fixture';

const APP = 'app-resume';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function resume(client: RawClient, sessionId: string, lastSeq: number): Promise<void> {
  await client.hello();
  client.send({ type: FrameType.Resume, sessionId: utf8Encode(sessionId), lastSeq });
}

async function status(client: RawClient, account: string): Promise<string> {
  client.request(Op.QueryUserStatus, [account]);
  return utf8Decode((await client.expect(FrameType.Result)).values[0]);
}

describe('02-server: sequence numbers and resume', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ resumeWindowMs: 400, maxKeptFrames: 10 }));
  afterEach(() => fixture.stop());

  it('replays the kept frames after lastSeq once, in order, after RESUME_OK with the right lastReqId', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');

    alice.client.request(Op.MsgInstant, ['bob', '0', 'before 1', '']);
    expect((await bob.client.expect(FrameType.Event)).seq).to.equal(1);
    bob.client.request(Op.QueryUserStatus, ['alice']); // reqId 1
    bob.client.request(Op.QueryUserStatus, ['nobody']); // reqId 2
    expect((await bob.client.expect(FrameType.Result)).seq).to.equal(2);
    expect((await bob.client.expect(FrameType.Result)).seq).to.equal(3);
    await alice.client.expect(FrameType.Result);

    bob.client.destroy();
    await sleep(100);
    expect(await status(alice.client, 'bob')).to.equal('1'); // online during the window
    for (let i = 0; i < 3; i++) alice.client.request(Op.MsgInstant, ['bob', '0', `while away ${i}`, '']);
    for (let i = 0; i < 3; i++) expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);

    // The client processed seq 1 and 2 (not 3) before the connection died.
    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, 2);
    expect(await bob2.expect(FrameType.ResumeOk)).to.deep.equal({ type: FrameType.ResumeOk, lastReqId: 2 });
    const replayedResult = await bob2.expect(FrameType.Result);
    expect(replayedResult).to.deep.include({ seq: 3, reqId: 2 });
    const replayedEvents = [await bob2.expect(FrameType.Event), await bob2.expect(FrameType.Event), await bob2.expect(FrameType.Event)];
    expect(replayedEvents.map((f) => f.seq)).to.deep.equal([4, 5, 6]);
    expect(replayedEvents.map((f) => utf8Decode(f.fields[2]))).to.deep.equal(['while away 0', 'while away 1', 'while away 2']);
    await sleep(100);
    expect(bob2.buffered).to.equal(0);

    // The session goes on: new requests continue the reqId and seq counters.
    bob2.sendRequest(3, Op.QueryUserStatus, ['alice']);
    const result = await bob2.expect(FrameType.Result);
    expect(result).to.deep.include({ reqId: 3, seq: 7, code: 0 });
  });

  it('replays nothing that was ACKed', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'one', '']);
    const event = await bob.client.expect(FrameType.Event);
    bob.client.send({ type: FrameType.Ack, seq: event.seq });
    await sleep(50);
    bob.client.destroy();
    await sleep(50);
    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, 1);
    expect((await bob2.expect(FrameType.ResumeOk)).lastReqId).to.equal(0);
    await sleep(100);
    expect(bob2.buffered).to.equal(0);
  });

  it('moves the session to the new connection when the old one is still open', async () => {
    const bob = await fixture.loggedIn(APP, 'bob');
    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, 0);
    expect((await bob2.expect(FrameType.ResumeOk)).lastReqId).to.equal(0);
    const bye = await bob.client.expect(FrameType.Bye);
    expect(bye.code).to.equal(102);
    await bob.client.waitClosed();
    expect(await status(bob2, 'bob')).to.equal('1');
  });

  it('answers RESUME_FAIL 102 after the window, when the account has gone offline', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    bob.client.destroy();
    await sleep(600);
    expect(await status(alice.client, 'bob')).to.equal('0');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'lost', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(400);

    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, 0);
    const fail = await bob2.expect(FrameType.ResumeFail);
    expect(fail.code).to.equal(102);
    // The client may log in afresh on the same connection.
    bob2.sendLogin(APP, 'bob');
    await bob2.expect(FrameType.LoginOk);
  });

  it('answers RESUME_FAIL 102 for an unknown session id', async () => {
    const client = await fixture.tcp();
    await resume(client, '00000000000000000000000000000000', 0);
    expect((await client.expect(FrameType.ResumeFail)).code).to.equal(102);
  });

  it('refuses a RESUME claiming frames the session never sent', async () => {
    const bob = await fixture.loggedIn(APP, 'bob');
    bob.client.destroy();
    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, 5);
    const fail = await bob2.expect(FrameType.ResumeFail);
    expect(fail.code).to.equal(102);
    expect(utf8Decode(fail.text)).to.contain('beyond the last frame 0');
  });

  it('replays channel messages sent while a member was away once, in order, each with its own seq', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    // Alice acknowledges as a client does, or the bound of 10 kept frames would hold her requests.
    alice.client.autoAck = true;
    await join(bob.client, 'room');
    await join(alice.client, 'room');
    expect(await event(bob.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'alice', String(alice.uid)]);
    await say(alice.client, 'room', 'seen');
    const seen = await bob.client.expect(FrameType.Event);
    expect(utf8Decode(seen.fields[3])).to.equal('seen');
    // Acknowledged, so the session's few kept frames (the bound here is 10) are the ones below.
    bob.client.send({ type: FrameType.Ack, seq: seen.seq });
    await sleep(50);

    bob.client.destroy();
    await sleep(100);
    for (let i = 0; i < 3; i++) await say(alice.client, 'room', `while away ${i}`);

    const bob2 = await fixture.tcp();
    await resume(bob2, bob.sessionId, seen.seq);
    await bob2.expect(FrameType.ResumeOk);
    const replayed = [await bob2.expect(FrameType.Event), await bob2.expect(FrameType.Event), await bob2.expect(FrameType.Event)];
    expect(replayed.map((f) => f.seq)).to.deep.equal([seen.seq + 1, seen.seq + 2, seen.seq + 3]);
    expect(replayed.map((f) => f.kind)).to.deep.equal([EventKind.ChannelMsg, EventKind.ChannelMsg, EventKind.ChannelMsg]);
    expect(replayed.map((f) => utf8Decode(f.fields[3]))).to.deep.equal(['while away 0', 'while away 1', 'while away 2']);
    await sleep(100);
    expect(bob2.buffered).to.equal(0);

    // Live again: the next message continues the sequence.
    await say(alice.client, 'room', 'back');
    const live = await bob2.expect(FrameType.Event);
    expect(live.seq).to.equal(seen.seq + 4);
    expect(utf8Decode(live.fields[3])).to.equal('back');
  });
});
