/**
 * The soak's hostile client: one round of abuse at a time, each bounded in count and time, all to
 * 127.0.0.1. Garbage frames, oversize length prefixes and requests before login must each get their
 * connection closed; floods of attribute sets must be answered (refused once over their bounds)
 * without hurting anyone else; idle connections must be closed by the server's login timeout.
 * What happened is counted for the soak's report.
 */
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  decodeFrame,
  encodeFrame,
  encodeFrameWithLength,
  FrameType,
  LengthPrefixedReader,
  Op,
  PROTOCOL_VERSION,
  utf8Encode,
} from '../../lib/protocol';

export interface HostileFigures {
  /** Connections that sent something the server must refuse (garbage, bad prefix, request before login, text message). */
  abusiveConnections: number;
  /** Of those, how many the server closed within the round's time. */
  closedByServer: number;
  idleConnections: number;
  idleClosedByServer: number;
  /** Attribute sets sent by the flooders and their answers by code. */
  attrSets: number;
  attrResults: Record<string, number>;
}

export function emptyHostileFigures(): HostileFigures {
  return { abusiveConnections: 0, closedByServer: 0, idleConnections: 0, idleClosedByServer: 0, attrSets: 0, attrResults: {} };
}

export interface HostileTarget {
  tcpPort: number;
  wsPort: number;
  appId: string;
}

const HELLO = encodeFrame({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('soak-hostile/1') });

/** Resolves true when the server closes `socket` within `ms`, false otherwise (then destroys it). */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    // Whatever the server says before closing (BYE) is read and dropped, so its close is seen.
    socket.resume();
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function withLength(body: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Each abusive connection of one round: what it writes after connecting. */
const ABUSES: Array<{ name: string; bytes: () => Uint8Array }> = [
  // A well-framed body of random bytes (an unknown type or a bad field, whichever comes first).
  { name: 'garbage frame', bytes: () => withLength(Buffer.concat([Buffer.from([0x7f]), randomBytes(64)])) },
  { name: 'oversize length prefix', bytes: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]) },
  { name: 'zero length prefix', bytes: () => Buffer.from([0, 0, 0, 0]) },
  {
    name: 'request before login',
    bytes: () =>
      Buffer.concat([
        withLength(HELLO),
        encodeFrameWithLength({ type: FrameType.Request, reqId: 1, op: Op.MsgInstant, args: ['a', '0', 'b', ''].map(utf8Encode) }),
      ]),
  },
  { name: 'frame before HELLO', bytes: () => encodeFrameWithLength({ type: FrameType.Ping, nonce: 1 }) },
  { name: 'server frame from a client', bytes: () => Buffer.concat([withLength(HELLO), encodeFrameWithLength({ type: FrameType.Ack, seq: 99 })]) },
];

/** One round of abusive connections over TCP and one text message over WebSocket. */
export async function abusiveRound(target: HostileTarget, figures: HostileFigures, closeWithinMs: number): Promise<void> {
  const waits: Promise<boolean>[] = [];
  for (const abuse of ABUSES) {
    const socket = await connect(target.tcpPort);
    socket.write(abuse.bytes());
    waits.push(closedWithin(socket, closeWithinMs));
  }
  waits.push(
    new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${target.wsPort}/`);
      const timer = setTimeout(() => {
        ws.terminate();
        resolve(false);
      }, closeWithinMs);
      ws.on('error', () => undefined);
      ws.on('open', () => ws.send('a text message is a protocol error'));
      ws.on('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    }),
  );
  const closed = await Promise.all(waits);
  figures.abusiveConnections += closed.length;
  figures.closedByServer += closed.filter(Boolean).length;
}

/**
 * Opens `count` TCP connections that never log in (half say HELLO, half nothing); resolves with
 * how many the server closed within `ms` (its login timeout plus a sweep).
 */
export async function idleConnections(target: HostileTarget, count: number, ms: number, figures: HostileFigures): Promise<void> {
  const waits: Promise<boolean>[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await connect(target.tcpPort);
    if (i % 2 === 0) socket.write(withLength(HELLO));
    waits.push(closedWithin(socket, ms));
  }
  const closed = await Promise.all(waits);
  figures.idleConnections += count;
  figures.idleClosedByServer += closed.filter(Boolean).length;
}

/**
 * Logs in as `account` and sends `count` attribute sets (user attributes, then attributes of a
 * channel of its own), `window` at a time, acknowledging what it gets as a client must; values of
 * `valueBytes` with distinct names, so they pile up until the server's bounds refuse them.
 * Gives up after `ms`.
 */
export function attrFlood(
  target: HostileTarget,
  account: string,
  count: number,
  valueBytes: number,
  ms: number,
  figures: HostileFigures,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(target.tcpPort, '127.0.0.1');
    const reader = new LengthPrefixedReader();
    const value = utf8Encode('v'.repeat(valueBytes));
    const channel = utf8Encode(`${account}-room`);
    const window = 32;
    let sentCount = 0;
    let answered = 0;
    let lastSeq = 0;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(finish, ms);
    const sendMore = (): void => {
      while (sentCount < count && sentCount - answered < window) {
        const i = sentCount++;
        const name = utf8Encode(`flood-${i}`);
        const request =
          i % 2 === 0
            ? { type: FrameType.Request as const, reqId: i + 1, op: Op.UserSetAttr, args: [name, value] }
            : { type: FrameType.Request as const, reqId: i + 1, op: Op.ChannelSetAttr, args: [channel, name, value] };
        socket.write(encodeFrameWithLength(request));
        figures.attrSets++;
      }
    };
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(withLength(HELLO));
      socket.write(
        encodeFrameWithLength({
          type: FrameType.Login,
          appId: utf8Encode(target.appId),
          account: utf8Encode(account),
          token: utf8Encode('_no_need_token'),
          uid: 0,
          deviceId: utf8Encode('hostile'),
        }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      let bodies: Uint8Array[];
      try {
        bodies = reader.push(chunk);
      } catch {
        finish();
        return;
      }
      for (const body of bodies) {
        const frame = decodeFrame(body);
        if (frame.type === FrameType.LoginOk) sendMore();
        else if (frame.type === FrameType.Ping) socket.write(encodeFrameWithLength({ type: FrameType.Pong, nonce: frame.nonce }));
        else if (frame.type === FrameType.Result || frame.type === FrameType.Event) {
          lastSeq = frame.seq;
          if (lastSeq % 16 === 0) socket.write(encodeFrameWithLength({ type: FrameType.Ack, seq: lastSeq }));
          if (frame.type === FrameType.Result) {
            answered++;
            figures.attrResults[String(frame.code)] = (figures.attrResults[String(frame.code)] ?? 0) + 1;
            if (answered >= count) {
              finish();
              return;
            }
            sendMore();
          }
        } else if (frame.type === FrameType.LoginFail || frame.type === FrameType.Bye) {
          finish();
          return;
        }
      }
    });
  });
}
