/** A minimal protocol client over raw TCP or WebSocket, for driving the server frame by frame. */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { WebSocket } from 'ws';
import {
  decodeFrame,
  encodeFrame,
  encodeFrameWithLength,
  Frame,
  FrameOf,
  FRAME_TYPE_NAMES,
  FrameType,
  LengthPrefixedReader,
  PROTOCOL_VERSION,
  utf8Encode,
} from '../../lib/protocol';

export const NO_NEED_TOKEN = '_no_need_token';

type Waiter = { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class RawClient {
  private readonly frames: Frame[] = [];
  private readonly waiters: Waiter[] = [];
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;
  private nextReqId = 1;
  /** When set, every RESULT and EVENT is acknowledged as soon as it arrives. */
  autoAck = false;
  /** When above 0, an ACK goes out once this many sequenced frames arrived since the last one (as the native core does). */
  ackEvery = 0;
  /** The highest seq of a RESULT or EVENT received. */
  lastSeq = 0;
  private ackedSeq = 0;

  private constructor(private readonly io: { write(body: Uint8Array): void; writeRaw(bytes: Uint8Array): void; writeText(text: string): void; destroy(): void }) {
    this.closedPromise = new Promise((resolve) => (this.markClosed = resolve));
  }

  static tcp(port: number): Promise<RawClient> {
    return RawClient.stream(net.connect(port, '127.0.0.1'), 'connect');
  }

  /** Over TLS to a server whose certificate chains to ca and names localhost. */
  static tls(port: number, ca: Buffer): Promise<RawClient> {
    return RawClient.stream(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }), 'secureConnect');
  }

  private static stream(socket: net.Socket, ready: 'connect' | 'secureConnect'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      socket.setNoDelay(true);
      const reader = new LengthPrefixedReader();
      const client = new RawClient({
        write: (body) => socket.write(encodeFrameWithLength(decodeFrame(body))),
        writeRaw: (bytes) => socket.write(bytes),
        writeText: () => {
          throw new Error('text messages exist only on WebSocket');
        },
        destroy: () => socket.destroy(),
      });
      socket.on('data', (chunk) => {
        for (const body of reader.push(chunk)) client.onBody(body);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => client.onClose());
      socket.once(ready, () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** With ca, over wss:// to a server whose certificate chains to it. */
  static ws(port: number, ca?: Buffer): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = ca === undefined ? new WebSocket(`ws://127.0.0.1:${port}/`) : new WebSocket(`wss://127.0.0.1:${port}/`, { ca });
      const client = new RawClient({
        write: (body) => ws.send(body, { binary: true }),
        writeRaw: (bytes) => ws.send(bytes, { binary: true }),
        writeText: (text) => ws.send(text, { binary: false }),
        destroy: () => ws.terminate(),
      });
      ws.on('message', (data, isBinary) => {
        if (!isBinary) throw new Error('server sent a text message');
        client.onBody(new Uint8Array(data as Buffer));
      });
      ws.on('error', () => undefined);
      ws.on('close', () => client.onClose());
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(frame: Frame): void {
    this.io.write(encodeFrame(frame));
  }

  /** Bytes exactly as given: over TCP with no length prefix added, over WebSocket as one binary message. */
  sendRaw(bytes: Uint8Array): void {
    this.io.writeRaw(bytes);
  }

  sendText(text: string): void {
    this.io.writeText(text);
  }

  /** Sends REQUEST with the next reqId and returns that id. */
  request(op: number, args: (string | Uint8Array)[]): number {
    const reqId = this.nextReqId++;
    this.sendRequest(reqId, op, args);
    return reqId;
  }

  sendRequest(reqId: number, op: number, args: (string | Uint8Array)[]): void {
    this.send({ type: FrameType.Request, reqId, op, args: args.map((a) => (typeof a === 'string' ? utf8Encode(a) : a)) });
  }

  /** The next frame received, in order. */
  next(timeoutMs = 3000): Promise<Frame> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.closedFlag) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The next frame, which must be of `type`. */
  async expect<T extends FrameType>(type: T, timeoutMs = 3000): Promise<FrameOf<T>> {
    const frame = await this.next(timeoutMs);
    if (frame.type !== type) {
      throw new Error(`expected ${FRAME_TYPE_NAMES[type]}, got ${FRAME_TYPE_NAMES[frame.type]} ${describe(frame)}`);
    }
    return frame as FrameOf<T>;
  }

  /** Resolves once the server has closed the connection. */
  waitClosed(timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
      this.closedPromise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Frames received but not yet taken with next(). */
  get buffered(): number {
    return this.frames.length;
  }

  async hello(): Promise<FrameOf<FrameType.Welcome>> {
    this.send({ type: FrameType.Hello, version: PROTOCOL_VERSION, client: utf8Encode('raw-client/1') });
    return this.expect(FrameType.Welcome);
  }

  sendLogin(appId: string, account: string | Uint8Array, token: string = NO_NEED_TOKEN): void {
    this.send({
      type: FrameType.Login,
      appId: utf8Encode(appId),
      account: typeof account === 'string' ? utf8Encode(account) : account,
      token: utf8Encode(token),
      uid: 0,
      deviceId: utf8Encode('test'),
    });
  }

  /** HELLO + LOGIN; returns LOGIN_OK (throws on anything else). */
  async login(appId: string, account: string, token: string = NO_NEED_TOKEN): Promise<FrameOf<FrameType.LoginOk>> {
    await this.hello();
    this.sendLogin(appId, account, token);
    return this.expect(FrameType.LoginOk);
  }

  /** Acknowledges every sequenced frame received so far. */
  ack(): void {
    this.ackedSeq = this.lastSeq;
    this.send({ type: FrameType.Ack, seq: this.lastSeq });
  }

  destroy(): void {
    this.io.destroy();
  }

  private onBody(body: Uint8Array): void {
    const frame = decodeFrame(body.slice());
    if (frame.type === FrameType.Result || frame.type === FrameType.Event) {
      this.lastSeq = frame.seq;
      if (this.autoAck || (this.ackEvery > 0 && frame.seq - this.ackedSeq >= this.ackEvery)) this.ack();
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    } else {
      this.frames.push(frame);
    }
  }

  private onClose(): void {
    this.closedFlag = true;
    this.markClosed();
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('connection closed'));
    }
  }
}

function describe(frame: Frame): string {
  return JSON.stringify(frame, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}
