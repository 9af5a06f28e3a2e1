/**
 * Properties of the server's request handling (fast-check): a logged-in raw client (TCP or
 * WebSocket) sends a random sequence of REQUESTs with random ops and arguments, PINGs, and now and
 * then a garbage frame or a reqId that does not increase, all back to back. Whatever it sends:
 * - every REQUEST gets exactly one RESULT, in order, unless the connection ends with BYE 104 and a
 *   reason (then the RESULTs that came are the first ones, in order, and nothing follows the BYE);
 * - the connection ends that way exactly when the client broke the protocol;
 * - no handler throws (no "internal server error" RESULT, no ERROR log line);
 * - two other clients on the same server still exchange a message afterwards.
 * Replay a failure as test/property-options.ts says.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  AGORA_E_CODE,
  Frame,
  FrameType,
  MAX_MESSAGE_BYTES,
  Op,
  ProtocolError,
  decodeFrame,
  utf8Decode,
  utf8Encode,
} from '../../lib/protocol';
import { propertyOptions } from '../property-options';
import { RawClient } from './raw-client';
import { ServerFixture } from './server-fixture';

const APP = 'app-properties';
const WITNESS_APP = 'app-witness';
const PEER = 'peer';

type Command =
  | { kind: 'request'; op: number; args: Uint8Array[] }
  | { kind: 'stale-reqid'; op: number }
  | { kind: 'garbage'; body: Uint8Array }
  | { kind: 'ping'; nonce: number };

// Frames a client may not send once logged in: the server must answer each with BYE 104.
const FORBIDDEN_TYPES = new Set<number>([
  FrameType.Hello, FrameType.Welcome, FrameType.LoginOk, FrameType.LoginFail, FrameType.Resume, FrameType.ResumeOk,
  FrameType.ResumeFail, FrameType.LoggedOut, FrameType.Result, FrameType.Event,
]);

/** A body the server must refuse: undecodable, or a frame a logged-in client may not send. */
function isGarbage(body: Uint8Array): boolean {
  try {
    return FORBIDDEN_TYPES.has(decodeFrame(body).type);
  } catch (e) {
    if (e instanceof ProtocolError) return true;
    throw e;
  }
}

const ALL_OPS = Object.values(Op).filter((v): v is number => typeof v === 'number');

function text(value: string): Uint8Array {
  return utf8Encode(value);
}

// Stands for the sending client's own account in generated arguments.
const SELF = text('\u0000self');

function isSelf(arg: Uint8Array): boolean {
  return arg.length === SELF.length && arg.every((b, i) => b === SELF[i]);
}

// Arguments: names that exist (the sender, an online peer, channels), numbers and JSON in text,
// arbitrary text and bytes, and now and then one above the message limit.
function argument(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(SELF) },
    { weight: 8, arbitrary: fc.constantFrom(PEER, 'nobody', 'chan-a', 'chan-b', '', '0', '1', '-1', '60', '1e309', 'ping', 'echo', 'stats').map(text) },
    { weight: 2, arbitrary: fc.constantFrom('{}', '[]', 'null', '{"a":1}', '{"ttl":5}', '{"extra":"x"}', '{"ttl":-1}', '{').map(text) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 1 << 20 }).map((n) => text(String(n))) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(text) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES + 1).map((n) => new Uint8Array(n).fill(0x61)) },
  );
}

const op = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ALL_OPS) }, { weight: 1, arbitrary: fc.constantFrom(0, 8, 99, 2 ** 32, Number.MAX_SAFE_INTEGER) });

// How many arguments each op takes (docs/protocol.md), so that most requests get past the count.
const ARITY: Partial<Record<number, number>> = {
  [Op.MsgInstant]: 4, [Op.MsgPush]: 3, [Op.MsgApp]: 1, [Op.MsgChannel]: 2, [Op.MsgChannelForce]: 2, [Op.MsgDtmf]: 2,
  [Op.QueryUserStatus]: 1, [Op.ChannelJoin]: 1, [Op.ChannelLeave]: 1, [Op.ChannelQueryNum]: 1, [Op.ChannelQueryIsIn]: 2,
  [Op.ChannelSetAttr]: 3, [Op.ChannelDelAttr]: 2, [Op.ChannelClearAttr]: 1, [Op.InviteUser]: 4, [Op.InvitePhone]: 4,
  [Op.InviteDtmf]: 3, [Op.InviteAccept]: 4, [Op.InviteRefuse]: 4, [Op.InviteEnd]: 4, [Op.UserSetAttr]: 2,
  [Op.UserGetAttr]: 2, [Op.UserGetAttrAll]: 1, [Op.Invoke]: 2, [Op.BcCall]: 2, [Op.Dbg]: 2,
};

/** A REQUEST's op and arguments: mostly as many as the op takes, sometimes any number. */
const request = op.chain((o) =>
  fc
    .oneof({ weight: 6, arbitrary: fc.constant(ARITY[o] ?? 2) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }) })
    .chain((n) => fc.array(argument(), { minLength: n, maxLength: n }))
    .map((args) => ({ kind: 'request' as const, op: o, args })),
);

