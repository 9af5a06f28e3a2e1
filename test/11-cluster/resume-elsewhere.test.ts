/**
 * Resume on another node: a receiver whose connection is cut while two senders (one on each node)
 * stream messages to it resumes on the other node, again and again. Every message a sender was
 * told was delivered arrives exactly once, in each sender's order; none is lost in the move.
 */
import { expect } from 'chai';
import { EventKind, Frame, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { resolveConfig, ServerConfigInput } from '../../lib/server/config';
import { createLogger } from '../../lib/server/logger';
import { createClusterState } from '../../lib/server/redis/cluster-state';
import { ListeningAddress, SignalServer } from '../../lib/server/signal-server';
import { join } from '../02-server/channel-helpers';
import { RawClient } from '../02-server/raw-client';
import { RedisProcess, startRedis } from '../support/redis-server';

const APP = 'app-resume-elsewhere';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('11-cluster: resume on the other node', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  const nodes: { server: SignalServer; address: ListeningAddress }[] = [];
  const clients: RawClient[] = [];
  const logLines: string[] = [];

  before(async () => {
    redis = await startRedis();
    const config: ServerConfigInput = { tcpPort: 0, wsPort: 0, redis: redis.url, resumeWindowMs: 5000, channelMessagesPerSecond: 100000, userChannelMessagesPerSecond: 100000 };
    for (let i = 0; i < 2; i++) {
      const logger = createLogger('info', (line) => logLines.push(`node ${i}: ${line}`));
      const state = await createClusterState(resolveConfig(config), { logger });
      const server = new SignalServer(config, { logger, ...state.options });
      nodes.push({ server, address: await server.listen() });
    }
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await Promise.all(nodes.map((n) => n.server.close()));
    await redis.stop();
  });

  async function connect(node: number): Promise<RawClient> {
    const client = await RawClient.tcp(nodes[node].address.tcpPort);
    clients.push(client);
    return client;
  }

  async function sender(node: number, account: string, count: number, delivered: string[]): Promise<void> {
    const client = await connect(node);
    await client.login(APP, account);
    const texts: string[] = [];
    for (let i = 0; i < count; i++) {
      const text = `${account} ${i}`;
      texts.push(text);
      client.request(Op.MsgInstant, ['bob', '0', text, '']);
      if (i % 8 === 7) await sleep(2);
    }
    for (let i = 0; i < count; i++) {
      const result = await client.expect(FrameType.Result, 10_000);
      if (result.code === 0) delivered.push(texts[result.reqId - 1]);
      if (i % 32 === 31) client.ack();
    }
  }

  it('loses and duplicates nothing across four moves under two streams of messages', async () => {
    let bob = await connect(0);
    const ok = await bob.login(APP, 'bob');
    const sessionId = Buffer.from(ok.sessionId).toString('latin1');
    const received: string[] = [];
    let lastSeq = 0;
    const deliveredAlice: string[] = [];
    const deliveredCarol: string[] = [];
    const streams = Promise.all([sender(1, 'alice', 400, deliveredAlice), sender(0, 'carol', 400, deliveredCarol)]);
    let done = false;
    streams.finally(() => (done = true));

    const take = (frame: Frame): void => {
      if (frame.type === FrameType.Event) {
        expect(frame.seq).to.equal(lastSeq + 1);
        lastSeq = frame.seq;
        if (frame.kind === EventKind.InstantMsg) received.push(utf8Decode(frame.fields[2]));
      } else if (frame.type === FrameType.Result) {
        lastSeq = frame.seq;
      }
    };
    for (let move = 0; move < 4; move++) {
      // Read for a while, acknowledging now and then, then lose the connection without a word.
      const until = Date.now() + 150;
      while (Date.now() < until) {
        try {
          take(await bob.next(50));
        } catch {
          // nothing within 50 ms
        }
        if (lastSeq % 16 === 0) bob.send({ type: FrameType.Ack, seq: lastSeq });
      }
      bob.destroy();
      await sleep(20);
      bob = await connect((move + 1) % 2);
      await bob.hello();
      bob.send({ type: FrameType.Resume, sessionId: utf8Encode(sessionId), lastSeq });
      const answer = await bob.next(10_000);
      expect(answer.type, JSON.stringify(answer)).to.equal(FrameType.ResumeOk);
    }
    await streams;
    // Everything left arrives on the last connection.
    for (;;) {
      try {
        take(await bob.next(1000));
      } catch {
        break;
      }
      if (lastSeq % 16 === 0) bob.send({ type: FrameType.Ack, seq: lastSeq });
    }
    expect(done).to.equal(true);
    const fromAlice = received.filter((t) => t.startsWith('alice '));
    const fromCarol = received.filter((t) => t.startsWith('carol '));
    expect(fromAlice, 'alice: every delivered message once, in order').to.deep.equal(deliveredAlice);
    expect(fromCarol, 'carol: every delivered message once, in order').to.deep.equal(deliveredCarol);
    // The receiver was online throughout (moving, not gone): no send may fail.
    expect(deliveredAlice.length + deliveredCarol.length, 'every send succeeds').to.equal(800);
    expect(logLines.filter((l) => l.includes('handed over')).length).to.equal(4);
  });

  it('keeps a moving member of a channel in the channel: every channel message once, in the order a member that stays sees', async () => {
    const channel = 'moving-room';
    let dave = await connect(0);
    const ok = await dave.login(APP, 'dave');
    const sessionId = Buffer.from(ok.sessionId).toString('latin1');
    await join(dave, channel);
    const stay = await connect(1);
    await stay.login(APP, 'erin');
    await join(stay, channel);
    const speakers = [await connect(0), await connect(1)];
    await speakers[0].login(APP, 'frank');
    await speakers[1].login(APP, 'gina');
    for (const s of speakers) await join(s, channel);
    // The joins of the others, all taken: the sequence the test goes on from.
    for (let i = 0; i < 3; i++) await dave.expect(FrameType.Event);
    let lastSeq = dave.lastSeq;
    const seen: string[] = [];
    const take = (frame: Frame): void => {
      if (frame.type !== FrameType.Event && frame.type !== FrameType.Result) return;
      expect(frame.seq).to.equal(lastSeq + 1);
      lastSeq = frame.seq;
      if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg) seen.push(utf8Decode(frame.fields[2]));
    };
    const speak = async (client: RawClient, who: string, count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        client.request(Op.MsgChannel, [channel, `${who} ${i}`]);
        if (i % 4 === 3) await sleep(3);
      }
    };
    const speaking = Promise.all([speak(speakers[0], 'frank', 200), speak(speakers[1], 'gina', 200)]);
    for (let move = 0; move < 4; move++) {
      const until = Date.now() + 120;
      while (Date.now() < until) {
        try {
          take(await dave.next(30));
        } catch {
          // nothing within 30 ms
        }
        if (lastSeq % 16 === 0) dave.send({ type: FrameType.Ack, seq: lastSeq });
      }
      dave.destroy();
      await sleep(10);
      dave = await connect((move + 1) % 2);
      await dave.hello();
      dave.send({ type: FrameType.Resume, sessionId: utf8Encode(sessionId), lastSeq });
      const answer = await dave.next(10_000);
      expect(answer.type, JSON.stringify(answer)).to.equal(FrameType.ResumeOk);
    }
    await speaking;
    // The member that stayed put: its order is the channel's order.
    const reference: string[] = [];
    for (;;) {
      let frame: Frame;
      try {
        frame = await stay.next(1000);
      } catch {
        break;
      }
      if (frame.type === FrameType.Event && frame.kind === EventKind.ChannelMsg) reference.push(utf8Decode(frame.fields[2]));
      if (reference.length % 32 === 0) stay.ack();
    }
    for (;;) {
      try {
        take(await dave.next(500));
      } catch {
        break;
      }
      if (lastSeq % 16 === 0) dave.send({ type: FrameType.Ack, seq: lastSeq });
    }
    expect(reference.length, 'every channel message reached the member that stayed').to.equal(400);
    expect(seen, 'the moving member: the same messages, once each, in the same order').to.deep.equal(reference);
  });
});
