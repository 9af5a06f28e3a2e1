#!/usr/bin/env node
/**
 * The Socket.IO peer of the benchmark, written the way the Socket.IO documentation suggests:
 * default server settings, a room per channel, a room per account for peer-to-peer messages and
 * acknowledgement callbacks to confirm a send. Logging in is the handshake's `auth.account`.
 *
 * Usage: node dist/bench/socketio/server.js --port N [--host 127.0.0.1]
 * Prints "listening <port>" on stdout once it accepts connections.
 */
import { createServer } from 'node:http';
import { Server, Socket } from 'socket.io';

interface Options {
  host: string;
  port: number;
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
    } else {
      throw new Error(`unknown option ${flag} (use --port N [--host ADDRESS])`);
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

function main(): void {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`socketio-server: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const http = createServer();
  const io = new Server(http);
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

main();
