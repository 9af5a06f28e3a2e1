import { expect } from 'chai';
import { Frame, FrameOf, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { RawClient } from './raw-client';
import { ServerFixture } from './server-fixture';

const APP = 'app-hostile';

describe('02-server: malformed and hostile clients', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ heartbeatMs: 200 }));
  afterEach(() => fixture.stop());

  /** Expects BYE(104) whose text contains `reason`, the close, and a log line with the reason. */
  async function expectDisconnected(client: RawClient, reason: string): Promise<void> {
    const bye = await client.expect(FrameType.Bye);
    expect(bye.code).to.equal(104);
    expect(utf8Decode(bye.text)).to.contain(reason);
    await client.waitClosed();
    expect(fixture.logLines.some((line) => line.includes('disconnecting') && line.includes(reason)), `log line with "${reason}"`).to.equal(true);
  }

  /** The server still serves a well-behaved client. */
  async function expectStillServing(): Promise<void> {
    const alice = await fixture.loggedIn(APP, 'alice');
    await fixture.loggedIn(APP, 'bob');
    alice.client.request(Op.MsgInstant, ['bob', '0', 'still here', '']);
    expect((await alice.client.expect(FrameType.Result)).code).to.equal(0);
  }

  const tcpCases: [string, number[], string][] = [
    ['an HTTP request instead of frames', [...Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')], 'frame too large'],
    ['a length prefix over maxFrameBytes', [0x00, 0x20, 0x00, 0x00, 0x01], 'frame too large'],
    ['a zero length prefix', [0, 0, 0, 0], 'empty frame'],
    ['a truncated body', [0, 0, 0, 2, 0x01, 0x01], 'truncated'],
    ['a string longer than the body', [0, 0, 0, 3, 0x01, 0x01, 0x05], 'bad length'],
    ['a bad varint', [0, 0, 0, 11, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00], 'bad varint'],
    ['an unknown frame type', [0, 0, 0, 1, 0x7f], 'unknown frame type 0x7f'],
    ['trailing bytes', [0, 0, 0, 4, 0x01, 0x01, 0x00, 0x00], 'trailing bytes'],
  ];
  for (const [name, bytes, reason] of tcpCases) {
    it(`disconnects a TCP client sending ${name} with BYE 104 and keeps serving others`, async () => {
      const client = await fixture.tcp();
      client.sendRaw(Uint8Array.from(bytes));
      await expectDisconnected(client, reason);
      await expectStillServing();
    });
  }

  it('disconnects a client that skips HELLO', async () => {
    const client = await fixture.tcp();
    client.sendLogin(APP, 'mallory');
    await expectDisconnected(client, 'expected HELLO, got LOGIN');
  });

  it('disconnects a client that sends server-only frames', async () => {
    const { client } = await fixture.loggedIn(APP, 'mallory');
    client.send({ type: FrameType.Result, seq: 1, reqId: 1, code: 0, text: new Uint8Array(), values: [] });
    await expectDisconnected(client, 'unexpected RESULT from a client');
  });

  it('disconnects a client whose reqId does not increase', async () => {
    const { client } = await fixture.loggedIn(APP, 'mallory');
    client.sendRequest(5, Op.QueryUserStatus, ['x']);
    await client.expect(FrameType.Result);
    client.sendRequest(5, Op.QueryUserStatus, ['x']);
    await expectDisconnected(client, 'reqId 5 is not above the previous 5');
  });

  it('disconnects a client that ACKs frames never sent', async () => {
    const { client } = await fixture.loggedIn(APP, 'mallory');
    client.send({ type: FrameType.Ack, seq: 10 });
    await expectDisconnected(client, 'ACK of seq 10 beyond the last sent 0');
  });

  it('disconnects a WebSocket client sending a text message', async () => {
    const client = await fixture.ws();
    await client.hello();
    client.sendText('{"hello": "json"}');
    await expectDisconnected(client, 'text message');
    await expectStillServing();
  });

  it('disconnects a WebSocket client sending an undecodable binary message', async () => {
    const client = await fixture.ws();
    client.sendRaw(Uint8Array.from([0x10, 0x05, 0x61]));
    await expectDisconnected(client, 'bad length');
  });

  it('closes a connection on which nothing arrives for 3 heartbeats', async () => {
    const client = await fixture.tcp();
    await client.hello();
    const started = Date.now();
    const bye = await client.expect(FrameType.Bye, 2000);
    expect(bye.code).to.equal(102);
    expect(utf8Decode(bye.text)).to.match(/^nothing received for \d+ ms$/);
    expect(Date.now() - started).to.be.at.least(3 * 200 - 20);
    await client.waitClosed();
  });

  it('keeps a connection that pings alive', async () => {
    const client = await fixture.tcp();
    await client.hello();
    for (let i = 0; i < 8; i++) {
      client.send({ type: FrameType.Ping, nonce: i });
      expect((await client.expect(FrameType.Pong)).nonce).to.equal(i);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(client.closed).to.equal(false);
  });

  it('survives a barrage of random frame bodies from many clients', async () => {
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const clients: RawClient[] = [];
    for (let i = 0; i < 20; i++) {
      const client = i % 2 === 0 ? await fixture.tcp() : await fixture.ws();
      await client.hello();
      const body = new Uint8Array(1 + Math.floor(random() * 64));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      if (i % 2 === 0) {
        const framed = new Uint8Array(4 + body.length);
        new DataView(framed.buffer).setUint32(0, body.length);
        framed.set(body, 4);
        client.sendRaw(framed);
      } else {
        client.sendRaw(body);
      }
      clients.push(client);
    }
    // A random body can happen to be a valid frame; such a client simply stays connected.
    await Promise.all(clients.map((c) => c.waitClosed(1000).catch(() => c.destroy())));
    await expectStillServing();
  });
});

describe('02-server: connections that never log in', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ heartbeatMs: 10000, loginTimeoutMs: 400 }));
  afterEach(() => fixture.stop());

  it('closes with BYE 102 a connection that pings but sends no LOGIN within loginTimeoutMs', async () => {
    const client = await fixture.tcp();
    await client.hello();
    const started = Date.now();
    // Pings keep it from being silent; only the missing login can end it.
    let bye: Frame | null = null;
    for (let nonce = 0; bye === null && Date.now() - started < 3000; nonce++) {
      client.send({ type: FrameType.Ping, nonce });
      const frame = await client.next(3000);
      if (frame.type === FrameType.Bye) bye = frame;
      else expect(frame).to.deep.equal({ type: FrameType.Pong, nonce });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(bye).to.deep.include({ type: FrameType.Bye, code: 102 });
    expect(utf8Decode((bye as FrameOf<FrameType.Bye>).text)).to.equal('no LOGIN or RESUME succeeded within 400 ms of connecting');
    // Checked every quarter of the timeout: closed between 400 ms and 500 ms (and a margin).
    expect(Date.now() - started).to.be.within(400 - 20, 900);
    await client.waitClosed();
  });

  it('leaves a logged-in connection alone well past the login timeout', async () => {
    const { client } = await fixture.loggedIn(APP, 'patient');
    for (let i = 0; i < 12; i++) {
      client.send({ type: FrameType.Ping, nonce: i });
      expect((await client.expect(FrameType.Pong)).nonce).to.equal(i);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(client.closed).to.equal(false);
  });
});
