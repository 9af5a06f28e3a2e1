/** Socket.IO client sessions as the load generator opens them: one connection per account. */
import { io, Socket } from 'socket.io-client';

/** Sessions per source address; stays below the 28,000 ephemeral ports of one address. */
const SESSIONS_PER_SOURCE_ADDRESS = 20000;

/**
 * 127.0.0.2, 127.0.0.3, ... so that many sessions do not run out of ports of one address. The
 * runner sets AGORA_SIG_BENCH_SOURCE_PREFIX (e.g. 127.0.7) so each scenario run has addresses of
 * its own, away from the ports the previous run's closed connections still hold.
 */
export function sourceAddressFor(index: number): string {
  const prefix = process.env.AGORA_SIG_BENCH_SOURCE_PREFIX || '127.0.0';
  return `${prefix}.${2 + Math.floor(index / SESSIONS_PER_SOURCE_ADDRESS)}`;
}

export interface ConnectOptions {
  url: string;
  account: string;
  localAddress: string;
  timeoutMs: number;
}

/** Resolves once the server accepted the handshake (the Socket.IO "login"). */
export function connectSession(options: ConnectOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(options.url, {
      transports: ['websocket'],
      auth: { account: options.account },
      forceNew: true,
      reconnection: false,
      timeout: options.timeoutMs,
      localAddress: options.localAddress,
    } as Parameters<typeof io>[1]);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e: Error) => {
      socket.close();
      reject(new Error(`${options.account} could not connect: ${e.message}`));
    });
  });
}

/**
 * Opens `count` sessions with at most `concurrency` handshakes in flight; keeps the order.
 * `url` is the server of every session, or a function giving session i's server.
 */
export async function connectMany(
  url: string | ((i: number) => string),
  count: number,
  accountOf: (i: number) => string,
  concurrency: number,
  timeoutMs: number,
  firstIndex = 0,
): Promise<Socket[]> {
  const sockets: Socket[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      sockets[i] = await connectSession({
        url: typeof url === 'string' ? url : url(i),
        account: accountOf(i),
        localAddress: sourceAddressFor(firstIndex + i),
        timeoutMs,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return sockets;
}

export function closeAll(sockets: Socket[]): void {
  for (const socket of sockets) socket?.close();
}

/** Emits with an acknowledgement and resolves with the server's answer. */
export function emitWithAck(socket: Socket, event: string, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.emit(event, ...args, (result: { ok: boolean; error?: string }) => {
      if (result?.ok) resolve();
      else reject(new Error(`${event} refused: ${result?.error ?? 'no answer'}`));
    });
  });
}
