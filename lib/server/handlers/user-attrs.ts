/** User attributes: USER_SET_ATTR, USER_GET_ATTR, USER_GET_ATTR_ALL (also used by the RPC table). */
import { accountProblem } from '../account';
import { attrRefusal } from '../state/channel-rules';
import { latin1 } from '../state/latin1';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { then, MaybePromise } from '../state/maybe-promise';
import type { UserAttr } from '../state/user-attr-store';
import { arityProblem } from './arity';
import { failure, Reply, success } from '../reply';
import { RequestSender } from '../request-sender';
import { RequestHandler, RequestServices } from './request-handler';

const EMPTY = new Uint8Array(0);

/** Sets the sender's attribute; an empty value deletes it. */
export function setUserAttr(services: RequestServices, sender: RequestSender, name: Uint8Array, value: Uint8Array): MaybePromise<Reply> {
  const refusal = attrRefusal(name, value);
  if (refusal !== null) return failure(refusal.code, refusal.text);
  return then(services.userAttrs.set(sender.appId, sender.account, latin1(name), value), (r) => (r === null ? success() : failure(r.code, r.text)));
}

/** An empty account means the sender. */
function owner(sender: RequestSender, account: Uint8Array): Uint8Array | Reply {
  if (account.length === 0) return sender.accountBytes;
  const problem = accountProblem(account);
  return problem === null ? account : failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid account: ${problem}`);
}

/** values [account, name, value]; a missing attribute has an empty value. */
export function getUserAttr(services: RequestServices, sender: RequestSender, account: Uint8Array, name: Uint8Array): MaybePromise<Reply> {
  const who = owner(sender, account);
  if (!(who instanceof Uint8Array)) return who;
  const refusal = attrRefusal(name, null);
  if (refusal !== null) return failure(refusal.code, refusal.text);
  return then(services.userAttrs.get(sender.appId, latin1(who), latin1(name)), (value) => success([who, name, value ?? EMPTY]));
}

/** values [account, json]: a JSON object of every attribute (`{}` when none). */
export function getUserAttrAll(services: RequestServices, sender: RequestSender, account: Uint8Array): MaybePromise<Reply> {
  const who = owner(sender, account);
  if (!(who instanceof Uint8Array)) return who;
  return then(services.userAttrs.getAll(sender.appId, latin1(who)), (attrs) => success([who, utf8Bytes(JSON.stringify(attrObject(attrs)))]));
}

/** Attributes as a JSON-ready object: names and values as UTF-8 text. */
export function attrObject(attrs: readonly UserAttr[]): Record<string, string> {
  const object: Record<string, string> = Object.create(null);
  for (const [name, value] of attrs) object[Buffer.from(name, 'latin1').toString('utf8')] = Buffer.from(value).toString('utf8');
  return object;
}

function utf8Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export const handleUserSetAttr: RequestHandler = (services, sender, args) =>
  arityProblem('USER_SET_ATTR', args, ['name', 'value']) ?? setUserAttr(services, sender, args[0], args[1]);

export const handleUserGetAttr: RequestHandler = (services, sender, args) =>
  arityProblem('USER_GET_ATTR', args, ['account', 'name']) ?? getUserAttr(services, sender, args[0], args[1]);

export const handleUserGetAttrAll: RequestHandler = (services, sender, args) =>
  arityProblem('USER_GET_ATTR_ALL', args, ['account']) ?? getUserAttrAll(services, sender, args[0]);
