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
import { failure, Reply, RequestHandler, RequestSender, RequestServices } from './request-handler';
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
