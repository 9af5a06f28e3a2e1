/**
 * A Lua script run by its SHA1 (EVALSHA), sent in full only when a server does not have it yet
 * (after a restart, or on a Cluster master that never ran it). Replies keep their bytes: bulk
 * strings come back as Buffers, since keys and values here are byte strings.
 */
import { createHash } from 'crypto';
import { ClusterUnavailable, redisCall, RedisClient } from './redis-connection';

export type ScriptArg = string | number | Buffer;

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Fails with ClusterUnavailable when Redis does not answer (in time). */
  async run(client: RedisClient, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    try {
      return await client.callBuffer('EVALSHA', this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/NOSCRIPT/.test(String((e as Error)?.message))) {
        // An error the script raised is a bug, not Redis being away.
        throw (e as Error)?.name === 'ReplyError' ? e : new ClusterUnavailable('running a script', e);
      }
      return redisCall('running a script', () => client.callBuffer('EVAL', this.lua, keys.length, ...keys, ...args));
    }
  }
}

/** A bulk-string reply as text (status words, numbers sent as strings). */
export function text(reply: unknown): string {
  return Buffer.isBuffer(reply) ? reply.toString('latin1') : String(reply);
}

/** A bulk-string reply as a copy of its bytes. */
export function bytes(reply: unknown): Uint8Array {
  return Buffer.isBuffer(reply) ? new Uint8Array(reply) : new Uint8Array(Buffer.from(String(reply), 'latin1'));
}
