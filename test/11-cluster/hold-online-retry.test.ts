/**
 * A clustered OfflineMessageStore answers 'online' when the peer logged in (on another node)
 * between the delivery attempt and the hold: the sender's node then delivers again. Here a store
 * answers 'online' for a peer that has just logged in on this node, as a clustered one would.
 */
import { expect } from 'chai';
import { EventKind, Op } from '../../lib/protocol';
import { createLogger } from '../../lib/server/logger';
import { Scheduler } from '../../lib/server/state/scheduler';
import { SignalServer } from '../../lib/server/signal-server';
import type { Refusal } from '../../lib/server/state/channel-store';
import { MemoryOfflineMessageStore } from '../../lib/server/state/memory-offline-message-store';
import type { HeldMessage, OfflineMessageListener, OfflineMessageStore } from '../../lib/server/state/offline-message-store';
import { event, ok, quiet } from '../02-server/channel-helpers';
import { RawClient } from '../02-server/raw-client';

/** Answers 'online' to the holds it is told to, after running `meanwhile` (the peer's login). */
class RacingLogin implements OfflineMessageStore {
  readonly memory = new MemoryOfflineMessageStore(new Scheduler(), { maxMessagesPerApp: 100, maxBytesPerApp: 100_000, maxMessagesPerAccount: 100 });
  onlineAnswers = 0;
  meanwhile: (() => Promise<void>) | null = null;

  setListener(listener: OfflineMessageListener): void {
    this.memory.setListener(listener);
  }
  async hold(appId: string, account: string, message: HeldMessage): Promise<Refusal | null | 'online'> {
    const login = this.meanwhile;
    this.meanwhile = null;
    if (login === null) return this.memory.hold(appId, account, message);
    await login();
    this.onlineAnswers++;
    return 'online';
  }
  takeAll(appId: string, account: string): readonly HeldMessage[] {
    return this.memory.takeAll(appId, account);
  }
  close(): void {
    this.memory.close();
  }
}

describe("11-cluster: a hold answered 'online' is delivered again", () => {
  let server: SignalServer;
  let store: RacingLogin;
  let tcpPort = 0;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    store = new RacingLogin();
    server = new SignalServer({ tcpPort: 0, wsPort: 0 }, { logger: createLogger('silent'), offlineMessages: store });
    tcpPort = (await server.listen()).tcpPort;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  async function login(account: string): Promise<RawClient> {
    const client = await RawClient.tcp(tcpPort);
    clients.push(client);
    await client.login('app', account);
    return client;
  }

  it('the peer that logged in meanwhile gets the message, and the sender hears it delivered, not held', async () => {
    const alice = await login('alice');
    let bob: RawClient | null = null;
    store.meanwhile = async () => {
      bob = await login('bob');
    };
    const answer = await ok(alice, Op.MsgInstant, ['bob', '0', 'hello', '{"ttl": 30}']);
    expect(store.onlineAnswers).to.equal(1);
    expect(answer).to.have.length(1);
    expect((await event(bob!, EventKind.InstantMsg))[2]).to.equal('hello');
    await quiet(bob!);
  });

  it('a peer gone again by the second try is held as usual', async () => {
    const alice = await login('alice');
    store.meanwhile = async () => undefined;
    const answer = await ok(alice, Op.MsgInstant, ['bob', '0', 'later', '{"ttl": 30}']);
    expect(answer.slice(1)).to.deep.equal(['held', '30']);
    expect(store.onlineAnswers).to.equal(1);
    const bob = await login('bob');
    expect((await event(bob, EventKind.InstantMsg))[2]).to.equal('later');
  });
});
