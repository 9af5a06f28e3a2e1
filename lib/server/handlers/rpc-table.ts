/**
 * The functions of INVOKE and BC_CALL: the `io.agora.signal.*` table of the seeds. Arguments come
 * as a JSON object; answers are JSON objects with "result": "ok" (or a failure with a reason).
 */
import { accountProblem } from '../account';
import { channelNameRefusal, USER_LIST_LIMIT } from '../state/channel-rules';
import { latin1 } from '../state/latin1';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { isPromise, then, MaybePromise } from '../state/maybe-promise';
import type { Reply } from '../reply';
import type { RequestSender } from '../request-sender';
import type { RequestServices } from './request-handler';
import { getUserAttr, getUserAttrAll, setUserAttr } from './user-attrs';

export const RPC_PREFIX = 'io.agora.signal.';
/** A larger request JSON is refused (1005). */
export const MAX_RPC_REQUEST_BYTES = 16384;
/** channel_query_userlist_all's default "num" (1000*1000, as the seeds say). */
const DEFAULT_USERLIST_ALL_NUM = 1000 * 1000;

export type RpcAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; code: number; reason: string };

type Args = Record<string, unknown>;
type RpcFunction = (services: RequestServices, sender: RequestSender, args: Args) => MaybePromise<RpcAnswer>;

class ArgumentProblem extends Error {}

function text(args: Args, key: string): string {
  const value = args[key];
  if (value === undefined || value === null) throw new ArgumentProblem(`missing argument "${key}"`);
  if (typeof value !== 'string') throw new ArgumentProblem(`argument "${key}" must be a string`);
  return value;
}

function bytes(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'utf8'));
}

function utf8(value: Uint8Array): string {
  return Buffer.from(value).toString('utf8');
}

function failed(code: number, reason: string): RpcAnswer {
  return { ok: false, code, reason };
}

/** Turns a request's Reply into an answer: `body(values)` on success, its code and text otherwise. */
function fromReply(reply: MaybePromise<Reply>, body: (values: Uint8Array[]) => Record<string, unknown>): MaybePromise<RpcAnswer> {
  return then(reply, (r): RpcAnswer => (r.code === 0 ? { ok: true, body: { result: 'ok', ...body(r.values) } } : failed(r.code, r.text)));
}

function account(args: Args, key = 'account'): Uint8Array {
  const value = bytes(text(args, key));
  const problem = accountProblem(value);
  if (problem !== null) throw new ArgumentProblem(`argument "${key}": ${problem}`);
  return value;
}

function channel(args: Args, key: string): Uint8Array {
  const value = bytes(text(args, key));
  const refusal = channelNameRefusal(value);
  if (refusal !== null) throw new ArgumentProblem(`argument "${key}": ${refusal.text}`);
  return value;
}

/** A RESULT's bytes around INVOKE's answer JSON (seq, reqId, code, text, err, lengths), with room to spare. */
const RESULT_ENVELOPE_BYTES = 64;

/**
 * The user list answer: the most recent `limit` members whose JSON fits in one frame (with 1
 * MiB frames and 128-byte accounts about 7,000; `num` still says how many there are), since a
 * larger answer could not be sent at all.
 */
function userList(services: RequestServices, sender: RequestSender, name: Uint8Array, limit: number): MaybePromise<RpcAnswer> {
  return then(services.channels.recentMembers(sender.appId, latin1(name), limit), ({ total, members }): RpcAnswer => {
    const body = { result: 'ok', name: utf8(name), num: total, list: [] as [string, number][] };
    let room = services.maxFrameBytes - RESULT_ENVELOPE_BYTES - Buffer.byteLength(JSON.stringify(body));
    let first = members.length;
    const newestFirst: [string, number][] = [];
    while (first > 0) {
      const m = members[first - 1];
      const entry: [string, number] = [utf8(m.accountBytes), m.uid];
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
      if (bytes > room) break;
      room -= bytes;
      newestFirst.push(entry);
      first--;
    }
    body.list = newestFirst.reverse();
    return { ok: true, body };
  });
}

