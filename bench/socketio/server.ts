#!/usr/bin/env node
/**
 * The Socket.IO peer of the benchmark, written the way the Socket.IO documentation suggests:
 * default server settings, a room per channel, a room per account for peer-to-peer messages and
 * acknowledgement callbacks to confirm a send. Logging in is the handshake's `auth.account`.
 *
 * With --redis, several such servers act as one through @socket.io/redis-adapter on ioredis, set
 * up as the adapter's documentation shows (a publishing client and its duplicate subscribing):
 * an emit to a room reaches that room's sockets on every server, one PUBLISH per emit.
 *
 * Usage: node dist/bench/socketio/server.js --port N [--host 127.0.0.1] [--redis redis://host:port]
 * Prints "listening <port>" on stdout once it accepts connections.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, Socket } from 'socket.io';

interface Options {
  host: string;
  port: number;
  redis?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${value}`);
      options.port = port;
    } else if (flag === '--host') {
      options.host = value;
    } else if (flag === '--redis') {
      if (!/^redis:\/\/[^/:]+:\d+(\/\d+)?$/.test(value)) throw new Error(`--redis must be redis://host:port[/db], got ${value}`);
      options.redis = value;
    } else {
      throw new Error(`unknown option ${flag} (use --port N [--host ADDRESS] [--redis redis://host:port])`);
    }
  }
  return options;
}

type Ack = (result: { ok: boolean; error?: string }) => void;

function userRoom(account: string): string {
  return `user:${account}`;
}

function channelRoom(channel: string): string {
  return `channel:${channel}`;
}

function attach(io: Server): void {
  io.use((socket, next) => {
    const account = (socket.handshake.auth as { account?: unknown }).account;
    if (typeof account !== 'string' || account.length === 0) {
      next(new Error('auth.account must be a non-empty string'));
      return;
    }
    socket.data.account = account;
    next();
  });

  io.on('connection', (socket: Socket) => {
    const account = socket.data.account as string;
    void socket.join(userRoom(account));

    socket.on('message', (to: unknown, payload: unknown, ack?: Ack) => {
      if (typeof to !== 'string' || typeof payload !== 'string') {
        ack?.({ ok: false, error: 'message needs (to: string, payload: string)' });
        return;
      }
      io.to(userRoom(to)).emit('message', account, payload);
      ack?.({ ok: true });
    });

    socket.on('join', (channel: unknown, ack?: Ack) => {
      if (typeof channel !== 'string' || channel.length === 0) {
        ack?.({ ok: false, error: 'join needs a channel name' });
        return;
      }
      void socket.join(channelRoom(channel));
      ack?.({ ok: true });
    });

    socket.on('channel message', (channel: unknown, payload: unknown, ack?: Ack) => {
      if (typeof channel !== 'string' || typeof payload !== 'string') {
        ack?.({ ok: false, error: 'channel message needs (channel: string, payload: string)' });
        return;
      }
      // Every member but the sender, like a channel message of the signaling API.
      socket.to(channelRoom(channel)).emit('channel message', channel, account, payload);
      ack?.({ ok: true });
    });
  });
}

/** The Redis adapter of the documentation, and its subscribing client. */
async function redisAdapter(url: string): Promise<{ adapter: ReturnType<typeof createAdapter>; subClient: Redis }> {
  const pubClient = new Redis(url, { lazyConnect: true });
  const subClient = pubClient.duplicate();
  await Promise.all([pubClient.connect(), subClient.connect()]);
  return { adapter: createAdapter(pubClient, subClient), subClient };
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`socketio-server: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const http = createServer();
  let io: Server;
  if (options.redis === undefined) io = new Server(http);
  else {
    try {
      const { adapter, subClient } = await redisAdapter(options.redis);
      io = new Server(http, { adapter });
      // Listen only once the main namespace's adapter has subscribed: an emit published before
      // the other servers subscribe reaches none of their sockets. Redis answers a connection's
      // commands in order, so this PING returns after those SUBSCRIBEs.
      await subClient.ping();
    } catch (e) {
      process.stderr.write(`socketio-server: cannot use Redis at ${options.redis}: ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
  attach(io);
  http.on('error', (e) => {
    process.stderr.write(`socketio-server: cannot listen: ${e.message}\n`);
    process.exit(1);
  });
  http.listen(options.port, options.host, () => {
    const address = http.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    process.stdout.write(`listening ${port}\n`);
  });
  const stop = (): void => {
    io.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
