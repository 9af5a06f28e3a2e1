/**
 * Fails the Redis commands of a connection that Redis has stopped answering, in place of ioredis'
 * own `commandTimeout` (one timer per command, which fails any command older than the timeout).
 *
 * The timeout (`--redis-command-timeout-ms`) is there to notice a Redis that is gone or hung, not
 * one that is busy. A join storm (10,000 members joining one channel at once) puts thousands of
 * scripts in Redis' queue; the last ones are answered seconds after they were sent while Redis
 * answers all the time, and ioredis' timer failed them with 1002 though nothing was wrong. So a
 * command waiting longer than the timeout fails only when nothing at all has come back on its
 * connection for the whole timeout (no byte read), or once it has waited MAX_WAIT_TIMEOUTS times
 * the timeout whatever happens.
 *
 * The check runs in setImmediate after the sweep timer fires: Node runs expired timers before it
 * reads the sockets, and a node busy for a while must not count answers already in its socket as
 * missing.
 */
import type { Command } from 'ioredis';

/** How often the sweep runs while commands wait, at most (a fraction of the timeout, below). */
const MAX_SWEEP_EVERY_MS = 250;

/** The longest any command waits, in timeouts, even while Redis keeps answering others. */
export const MAX_WAIT_TIMEOUTS = 10;

/**
 * Whether something that has waited `waitedMs` is late, when what it waits on has been quiet for
 * `quietMs`: past the timeout and quiet for a whole timeout, or past MAX_WAIT_TIMEOUTS timeouts
 * whatever. The one rule for Redis commands (here) and for deliveries to other nodes (node-bus.ts).
 */
export function isLate(waitedMs: number, quietMs: number, timeoutMs: number): boolean {
  return waitedMs >= timeoutMs && (quietMs >= timeoutMs || waitedMs >= MAX_WAIT_TIMEOUTS * timeoutMs);
}

/**
 * On a command once watched: whether it is still waiting or failed (ioredis marks only those
 * answered: `isResolved`). ioredis sends a command again after a reconnection; it is watched once.
 */
const WATCH = Symbol('deadline');
type Armed = Command & { [WATCH]?: 'waiting' | 'failed' };

export class CommandDeadlines {
  private commands: Armed[] = [];
  private sentMs: number[] = [];
  /** The first entry not yet swept out. */
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastBytes = -1;
  private lastProgressMs = 0;

  /** `bytesRead`: how many bytes the connection has read from Redis so far (any count that grows). */
  constructor(
    readonly timeoutMs: number,
    private readonly bytesRead: () => number,
  ) {}

  /** Commands armed and not yet swept out (settled ones leave at the next sweep). */
  get size(): number {
    return this.commands.length - this.head;
  }

  /** Watches `command` until it is answered or failed; one already watched or answered is left alone. */
  arm(command: Command): void {
    const armed = command as Armed;
    if (armed.isResolved || armed[WATCH] !== undefined) return;
    armed[WATCH] = 'waiting';
    const reject = armed.reject;
    armed.reject = (e: Error) => {
      armed[WATCH] = 'failed';
      reject(e);
    };
    this.commands.push(armed);
    this.sentMs.push(Date.now());
    if (this.timer === null) this.schedule();
  }

  /** The timer does not keep the process alive: a closed connection has failed what it held. */
  private schedule(): void {
    this.timer = setTimeout(this.due, Math.max(5, Math.min(MAX_SWEEP_EVERY_MS, Math.ceil(this.timeoutMs / 4))));
    this.timer.unref();
  }

  /** The timer fired: check after the next poll of the sockets, so that answers already here count. */
  private readonly due = (): void => {
    setImmediate(this.sweep);
  };

  private readonly sweep = (): void => {
    this.timer = null;
    const now = Date.now();
    const bytes = this.bytesRead();
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastProgressMs = now;
    }
    const quietMs = now - this.lastProgressMs;
    const { commands, sentMs } = this;
    let i = this.head;
    for (; i < commands.length; i++) {
      const command = commands[i];
      if (command.isResolved || command[WATCH] === 'failed') continue;
      const waited = now - sentMs[i];
      if (!isLate(waited, quietMs, this.timeoutMs)) break;
      command.reject(
        new Error(quietMs >= this.timeoutMs ? `Command timed out (nothing from Redis for ${quietMs} ms)` : `Command timed out (waited ${waited} ms for Redis)`),
      );
    }
    // A connection answers in order, so what is still waiting is (nearly) a suffix; answered
    // commands behind a waiting one stay until it leaves (a Redis Cluster's connections answer
    // independently).
    this.head = i;
    if (this.head === commands.length) {
      this.commands = [];
      this.sentMs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > commands.length) {
      this.commands = commands.slice(this.head);
      this.sentMs = sentMs.slice(this.head);
      this.head = 0;
    }
    if (this.size > 0) this.schedule();
  };
}
