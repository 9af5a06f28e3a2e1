import { isOp, Op, OP_NAMES } from '../../protocol/ops';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { MaybePromise } from '../state/maybe-promise';
import { handleMessageApp } from './app-messages';
import {
  handleChannelClearAttr,
  handleChannelDelAttr,
  handleChannelJoin,
  handleChannelLeave,
  handleChannelQueryIsIn,
  handleChannelQueryNum,
  handleChannelSetAttr,
  handleMessageChannel,
  handleMessageChannelForce,
} from './channels';
import { handleDbg } from './dbg';
import { handleInviteAccept, handleInviteDtmf, handleInviteEnd, handleInvitePhone, handleInviteRefuse, handleInviteUser, handleMessageDtmf } from './invites';
import { handleMessageInstant, handleMessagePush, handleQueryUserStatus } from './p2p';
import { failure, Reply } from '../reply';
import { RequestSender } from '../request-sender';
import { RequestHandler, RequestServices } from './request-handler';
import { handleBcCall, handleInvoke } from './rpc';
import { notSupported } from './unsupported';
import { handleUserGetAttr, handleUserGetAttrAll, handleUserSetAttr } from './user-attrs';

const IMPLEMENTED: Partial<Record<Op, RequestHandler>> = {
  [Op.MsgInstant]: handleMessageInstant,
  [Op.MsgPush]: handleMessagePush,
  [Op.MsgApp]: handleMessageApp,
  [Op.MsgChannel]: handleMessageChannel,
  [Op.MsgChannelForce]: handleMessageChannelForce,
  [Op.MsgDtmf]: handleMessageDtmf,
  [Op.QueryUserStatus]: handleQueryUserStatus,
  [Op.ChannelJoin]: handleChannelJoin,
  [Op.ChannelLeave]: handleChannelLeave,
  [Op.ChannelQueryNum]: handleChannelQueryNum,
  [Op.ChannelQueryIsIn]: handleChannelQueryIsIn,
  [Op.ChannelSetAttr]: handleChannelSetAttr,
  [Op.ChannelDelAttr]: handleChannelDelAttr,
  [Op.ChannelClearAttr]: handleChannelClearAttr,
  [Op.InviteUser]: handleInviteUser,
  [Op.InvitePhone]: handleInvitePhone,
  [Op.InviteDtmf]: handleInviteDtmf,
  [Op.InviteAccept]: handleInviteAccept,
  [Op.InviteRefuse]: handleInviteRefuse,
  [Op.InviteEnd]: handleInviteEnd,
  [Op.UserSetAttr]: handleUserSetAttr,
  [Op.UserGetAttr]: handleUserGetAttr,
  [Op.UserGetAttrAll]: handleUserGetAttrAll,
  [Op.Invoke]: handleInvoke,
  [Op.BcCall]: handleBcCall,
  [Op.Dbg]: handleDbg,
};

const HANDLERS = new Map<number, RequestHandler>();
for (const op of Object.keys(OP_NAMES).map(Number) as Op[]) HANDLERS.set(op, IMPLEMENTED[op] ?? notSupported(op));

/** Runs the handler of `op`; an unknown op gets 1004. */
export function dispatchRequest(services: RequestServices, sender: RequestSender, op: number, args: Uint8Array[]): MaybePromise<Reply> {
  const handler = isOp(op) ? HANDLERS.get(op) : undefined;
  if (handler === undefined) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `unknown op ${op}`);
  return handler(services, sender, args);
}

/**
 * Messages may start while the sender's earlier messages wait for their answers (a shared store
 * answering over the network): what each does depends on no earlier request's outcome, and each
 * goes on in request order (a p2p send is handed to the router as it starts; a channel message is
 * published after the one before it, ChannelService.sendMessage). Every other request waits for
 * the one before it (a channel message after a join needs the join done).
 */
const OVERLAPPING = new Set<number>([Op.MsgInstant, Op.MsgPush, Op.MsgChannel, Op.MsgChannelForce]);

/** Whether a request of `op` may start while earlier overlapping requests wait for their answers. */
export function requestMayOverlap(op: number): boolean {
  return OVERLAPPING.has(op);
}
