import { FRAME_SCHEMAS, FieldKind, FrameType } from './frame-type';

// Field types: `u` is a number (an integer in 0..2^53-1), `s` raw bytes, `l` a list of raw bytes.
// Decoded byte strings are views into the decoded body: do not modify a body after decoding it.

export interface HelloFrame { type: FrameType.Hello; version: number; client: Uint8Array }
export interface WelcomeFrame {
  type: FrameType.Welcome; version: number; heartbeatMs: number; resumeWindowMs: number; maxFrameBytes: number;
}
export interface PingFrame { type: FrameType.Ping; nonce: number }
export interface PongFrame { type: FrameType.Pong; nonce: number }
export interface ByeFrame { type: FrameType.Bye; code: number; text: Uint8Array }
export interface AckFrame { type: FrameType.Ack; seq: number }
export interface LoginFrame {
  type: FrameType.Login; appId: Uint8Array; account: Uint8Array; token: Uint8Array; uid: number; deviceId: Uint8Array;
}
export interface LoginOkFrame { type: FrameType.LoginOk; uid: number; sessionId: Uint8Array }
export interface LoginFailFrame { type: FrameType.LoginFail; code: number; text: Uint8Array }
export interface ResumeFrame { type: FrameType.Resume; sessionId: Uint8Array; lastSeq: number }
export interface ResumeOkFrame { type: FrameType.ResumeOk; lastReqId: number }
export interface ResumeFailFrame { type: FrameType.ResumeFail; code: number; text: Uint8Array }
export interface LogoutFrame { type: FrameType.Logout }
export interface LoggedOutFrame { type: FrameType.LoggedOut; code: number; text: Uint8Array }
export interface RequestFrame { type: FrameType.Request; reqId: number; op: number; args: Uint8Array[] }
export interface ResultFrame {
  type: FrameType.Result; seq: number; reqId: number; code: number; text: Uint8Array; values: Uint8Array[];
}
export interface EventFrame { type: FrameType.Event; seq: number; kind: number; fields: Uint8Array[] }

export type Frame =
  | HelloFrame | WelcomeFrame | PingFrame | PongFrame | ByeFrame | AckFrame
  | LoginFrame | LoginOkFrame | LoginFailFrame | ResumeFrame | ResumeOkFrame | ResumeFailFrame
  | LogoutFrame | LoggedOutFrame | RequestFrame | ResultFrame | EventFrame;

/** The frame interface of one frame type. */
export type FrameOf<T extends FrameType> = Extract<Frame, { type: T }>;

// The codec reads and writes fields by their schema names, so the interfaces above must match
// FRAME_SCHEMAS exactly; a mismatch fails compilation here rather than corrupting frames.
type ValueOf<K extends FieldKind> = K extends 'u' ? number : K extends 's' ? Uint8Array : Uint8Array[];
type FrameFromSchema<T extends FrameType> = { type: T } & {
  [E in (typeof FRAME_SCHEMAS)[T][number] as E[0]]: ValueOf<E[1]>;
};
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;
type SchemaMismatches = {
  [T in FrameType]: SameShape<FrameOf<T>, FrameFromSchema<T>> extends true ? never : T;
}[FrameType];
const schemaMatchesInterfaces: [SchemaMismatches] extends [never] ? true : SchemaMismatches = true;
void schemaMatchesInterfaces;
