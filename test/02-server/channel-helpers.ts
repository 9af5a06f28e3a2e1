/** Helpers for tests that drive channels over the raw protocol. */
import { expect } from 'chai';
import { EventKind, FrameOf, FrameType, Op, utf8Decode } from '../../lib/protocol';
import { RawClient } from './raw-client';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function texts(list: Uint8Array[]): string[] {
  return list.map(utf8Decode);
}

/** The next frame, which must be an EVENT of `kind`; answers its fields as text. */
export async function event(client: RawClient, kind: EventKind, timeoutMs = 3000): Promise<string[]> {
  const frame = await client.expect(FrameType.Event, timeoutMs);
  expect(frame.kind, `event kind (fields ${texts(frame.fields).join('|')})`).to.equal(kind);
  return texts(frame.fields);
}

/** The next frame, which must be a RESULT. */
export function result(client: RawClient, timeoutMs = 3000): Promise<FrameOf<FrameType.Result>> {
  return client.expect(FrameType.Result, timeoutMs);
}

/** Sends a request and answers its RESULT, which must be the next frame. */
export async function call(client: RawClient, op: Op, args: (string | Uint8Array)[]): Promise<FrameOf<FrameType.Result>> {
  const reqId = client.request(op, args);
  const r = await result(client);
  expect(r.reqId).to.equal(reqId);
  return r;
}

/** A request whose RESULT must be code 0; answers its values as text. */
export async function ok(client: RawClient, op: Op, args: (string | Uint8Array)[]): Promise<string[]> {
  const r = await call(client, op, args);
  expect(r.code, utf8Decode(r.text)).to.equal(0);
  return texts(r.values);
}

/** Joins and consumes the joiner's sequence: CHANNEL_JOINED, CHANNEL_USER_LIST, attributes, RESULT. */
export async function join(client: RawClient, channel: string, attrCount = 0): Promise<{ users: string[]; attrs: string[][] }> {
  const reqId = client.request(Op.ChannelJoin, [channel]);
  expect(await event(client, EventKind.ChannelJoined)).to.deep.equal([channel]);
  const list = await event(client, EventKind.ChannelUserList);
  expect(list[0]).to.equal(channel);
  const attrs: string[][] = [];
  for (let i = 0; i < attrCount; i++) attrs.push(await event(client, EventKind.ChannelAttr));
  const r = await result(client);
  expect(r).to.deep.include({ reqId, code: 0 });
  return { users: list.slice(2), attrs };
}

/** Nothing arrives within `ms`. */
export async function quiet(client: RawClient, ms = 100): Promise<void> {
  await sleep(ms);
  expect(client.buffered, 'frames nobody expected').to.equal(0);
}

/** Waits until just after a second boundary, so that a burst falls in one rate window. */
export async function startOfSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 5);
}

/** MSG_CHANNEL from a member: its own CHANNEL_MSG comes first, then the RESULT; answers the serverMsgId. */
export async function say(client: RawClient, channel: string, msg: string | Uint8Array): Promise<string> {
  const reqId = client.request(Op.MsgChannel, [channel, msg]);
  const own = await event(client, EventKind.ChannelMsg);
  const r = await result(client);
  expect(r).to.deep.include({ reqId, code: 0 });
  expect(texts(r.values)).to.deep.equal([own[4]]);
  return own[4];
}

/** A request whose own EVENTs (of `kind`, `count` of them) come before its successful RESULT. */
export async function act(client: RawClient, op: Op, args: (string | Uint8Array)[], kind: EventKind, count = 1): Promise<string[][]> {
  const reqId = client.request(op, args);
  const events: string[][] = [];
  for (let i = 0; i < count; i++) events.push(await event(client, kind));
  const r = await result(client);
  expect(r.code, utf8Decode(r.text)).to.equal(0);
  expect(r.reqId).to.equal(reqId);
  return events;
}
