import { expect } from 'chai';
import { FrameType, Op, utf8Decode } from '../../lib/protocol';
import { createLogger } from '../../lib/server/logger';
import { ListeningAddress, SignalServer } from '../../lib/server/signal-server';
import type { HeldMessage, OfflineMessageListener, OfflineMessageStore } from '../../lib/server/state/offline-message-store';
import type { Refusal } from '../../lib/server/state/channel-store';
import { MAX_DELIVERY_ATTEMPTS } from '../../lib/server/handlers/p2p';
import { RawClient } from '../02-server/raw-client';

const APP = 'app-hold-online';

/**
 * An offline-message store as a clustered one behaves when the peer's directory entry exists at
 * the hold: it answers 'online' (and keeps nothing) as `answer` says, before it keeps the message.
 */
class OnlineAnsweringStore implements OfflineMessageStore {
  readonly held: HeldMessage[] = [];
  holds = 0;
  constructor(private readonly answer: (attempt: number) => Promise<'online' | null>) {}
  setListener(_listener: OfflineMessageListener): void {}
  hold(_appId: string, _account: string, message: HeldMessage): Promise<Refusal | null | 'online'> {
    this.holds++;
    return this.answer(this.holds).then((a) => {
      if (a === null) this.held.push(message);
      return a;
    });
  }
  takeAll(): readonly HeldMessage[] {
    return [];
  }
  close(): void {}
}

describe('11-cluster: a hold that finds the peer online delivers again', () => {
  let server: SignalServer;
  let address: ListeningAddress;
  const clients: RawClient[] = [];

  async function start(store: OfflineMessageStore): Promise<void> {
    server = new SignalServer({ tcpPort: 0, wsPort: 0 }, { logger: createLogger('silent'), offlineMessages: store });
    address = await server.listen();
  }

  async function login(account: string): Promise<RawClient> {
    const client = await RawClient.tcp(address.tcpPort);
    clients.push(client);
    await client.login(APP, account);
    return client;
  }

  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients.length = 0;
    await server.close();
  });

  it('delivers to the peer that logged in between the failed delivery and the hold', async () => {
    let bob: RawClient | null = null;
    const store = new OnlineAnsweringStore(async (attempt) => {
      if (attempt > 1) return null;
      bob = await login('bob');
      return 'online';
    });
    await start(store);
    const alice = await login('alice');
    alice.request(Op.MsgInstant, ['bob', '0', 'just in time', JSON.stringify({ ttl: 60 })]);
    const result = await alice.expect(FrameType.Result);
    expect(result.code).to.equal(0);
    expect(result.values.length, 'delivered, not held').to.equal(1);
    expect(store.holds).to.equal(1);
    expect(store.held).to.have.length(0);
    const event = await bob!.expect(FrameType.Event);
    expect(utf8Decode(event.fields[2])).to.equal('just in time');
    expect(utf8Decode(event.fields[3])).to.equal(utf8Decode(result.values[0]));
  });

  it('holds the message when the peer is offline again at a later attempt', async () => {
    const store = new OnlineAnsweringStore(async (attempt) => (attempt < MAX_DELIVERY_ATTEMPTS ? 'online' : null));
    await start(store);
    const alice = await login('alice');
    alice.request(Op.MsgInstant, ['bob', '0', 'later', JSON.stringify({ ttl: 60 })]);
    const result = await alice.expect(FrameType.Result);
    expect(result.code).to.equal(0);
    expect(result.values.map(utf8Decode).slice(1)).to.deep.equal(['held', '60']);
    expect(store.holds).to.equal(MAX_DELIVERY_ATTEMPTS);
    expect(store.held).to.have.length(1);
  });

  it('gives up with 400 and a clear text after a bounded number of attempts', async () => {
    const store = new OnlineAnsweringStore(async () => 'online');
    await start(store);
    const alice = await login('alice');
    alice.request(Op.MsgInstant, ['bob', '0', 'never', JSON.stringify({ ttl: 60 })]);
    const result = await alice.expect(FrameType.Result);
    expect(result.code).to.equal(400);
    expect(utf8Decode(result.text)).to.equal(
      `peer bob was neither reachable nor offline in ${MAX_DELIVERY_ATTEMPTS} attempts (it is logging in or out); the message was not delivered or held, send it again`,
    );
    expect(store.holds).to.equal(MAX_DELIVERY_ATTEMPTS);
    expect(store.held).to.have.length(0);
  });
});
