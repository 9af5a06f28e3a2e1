/**
 * What a node publishes to other nodes' buses, gathered per destination node and published once
 * per turn of the event loop: every message one turn produces for a node (the deliveries of every
 * client read in that turn, the answers to every delivery of a received batch) goes out in one
 * SPUBLISH, as one Batch message. Under load that turns one Redis command and one socket write per
 * message into one per node per turn; alone, a message waits only until the end of the turn.
 *
 * Every message for a node goes through here, whoever sends it (deliveries, answers, kicks, session
 * moves), so that a node receives what another sends it in the order sent: one FIFO per
 * destination, as Redis keeps the order of one connection's publishes to one channel.
 */
import { encodeBusBatch } from './bus-codec';
import { nodeChannel } from './keys';
import { redisCall, RedisClient } from './redis-connection';

/**
 * Told what became of a message: how many subscribers the SPUBLISH reached, or why it failed;
 * `token` is what the sender gave with it (so that one callback serves many messages).
 */
export type Published = (outcome: number | Error, token: number) => void;

/**
 * A batch is published early once it holds this many bytes: Redis takes a bulk string of up to
 * 512 MB, but one large write would stall the other commands of the connection behind it.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

interface Outbox {
  parts: Buffer[];
  bytes: number;
  /** One per message that wants to know (most answers do not), with its token. */
  done: Published[];
  tokens: number[];
}

export class BusOutbox {
  private boxes = new Map<string, Outbox>();
  private scheduled = false;

  constructor(private readonly publisher: RedisClient) {}

  /** Queues `raw` (an encoded bus message) for `node`; `done` hears of its SPUBLISH. */
  send(node: string, raw: Buffer, done?: Published, token = 0): void {
    let box = this.boxes.get(node);
    if (box === undefined) this.boxes.set(node, (box = { parts: [], bytes: 0, done: [], tokens: [] }));
    box.parts.push(raw);
    box.bytes += raw.length;
    if (done !== undefined) {
      box.done.push(done);
      box.tokens.push(token);
    }
    if (box.bytes >= MAX_BATCH_BYTES) {
      this.boxes.delete(node);
      this.publish(node, box);
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Publishes what this turn queued (run at the end of the turn, setImmediate). */
  private readonly flush = (): void => {
    this.scheduled = false;
    const boxes = this.boxes;
    if (boxes.size === 0) return;
    this.boxes = new Map();
    for (const [node, box] of boxes) this.publish(node, box);
  };

  private publish(node: string, box: Outbox): void {
    const payload = box.parts.length === 1 ? box.parts[0] : encodeBusBatch(box.parts);
    const { done, tokens } = box;
    redisCall(`publishing to node ${node}`, () => this.publisher.spublish(nodeChannel(node), payload) as Promise<number>).then(
      (receivers) => {
        for (let i = 0; i < done.length; i++) done[i](receivers, tokens[i]);
      },
      (e: Error) => {
        for (let i = 0; i < done.length; i++) done[i](e, tokens[i]);
      },
    );
  }
}