const garbageBody = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 24 }),
    fc.tuple(fc.constantFrom(...FORBIDDEN_TYPES, FrameType.Request, FrameType.Ack, FrameType.Ping), fc.uint8Array({ maxLength: 24 })).map(([t, rest]) => Uint8Array.of(t, ...rest)),
  )
  .filter(isGarbage);

const commands: fc.Arbitrary<Command[]> = (() => {
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 20, arbitrary: request },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('ping' as const), nonce: fc.maxSafeNat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), body: garbageBody }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale-reqid' as const), op }) },
  );
  return fc.array(command, { minLength: 1, maxLength: 25 });
})();

/** Frames received until `done` holds or the connection closes (at most `timeoutMs`). */
async function collect(client: RawClient, done: (frames: Frame[]) => boolean, timeoutMs: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(frames)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no end within ${timeoutMs} ms; frames: ${frames.map((f) => f.type).join(',')}`);
    try {
      frames.push(await client.next(left));
    } catch (e) {
      if (client.closed && client.buffered === 0) break;
      throw e;
    }
  }
  return frames;
}

describe('02-server: request handling properties', function () {
  this.timeout(60000);
  const fixture = new ServerFixture();
  let witnessA: RawClient;
  let witnessB: RawClient;
  let peer: RawClient;
  let run = 0;

  before(async () => {
    await fixture.start();
    witnessA = (await fixture.loggedIn(WITNESS_APP, 'alice')).client;
    witnessB = (await fixture.loggedIn(WITNESS_APP, 'bob')).client;
    witnessB.autoAck = true;
    witnessA.autoAck = true;
    peer = (await fixture.loggedIn(APP, PEER)).client;
    peer.autoAck = true;
  });
  after(() => fixture.stop());

  async function witnessesStillTalk(n: number): Promise<void> {
    const message = `still here ${n}`;
    const reqId = witnessA.request(Op.MsgInstant, ['bob', '0', message, '']);
    let result = await witnessA.next();
    while (result.type !== FrameType.Result) result = await witnessA.next();
    expect(result.reqId).to.equal(reqId);
    expect(result.code).to.equal(0);
    for (;;) {
      const frame = await witnessB.next();
      if (frame.type === FrameType.Event && frame.fields.some((f) => utf8Decode(f) === message)) break;
    }
  }

  it('answers every request once and in order, or ends with BYE 104 when the client broke the protocol', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), commands, async (overWebSocket, cmds) => {
        run++;
        const account = `p${run}`;
        const logStart = fixture.logLines.length;
        const client = overWebSocket ? await fixture.ws() : await fixture.tcp();
        try {
          await client.login(APP, account);
          client.autoAck = true;
          const reqIds: number[] = [];
          let lastReqId = 0;
          let broke = false;
          let pings = 0;
          for (const cmd of cmds) {
            if (cmd.kind === 'request') {
              lastReqId = client.request(cmd.op, cmd.args.map((a) => (isSelf(a) ? text(account) : a)));
              reqIds.push(lastReqId);
            } else if (cmd.kind === 'stale-reqid') {
              client.sendRequest(lastReqId, cmd.op, []);
              broke = true;
            } else if (cmd.kind === 'garbage') {
              const body = cmd.body;
              client.sendRaw(overWebSocket ? body : Uint8Array.of(0, 0, body.length >> 8, body.length & 0xff, ...body));
              broke = true;
            } else {
              client.send({ type: FrameType.Ping, nonce: cmd.nonce });
              pings++;
            }
          }
          const results = (frames: Frame[]) => frames.filter((f): f is Extract<Frame, { type: FrameType.Result }> => f.type === FrameType.Result);
          const frames = await collect(
            client,
            (fs) => fs.some((f) => f.type === FrameType.Bye) || (!broke && results(fs).length === reqIds.length && fs.filter((f) => f.type === FrameType.Pong).length === pings),
            10000,
          );

          const answered = results(frames).map((r) => r.reqId);
          expect(answered, 'RESULTs: the first requests, once each, in order').to.deep.equal(reqIds.slice(0, answered.length));
          for (const r of results(frames)) expect(utf8Decode(r.text)).to.not.contain('internal server error');
          const bye = frames.findIndex((f) => f.type === FrameType.Bye);
          if (broke) {
            expect(bye, 'a BYE').to.be.at.least(0);
            expect(bye, 'nothing after the BYE').to.equal(frames.length - 1);
            const last = frames[bye] as Extract<Frame, { type: FrameType.Bye }>;
            expect(last.code).to.equal(AGORA_E_CODE.LOGOUT_E_PACKET);
            expect(utf8Decode(last.text)).to.not.equal('');
            await client.waitClosed();
          } else {
            expect(bye, 'no BYE').to.equal(-1);
            expect(answered).to.have.length(reqIds.length);
            client.send({ type: FrameType.Ping, nonce: 7 });
            await collect(client, (fs) => fs.some((f) => f.type === FrameType.Pong && f.nonce === 7), 3000);
          }
        } finally {
          client.destroy();
        }
        expect(fixture.logLines.slice(logStart).filter((line) => / ERROR /.test(line))).to.deep.equal([]);
        await witnessesStillTalk(run);
      }),
      propertyOptions(300),
    );
  });
});
