/** The first byte of every frame body. */
export enum FrameType {
  Hello = 0x01,
  Welcome = 0x02,
  Ping = 0x03,
  Pong = 0x04,
  Bye = 0x05,
  Ack = 0x06,
  Login = 0x10,
  LoginOk = 0x11,
  LoginFail = 0x12,
  Resume = 0x13,
  ResumeOk = 0x14,
  ResumeFail = 0x15,
  Logout = 0x16,
  LoggedOut = 0x17,
  Request = 0x20,
  Result = 0x21,
  Event = 0x22,
}

/** `u`: varint number, `s`: byte string, `l`: list of byte strings. */
export type FieldKind = 'u' | 's' | 'l';

export type FieldSpec = readonly [name: string, kind: FieldKind];

/** The fields of each frame type, in wire order (field names as in docs/protocol.md). */
export const FRAME_SCHEMAS = {
  [FrameType.Hello]: [['version', 'u'], ['client', 's']],
  [FrameType.Welcome]: [['version', 'u'], ['heartbeatMs', 'u'], ['resumeWindowMs', 'u'], ['maxFrameBytes', 'u']],
  [FrameType.Ping]: [['nonce', 'u']],
  [FrameType.Pong]: [['nonce', 'u']],
  [FrameType.Bye]: [['code', 'u'], ['text', 's']],
  [FrameType.Ack]: [['seq', 'u']],
  [FrameType.Login]: [['appId', 's'], ['account', 's'], ['token', 's'], ['uid', 'u'], ['deviceId', 's']],
  [FrameType.LoginOk]: [['uid', 'u'], ['sessionId', 's']],
  [FrameType.LoginFail]: [['code', 'u'], ['text', 's']],
  [FrameType.Resume]: [['sessionId', 's'], ['lastSeq', 'u']],
  [FrameType.ResumeOk]: [['lastReqId', 'u']],
  [FrameType.ResumeFail]: [['code', 'u'], ['text', 's']],
  [FrameType.Logout]: [],
  [FrameType.LoggedOut]: [['code', 'u'], ['text', 's']],
  [FrameType.Request]: [['reqId', 'u'], ['op', 'u'], ['args', 'l']],
  [FrameType.Result]: [['seq', 'u'], ['reqId', 'u'], ['code', 'u'], ['text', 's'], ['values', 'l']],
  [FrameType.Event]: [['seq', 'u'], ['kind', 'u'], ['fields', 'l']],
} as const satisfies { readonly [T in FrameType]: readonly FieldSpec[] };

/** Names as docs/protocol.md spells them, for error texts and logs. */
export const FRAME_TYPE_NAMES: { readonly [T in FrameType]: string } = {
  [FrameType.Hello]: 'HELLO',
  [FrameType.Welcome]: 'WELCOME',
  [FrameType.Ping]: 'PING',
  [FrameType.Pong]: 'PONG',
  [FrameType.Bye]: 'BYE',
  [FrameType.Ack]: 'ACK',
  [FrameType.Login]: 'LOGIN',
  [FrameType.LoginOk]: 'LOGIN_OK',
  [FrameType.LoginFail]: 'LOGIN_FAIL',
  [FrameType.Resume]: 'RESUME',
  [FrameType.ResumeOk]: 'RESUME_OK',
  [FrameType.ResumeFail]: 'RESUME_FAIL',
  [FrameType.Logout]: 'LOGOUT',
  [FrameType.LoggedOut]: 'LOGGED_OUT',
  [FrameType.Request]: 'REQUEST',
  [FrameType.Result]: 'RESULT',
  [FrameType.Event]: 'EVENT',
};

/** True when `type` is a frame type of this protocol version. */
export function isFrameType(type: number): type is FrameType {
  return Object.prototype.hasOwnProperty.call(FRAME_SCHEMAS, type);
}
