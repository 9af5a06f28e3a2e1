/**
 * Measures channel fan-out in process: the ChannelService, the in-memory store and router, and
 * endpoints that sequence and encode every frame as a session does (without a socket).
 */
import { expect } from 'chai';
import { decodeFrame, EventKind, FrameType, utf8Encode } from '../../lib/protocol';
import { ChannelService } from '../../lib/server/channel-service';
import type { PreparedEvent } from '../../lib/server/state/prepared-event';
import { Scheduler } from '../../lib/server/state/scheduler';
import { decimalBytes } from '../../lib/server/decimal';
import type { RequestSender } from '../../lib/server/request-sender';
import { MemoryChannelStore } from '../../lib/server/state/memory-channel-store';
import { MemoryMessageRouter } from '../../lib/server/state/memory-message-router';
import { MemorySessionDirectory } from '../../lib/server/state/memory-session-directory';
import type { SessionEndpoint } from '../../lib/server/state/session-endpoint';

class CountingEndpoint implements SessionEndpoint, RequestSender {
  readonly appId = 'app';
  readonly accountBytes: Uint8Array;
  readonly uidBytes: Uint8Array;
  joinedChannel: string | null = null;
  seq = 0;
  bytes = 0;
  last: Uint8Array | null = null;

  constructor(readonly account: string, readonly uid: number, readonly sessionId: string) {
    this.accountBytes = utf8Encode(account);
    this.uidBytes = decimalBytes(uid);
  }

  deliverEvent(): boolean {
    this.seq++;
    return true;
  }

  deliverPrepared(event: PreparedEvent): boolean {
    this.last = event.withSeq(++this.seq);
    this.bytes += this.last.length;
    return true;
  }

  kick(): void {}
}

function measure(members: number, messages: number): { deliveriesPerSecond: number; endpoints: CountingEndpoint[] } {
  const scheduler = new Scheduler();
  const directory = new MemorySessionDirectory();
  const store = new MemoryChannelStore(scheduler, { userMessagesPerSecond: 1e6, channelMessagesPerSecond: 1e6, defaultChannelTtlSeconds: 7200 });
  let id = 0;
  const channels = new ChannelService(store, new MemoryMessageRouter(directory), () => ++id);
  const endpoints: CountingEndpoint[] = [];
  for (let i = 0; i < members; i++) {
    const e = new CountingEndpoint(`user${i}`, i + 1, `s${i}`);
    directory.register(e);
    store.join('app', 'big', { account: e.account, accountBytes: e.accountBytes, uid: e.uid, uidBytes: e.uidBytes, sessionId: e.sessionId });
    e.joinedChannel = 'big';
    endpoints.push(e);
  }
  const msg = utf8Encode('x'.repeat(100));
  const name = utf8Encode('big');
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages; i++) channels.sendMessage(endpoints[i % members], name, msg, false);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  scheduler.stop();
  return { deliveriesPerSecond: (members * messages) / seconds, endpoints };
}

describe('02-server: channel fan-out (measured)', () => {
  for (const [members, messages] of [[1000, 500], [10000, 50]] as const) {
    it(`delivers a 100-byte channel message to ${members.toLocaleString('en')} members, each frame with its own seq`, function () {
      this.timeout(30000);
      const { deliveriesPerSecond, endpoints } = measure(members, messages);
      console.log(`      ${members} members x ${messages} messages: ${Math.round(deliveriesPerSecond).toLocaleString('en')} deliveries/s`);
      for (const e of [endpoints[0], endpoints[members - 1]]) {
        expect(e.seq).to.equal(messages);
        const frame = decodeFrame(e.last!);
        expect(frame.type).to.equal(FrameType.Event);
        if (frame.type !== FrameType.Event) return;
        expect(frame.seq).to.equal(messages);
        expect(frame.kind).to.equal(EventKind.ChannelMsg);
      }
      expect(deliveriesPerSecond).to.be.greaterThan(100000);
    });
  }
});
