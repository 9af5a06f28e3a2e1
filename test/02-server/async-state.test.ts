import { expect } from 'chai';
import { FrameType, Op, utf8Decode } from '../../lib/protocol';
import { MemoryMessageRouter } from '../../lib/server/state/memory-message-router';
import { MemorySessionDirectory } from '../../lib/server/state/memory-session-directory';
import type { MessageRouter, Recipient } from '../../lib/server/state/message-router';
import type { SessionDirectory, SessionRef } from '../../lib/server/state/session-directory';
import type { Delivery, SessionEndpoint } from '../../lib/server/state/session-endpoint';
import { createLogger } from '../../lib/server/logger';
import { SignalServer } from '../../lib/server/signal-server';
import { RawClient } from './raw-client';

/** Answers like a networked store would: later, with a promise. */
function later<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(compute()), Math.floor(Math.random() * 3)));
}

class SlowDirectory implements SessionDirectory {
  constructor(readonly memory: MemorySessionDirectory) {}
  register(session: SessionEndpoint): Promise<void> {
    return later(() => this.memory.register(session));
  }
  unregister(session: SessionEndpoint): Promise<void> {
    return later(() => this.memory.unregister(session));
  }
  isOnline(appId: string, account: string): Promise<boolean> {
    return later(() => this.memory.isOnline(appId, account));
  }

  lookup(appId: string, account: string): Promise<SessionRef | null> {
    return later(() => this.memory.lookup(appId, account));
  }
}

/** Answers later, keeping the order of the deliveries to one account, as MessageRouter requires. */
class SlowRouter implements MessageRouter {
  private readonly last = new Map<string, Promise<unknown>>();
  constructor(private readonly memory: MemoryMessageRouter) {}
  deliver(appId: string, account: string, kind: number, fields: Uint8Array[]): Promise<Delivery> {
    const copies = fields.map((f) => f.slice());
    const key = `${appId}\0${account}`;
    const done = Promise.all([this.last.get(key), later(() => undefined)]).then(() => this.memory.deliver(appId, account, kind, copies));
    this.last.set(key, done);
    return done;
  }
  deliverToMany(appId: string, recipients: Iterable<Recipient>, kind: number, fields: Uint8Array[]): Promise<number> {
    const copies = fields.map((f) => f.slice());
    const list = [...recipients];
    return later(() => this.memory.deliverToMany(appId, list, kind, copies));
  }
}

describe('02-server: state behind asynchronous interfaces', () => {
  let server: SignalServer;
  let tcpPort: number;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    const memory = new MemorySessionDirectory();
    server = new SignalServer(
      { tcpPort: 0, wsPort: 0 },
      { logger: createLogger('silent'), directory: new SlowDirectory(memory), router: new SlowRouter(new MemoryMessageRouter(memory)) },
    );
    tcpPort = (await server.listen()).tcpPort;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  async function client(): Promise<RawClient> {
    const c = await RawClient.tcp(tcpPort);
    clients.push(c);
    return c;
  }

  it('keeps requests in order and answers each once when every lookup is asynchronous', async () => {
    const alice = await client();
    await alice.hello();
    alice.sendLogin('app', 'alice');
    // Pipelined right behind LOGIN: held until the login is registered.
    alice.sendRequest(1, Op.QueryUserStatus, ['alice']);
    await alice.expect(FrameType.LoginOk);
    expect(utf8Decode((await alice.expect(FrameType.Result)).values[0])).to.equal('1');

    const bob = await client();
    await bob.login('app', 'bob');
    for (let i = 0; i < 200; i++) alice.sendRequest(i + 2, Op.MsgInstant, ['bob', '0', `m${i}`, '']);
    for (let i = 0; i < 200; i++) {
      expect(utf8Decode((await bob.expect(FrameType.Event)).fields[2])).to.equal(`m${i}`);
      expect(await alice.expect(FrameType.Result)).to.deep.include({ reqId: i + 2, code: 0 });
    }

    const bob2 = await client();
    await bob2.login('app', 'bob');
    expect((await bob.expect(FrameType.LoggedOut)).code).to.equal(103);
  });
});
