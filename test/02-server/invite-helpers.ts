/** Helpers for tests that drive invitations over the raw protocol. */
import { expect } from 'chai';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { event, result, texts } from './channel-helpers';
import { RawClient } from './raw-client';

/** A request whose own EVENTs (of the kinds given, in order) come before its RESULT of code 0; answers their fields and the values. */
export async function withEvents(client: RawClient, op: Op, args: (string | Uint8Array)[], kinds: EventKind[]): Promise<{ events: string[][]; values: string[] }> {
  const reqId = client.request(op, args);
  const events: string[][] = [];
  for (const kind of kinds) events.push(await event(client, kind));
  const r = await result(client);
  expect(r.reqId).to.equal(reqId);
  expect(r.code, utf8Decode(r.text)).to.equal(0);
  return { events, values: texts(r.values) };
}

/** A request that must fail with `code` (no event before it); answers the text. */
export async function refused(client: RawClient, op: Op, args: (string | Uint8Array)[], code: number): Promise<string> {
  const reqId = client.request(op, args);
  const r = await result(client);
  expect(r.reqId).to.equal(reqId);
  expect(r.code, `${utf8Decode(r.text)} (args ${args.map((a) => (typeof a === 'string' ? a : utf8Decode(a))).join('|')})`).to.equal(code);
  expect(r.values).to.deep.equal([]);
  return utf8Decode(r.text);
}

/** HELLO + RESUME on a new connection; RESUME_OK must follow. */
export async function resume(client: RawClient, sessionId: string, lastSeq: number): Promise<void> {
  await client.hello();
  client.send({ type: FrameType.Resume, sessionId: utf8Encode(sessionId), lastSeq });
  await client.expect(FrameType.ResumeOk);
}

/** LOGOUT, then LOGGED_OUT(101). */
export async function logout(client: RawClient): Promise<void> {
  client.send({ type: FrameType.Logout });
  const frame = await client.expect(FrameType.LoggedOut);
  expect(frame.code).to.equal(101);
}
