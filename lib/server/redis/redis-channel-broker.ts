/**
 * Channel fan-out across nodes over Redis pub/sub, shaped like Socket.IO's Redis adapter and
 * Centrifugo's broker: one PUBLISH per channel event, on the channel's own topic, and each node
 * delivers it to its own members. A node subscribes to a channel's topic when its first local
 * member is about to join (before the store's join script runs) and unsubscribes when its last
 * one has left, so a node hears only the channels it has members in.
 *
 * Order: the publish is a Lua script on the channel's hash tag that numbers the event (a counter
 * in the channel's hash `i`, field `ps`) and publishes it in the same step, so the numbers follow
 * the order Redis ran the scripts in, the order every subscriber receives them in. The store's
 * join script answers the counter as the join's position: what a joiner's node received with a
 * number at or below it predates the join, everything above it is the joiner's.
 *
 * The counter starts from Redis' clock in microseconds whenever a channel is created again, so a
 * recreated channel's numbers are above those of its earlier life.
 */
import { PreparedEvent } from '../state/prepared-event';
import type { ChannelBroker } from '../state/channel-broker';
import type { SessionEndpoint } from '../state/session-endpoint';
import { channelKey } from './keys';
import { ClusterUnavailable, redisCall, RedisClient } from './redis-connection';

/** KEYS: the channel's members (m) and hash (i); ARGV: topic, payload. Answers the number, or nil with no members. */
const PUBLISH = `
if redis.call('ZCARD', KEYS[1]) == 0 then return false end
if not redis.call('HGET', KEYS[2], 'ps') then
  local t = redis.call('TIME')
  redis.call('HSET', KEYS[2], 'ps', t[1] .. string.format('%06d', tonumber(t[2])))
end
redis.call('HINCRBY', KEYS[2], 'ps', 1)
local seq = redis.call('HGET', KEYS[2], 'ps')
redis.call('PUBLISH', ARGV[1], seq .. ':' .. ARGV[2])
return seq
`;

/** How long publish waits for its own event to come back before it resolves anyway. */
const OWN_EVENT_WAIT_MS = 2000;

/** How long a join waits for the subscriber connection to be ready (Redis away: the join fails then). */
const SUBSCRIBER_READY_WAIT_MS = 2000;

interface Held {
  readonly seq: number;
  readonly event: PreparedEvent;
  readonly except: string;
}

class Topic {
  /** Admitted members, in join order. */
  readonly members = new Map<string, SessionEndpoint>();
  /** Sessions between expect and admit. */
  readonly pending = new Set<string>();
  /** Events received while someone is pending. */
  held: Held[] = [];
  lastSeq = 0;
  waiters: { seq: number; resolve: () => void }[] = [];
  constructor(readonly subscribed: Promise<unknown>) {}

  get empty(): boolean {
    return this.members.size === 0 && this.pending.size === 0;
  }
}

/** An event as it travels: kind, the session it skips, the fields. */
function encode(kind: number, fields: Uint8Array[], except: string): Buffer {
  let size = 2 + 1 + except.length + 2;
  for (const f of fields) size += 4 + f.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt16BE(kind, 0);
  at = out.writeUInt8(except.length, at);
  at += out.write(except, at, 'latin1');
  at = out.writeUInt16BE(fields.length, at);
  for (const f of fields) {
    at = out.writeUInt32BE(f.length, at);
    out.set(f, at);
    at += f.length;
  }
  return out;
}

function decode(message: Buffer): { seq: number; kind: number; except: string; fields: Uint8Array[] } | null {
  const colon = message.indexOf(0x3a);
  if (colon <= 0) return null;
  const seq = Number(message.toString('latin1', 0, colon));
  let at = colon + 1;
  const kind = message.readUInt16BE(at);
  const exceptLength = message.readUInt8(at + 2);
  at += 3;
  const except = message.toString('latin1', at, at + exceptLength);
  at += exceptLength;
  const count = message.readUInt16BE(at);
  at += 2;
  const fields: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = message.readUInt32BE(at);
    at += 4;
    fields.push(message.subarray(at, at + length));
    at += length;
  }
  return { seq, kind, except, fields };
}

export interface RedisChannelBrokerOptions {
  /** close() also closes both connections. */
  ownsConnections?: boolean;
  /** Told about events that could not be read (never expected: every publisher encodes alike). */
  onError?: (what: string, error: unknown) => void;
}

export class RedisChannelBroker implements ChannelBroker {
  private readonly topics = new Map<string, Topic>();
  private readonly onMessage = (topic: Buffer, message: Buffer): void => this.received(topic.toString('latin1'), message);

  /**
   * `commands` runs the publish script; `subscriber` is a connection of its own (a subscribed
   * connection runs no other commands). Both from openRedis, on the same Redis or Redis Cluster.
   */
  constructor(private readonly commands: RedisClient, private readonly subscriber: RedisClient, private readonly options: RedisChannelBrokerOptions = {}) {
    if (typeof (commands as unknown as Record<string, unknown>).sigChPublish !== 'function') commands.defineCommand('sigChPublish', { numberOfKeys: 2, lua: PUBLISH });
    subscriber.on('messageBuffer', this.onMessage);
  }

  /** Channels this node is subscribed to. */
  get topicCount(): number {
    return this.topics.size;
  }

  expect(appId: string, channel: string, sessionId: string): Promise<void> {
    const topic = this.topicOf(channelKey(appId, channel, 't'));
    if (!topic.members.has(sessionId)) topic.pending.add(sessionId);
    return topic.subscribed.then(() => undefined);
  }

