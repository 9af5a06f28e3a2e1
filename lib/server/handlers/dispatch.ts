import { isOp, Op, OP_NAMES } from '../../protocol';
import { ErrorCode } from '../error-codes';
import type { MaybePromise } from '../state/maybe-promise';
import { handleMessageInstant, handleQueryUserStatus } from './p2p';
import { failure, Reply, RequestHandler, RequestSender, RequestServices } from './request-handler';
import { notSupported } from './unsupported';

const IMPLEMENTED: Partial<Record<Op, RequestHandler>> = {
  [Op.MsgInstant]: handleMessageInstant,
  [Op.QueryUserStatus]: handleQueryUserStatus,
};

const HANDLERS = new Map<number, RequestHandler>();
for (const op of Object.keys(OP_NAMES).map(Number) as Op[]) HANDLERS.set(op, IMPLEMENTED[op] ?? notSupported(op));

/** Runs the handler of `op`; an unknown op gets 1004. */
export function dispatchRequest(services: RequestServices, sender: RequestSender, op: number, args: Uint8Array[]): MaybePromise<Reply> {
  const handler = isOp(op) ? HANDLERS.get(op) : undefined;
  if (handler === undefined) return failure(ErrorCode.GeneralWrongParam, `unknown op ${op}`);
  return handler(services, sender, args);
}