const TABLE: Record<string, RpcFunction> = {
  user_query_user_status: (services, sender, args) => {
    const who = account(args);
    return then(services.directory.isOnline(sender.appId, latin1(who)), (online): RpcAnswer => ({
      ok: true,
      body: { result: 'ok', account: utf8(who), status: online ? 1 : 0 },
    }));
  },
  user_set_attr: (services, sender, args) => fromReply(setUserAttr(services, sender, bytes(text(args, 'name')), bytes(text(args, 'value'))), () => ({})),
  user_get_attr: (services, sender, args) =>
    fromReply(getUserAttr(services, sender, account(args), bytes(text(args, 'name'))), ([who, name, value]) => ({ account: utf8(who), name: utf8(name), value: utf8(value) })),
  user_get_attr_all: (services, sender, args) =>
    fromReply(getUserAttrAll(services, sender, account(args)), ([who, json]) => ({ account: utf8(who), json: JSON.parse(utf8(json)) as unknown })),
  channel_query_num: (services, sender, args) =>
    fromReply(services.channels.queryNum(sender, channel(args, 'name')), ([name, num]) => ({ name: utf8(name), num: Number(utf8(num)) })),
  channel_query_user_isin: (services, sender, args) =>
    fromReply(services.channels.queryIsIn(sender, channel(args, 'name'), account(args)), ([name, who, isIn]) => ({ name: utf8(name), account: utf8(who), isin: Number(utf8(isIn)) })),
  channel_query_userlist: (services, sender, args) => userList(services, sender, channel(args, 'name'), USER_LIST_LIMIT),
  channel_query_userlist_all: (services, sender, args) => {
    const raw = args.num ?? DEFAULT_USERLIST_ALL_NUM;
    const num = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0) throw new ArgumentProblem('argument "num" must be a whole number >= 0');
    return userList(services, sender, channel(args, 'name'), num);
  },
  channel_clear_attr: (services, sender, args) => fromReply(services.channels.clearAttrs(sender, channel(args, 'channel')), () => ({})),
  channel_del_attr: (services, sender, args) => fromReply(services.channels.delAttr(sender, channel(args, 'channel'), bytes(text(args, 'name'))), () => ({})),
  channel_set_attr: (services, sender, args) =>
    fromReply(services.channels.setAttr(sender, channel(args, 'channel'), bytes(text(args, 'name')), bytes(text(args, 'value'))), () => ({})),
};

/** The full names, for error texts. */
export const RPC_FUNCTIONS: readonly string[] = Object.keys(TABLE).map((f) => RPC_PREFIX + f);

/** Runs `name` with the JSON object `req`; every problem becomes a failed answer, never an exception. */
export function callRpc(services: RequestServices, sender: RequestSender, name: Uint8Array, req: Uint8Array): MaybePromise<RpcAnswer> {
  const fullName = utf8(name);
  const fn = fullName.startsWith(RPC_PREFIX) && Object.prototype.hasOwnProperty.call(TABLE, fullName.slice(RPC_PREFIX.length)) ? TABLE[fullName.slice(RPC_PREFIX.length)] : undefined;
  if (fn === undefined) return failed(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `unknown function "${fullName}"`);
  if (req.length > MAX_RPC_REQUEST_BYTES) return failed(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `request is ${req.length} bytes, at most ${MAX_RPC_REQUEST_BYTES} allowed`);
  let args: unknown;
  try {
    args = JSON.parse(utf8(req));
  } catch (e) {
    return failed(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `request is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return failed(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, 'request must be a JSON object');
  try {
    const answer = fn(services, sender, args as Args);
    return isPromise(answer) ? answer.catch(rescue) : answer;
  } catch (e) {
    return rescue(e);
  }
}

function rescue(e: unknown): RpcAnswer {
  if (e instanceof ArgumentProblem) return failed(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, e.message);
  throw e;
}

/** The JSON text of an answer: its body, or {"result": "failed", "reason": ...}. */
export function answerJson(answer: RpcAnswer): string {
  return JSON.stringify(answer.ok ? answer.body : { result: 'failed', reason: answer.reason });
}