  admit(appId: string, channel: string, endpoint: SessionEndpoint, position = 0): void {
    const name = channelKey(appId, channel, 't');
    const topic = this.topicOf(name);
    const sessionId = endpoint.sessionId;
    if (topic.pending.delete(sessionId)) {
      for (const held of topic.held) {
        if (held.seq > position && held.except !== sessionId) endpoint.deliverPrepared(held.event);
      }
      if (topic.pending.size === 0) topic.held = [];
    }
    topic.members.set(sessionId, endpoint);
  }

  remove(appId: string, channel: string, sessionId: string): Promise<void> | void {
    const name = channelKey(appId, channel, 't');
    const topic = this.topics.get(name);
    if (topic === undefined) return;
    topic.members.delete(sessionId);
    topic.pending.delete(sessionId);
    if (topic.pending.size === 0) topic.held = [];
    if (!topic.empty) return;
    this.topics.delete(name);
    for (const waiter of topic.waiters) waiter.resolve();
    return this.subscriber.unsubscribe(name).then(
      () => undefined,
      (e: unknown) => this.options.onError?.(`unsubscribing from ${name}`, e),
    );
  }

  async settle(): Promise<void> {
    // A subscribed connection answers PING after every message published before it.
    await this.subscriber.ping();
  }

  handOff(appId: string, channel: string, sessionId: string): number {
    const name = channelKey(appId, channel, 't');
    const topic = this.topics.get(name);
    if (topic === undefined) return 0;
    const position = topic.lastSeq;
    void this.remove(appId, channel, sessionId);
    return position;
  }

  async publish(appId: string, channel: string, kind: number, fields: Uint8Array[], exceptSessionId = ''): Promise<void> {
    const name = channelKey(appId, channel, 't');
    const run = (this.commands as unknown as Record<string, (...args: (string | Buffer)[]) => Promise<Buffer | null>>).sigChPublishBuffer;
    const seqText = await redisCall('publishing to a channel', () =>
      run.call(this.commands, channelKey(appId, channel, 'm'), channelKey(appId, channel, 'i'), name, encode(kind, fields, exceptSessionId)),
    );
    if (seqText === null) return;
    const seq = Number(seqText.toString('latin1'));
    const topic = this.topics.get(name);
    if (topic === undefined || topic.lastSeq >= seq) return;
    // This node's members get the event from the subscription like everyone's; wait for it so that
    // a sender hears its own event before its RESULT.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, OWN_EVENT_WAIT_MS);
      topic.waiters.push({
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.subscriber.off('messageBuffer', this.onMessage);
    for (const topic of this.topics.values()) for (const waiter of topic.waiters) waiter.resolve();
    this.topics.clear();
    if (this.options.ownsConnections) {
      this.subscriber.disconnect();
      this.commands.disconnect();
    }
  }

  private topicOf(name: string): Topic {
    let topic = this.topics.get(name);
    if (topic === undefined) {
      const created = new Topic(this.whenSubscriberReady().then(() => redisCall('subscribing to a channel', () => this.subscriber.subscribe(name))));
      // A failed subscribe fails the joins waiting on it; the next join subscribes afresh.
      created.subscribed.catch(() => {
        if (this.topics.get(name) === created) this.topics.delete(name);
      });
      this.topics.set(name, (topic = created));
    }
    return topic;
  }

  /**
   * Resolves once the subscriber connection is ready. A SUBSCRIBE sent while ioredis still runs its
   * ready check (INFO) puts the connection in subscriber mode under that check, which then fails
   * and the subscription is lost (ioredis issue 2037), so subscriptions wait for the ready state.
   */
  private whenSubscriberReady(): Promise<void> {
    if (this.subscriber.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ready = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.subscriber.off('ready', ready);
        reject(new ClusterUnavailable(`the subscriber connection is not ready (${this.subscriber.status}) after ${SUBSCRIBER_READY_WAIT_MS} ms`));
      }, SUBSCRIBER_READY_WAIT_MS);
      this.subscriber.once('ready', ready);
    });
  }

  private received(name: string, message: Buffer): void {
    const topic = this.topics.get(name);
    if (topic === undefined) return;
    let decoded: ReturnType<typeof decode>;
    try {
      decoded = decode(message);
    } catch (e) {
      decoded = null;
    }
    if (decoded === null) {
      this.options.onError?.(`reading an event of ${name}`, new Error(`${message.length} bytes that are no event`));
      return;
    }
    const { seq, kind, except, fields } = decoded;
    if (seq <= topic.lastSeq) return;
    if (topic.lastSeq > 0 && seq > topic.lastSeq + 1) {
      // The channel's events are numbered one by one: this node did not get some (its subscriber
      // connection was cut and subscribed again). Its members missed them, and are told so.
      const missed = seq - topic.lastSeq - 1;
      this.options.onError?.(`the events of ${name}`, new Error(`${missed} were lost on the way here; the ${topic.members.size} members here leave the channel (600)`));
      for (const endpoint of topic.members.values()) endpoint.missedChannelEvents?.(missed);
    }
    topic.lastSeq = seq;
    const event = new PreparedEvent(kind, fields);
    for (const [sessionId, endpoint] of topic.members) if (sessionId !== except) endpoint.deliverPrepared(event);
    if (topic.pending.size > 0) topic.held.push({ seq, event, except });
    if (topic.waiters.length > 0) {
      const due = topic.waiters.filter((w) => w.seq <= seq);
      topic.waiters = topic.waiters.filter((w) => w.seq > seq);
      for (const waiter of due) waiter.resolve();
    }
  }
}
