/** The operation a REQUEST asks for (its `op` field). */
export enum Op {
  MsgInstant = 1,
  MsgPush = 2,
  MsgApp = 3,
  MsgChannel = 4,
  MsgChannelForce = 5,
  MsgDtmf = 6,
  QueryUserStatus = 7,
  ChannelJoin = 10,
  ChannelLeave = 11,
  ChannelQueryNum = 12,
  ChannelQueryIsIn = 13,
  ChannelSetAttr = 14,
  ChannelDelAttr = 15,
  ChannelClearAttr = 16,
  InviteUser = 20,
  InvitePhone = 21,
  InviteDtmf = 22,
  InviteAccept = 23,
  InviteRefuse = 24,
  InviteEnd = 25,
  UserSetAttr = 30,
  UserGetAttr = 31,
  UserGetAttrAll = 32,
  Invoke = 40,
  BcCall = 41,
  Dbg = 42,
}

/** Names as docs/protocol.md spells them (used in texts such as "<op name> is not supported"). */
export const OP_NAMES: { readonly [O in Op]: string } = {
  [Op.MsgInstant]: 'MSG_INSTANT',
  [Op.MsgPush]: 'MSG_PUSH',
  [Op.MsgApp]: 'MSG_APP',
  [Op.MsgChannel]: 'MSG_CHANNEL',
  [Op.MsgChannelForce]: 'MSG_CHANNEL_FORCE',
  [Op.MsgDtmf]: 'MSG_DTMF',
  [Op.QueryUserStatus]: 'QUERY_USER_STATUS',
  [Op.ChannelJoin]: 'CHANNEL_JOIN',
  [Op.ChannelLeave]: 'CHANNEL_LEAVE',
  [Op.ChannelQueryNum]: 'CHANNEL_QUERY_NUM',
  [Op.ChannelQueryIsIn]: 'CHANNEL_QUERY_ISIN',
  [Op.ChannelSetAttr]: 'CHANNEL_SET_ATTR',
  [Op.ChannelDelAttr]: 'CHANNEL_DEL_ATTR',
  [Op.ChannelClearAttr]: 'CHANNEL_CLEAR_ATTR',
  [Op.InviteUser]: 'INVITE_USER',
  [Op.InvitePhone]: 'INVITE_PHONE',
  [Op.InviteDtmf]: 'INVITE_DTMF',
  [Op.InviteAccept]: 'INVITE_ACCEPT',
  [Op.InviteRefuse]: 'INVITE_REFUSE',
  [Op.InviteEnd]: 'INVITE_END',
  [Op.UserSetAttr]: 'USER_SET_ATTR',
  [Op.UserGetAttr]: 'USER_GET_ATTR',
  [Op.UserGetAttrAll]: 'USER_GET_ATTR_ALL',
  [Op.Invoke]: 'INVOKE',
  [Op.BcCall]: 'BC_CALL',
  [Op.Dbg]: 'DBG',
};

/** True when `op` is an operation of this protocol version. */
export function isOp(op: number): op is Op {
  return Object.prototype.hasOwnProperty.call(OP_NAMES, op);
}

/** The kind of an EVENT frame (its `kind` field). */
export enum EventKind {
  InstantMsg = 1,
  ChannelJoined = 10,
  ChannelLeft = 11,
  ChannelUserList = 12,
  ChannelUserJoined = 13,
  ChannelUserLeft = 14,
  ChannelMsg = 15,
  ChannelAttr = 16,
  AppMsg = 30,
  MsgDelivered = 31,
  MsgExpired = 32,
}
