// lib/client's SessionClient against a scripted in-process server: after a RESUME_FAIL, a message
// written to the lost session and never answered is not sent again (it may have been delivered)
// and fails with 401; one queued while disconnected is sent in the new session.
import { expect } from 'chai';
import { SessionClient, WebSocketLike, WebSocketMessageLike } from '../../lib/client';
import { AGORA_E_CODE, decodeFrame, encodeFrame, Frame, FrameType, Op, PROTOCOL_VERSION, utf8Decode, utf8Encode } from '../../lib/protocol';
import { sleep } from '../04-e2e/harness';

/** One connection of the scripted server, seen from the client as a WebSocket. */
class ScriptedSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: WebSocketMessageLike) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(private readonly server: ScriptedServer, reachable: boolean) {
    setTimeout(() => {
      if (!reachable) return this.cut();
      this.readyState = 1;
      this.onopen?.({});
    }, 5);
  }

  send(data: Uint8Array): void {
    const frame = decodeFrame(data);
    setTimeout(() => this.server.receive(this, frame), 0);
  }

  deliver(frame: Frame): void {
    if (this.readyState === 1) this.onmessage?.({ data: encodeFrame(frame) });
  }

  close(): void {
    this.cut();
  }

  /** The connection dies (for the client, a network failure). */
  cut(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({}), 0);
  }
}

/** Answers HELLO, LOGIN (a new session each time) and RESUME (always RESUME_FAIL: the window ran out). */
class ScriptedServer {
  readonly sockets: ScriptedSocket[] = [];
  /** Message texts of the requests received, in order. */
  readonly requests: string[] = [];
  reachable = true;
  answerRequests = true;
  private logins = 0;
  private seq = 0;

  readonly factory = (): WebSocketLike => {
    const socket = new ScriptedSocket(this, this.reachable);
    this.sockets.push(socket);
    return socket;
  };

  receive(socket: ScriptedSocket, frame: Frame): void {
    switch (frame.type) {
      case FrameType.Hello:
        socket.deliver({ type: FrameType.Welcome, version: PROTOCOL_VERSION, heartbeatMs: 30000, resumeWindowMs: 1000, maxFrameBytes: 65536 });
        return;
      case FrameType.Login:
        this.seq = 0;
        socket.deliver({ type: FrameType.LoginOk, uid: 7, sessionId: utf8Encode(`session-${++this.logins}`) });
        return;
      case FrameType.Resume:
        socket.deliver({ type: FrameType.ResumeFail, code: 1, text: utf8Encode('unknown session') });
        return;
      case FrameType.Request:
        this.requests.push(utf8Decode(frame.args[2]));
        if (this.answerRequests) {
          socket.deliver({ type: FrameType.Result, seq: ++this.seq, reqId: frame.reqId, code: 0, text: utf8Encode(''), values: [] });
        }
        return;
      default:
        return;
    }
  }
}

describe('05 browser: a message of unknown outcome after RESUME_FAIL (lib/client)', function () {
  this.timeout(30000);
  let client: SessionClient | undefined;

  afterEach(() => client?.logout());

  it('does not re-send a written, unanswered message (401 instead) and sends one queued while disconnected', async () => {
    const server = new ScriptedServer();
    const heard: string[] = [];
    client = new SessionClient(
      { appId: 'demo', account: 'alice', token: '_no_need_token', url: 'ws://scripted', createSocket: server.factory, clientName: 'test', reconnectCount: 10, reconnectTimeS: 30 },
      { loginSuccess: () => heard.push('loginSuccess'), reconnecting: () => heard.push('reconnecting'), reconnected: (resumed) => heard.push(`reconnected ${resumed}`) },
    );
    const until = async (check: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 10000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${heard.join(', ')}`);
        await sleep(10);
      }
    };
    const results: Record<string, { code: number; text: string }> = {};
    const send = (text: string) => client!.request(Op.MsgInstant, ['bob', '0', text, ''], (r) => (results[text] = { code: r.code, text: r.text }));

    client.start();
    await until(() => heard.includes('loginSuccess'), 'login');
    server.answerRequests = false; // processed, perhaps, but the RESULT is lost with the connection
    send('written');
    await until(() => server.requests.length === 1, 'the written message at the server');
    server.answerRequests = true;
    server.reachable = false;
    server.sockets[server.sockets.length - 1].cut();
    await until(() => heard.includes('reconnecting'), 'reconnecting');
    send('queued');
    server.reachable = true;
    await until(() => heard.includes('reconnected false'), 'the fresh login');
    await until(() => results.queued !== undefined && results.written !== undefined, 'both results');

    expect(results.written.code).to.equal(AGORA_E_CODE.SENDMESSAGE_E_TIMEOUT);
    expect(results.written.text).to.match(/session was lost before the server answered/);
    expect(results.queued.code).to.equal(0);
    await sleep(100);
    expect(server.requests).to.deep.equal(['written', 'queued']);
  });
});
