import type { MaybePromise } from '../state/maybe-promise';
import type { MessageRouter } from '../state/message-router';
import type { SessionDirectory } from '../state/session-directory';

/** The body of a RESULT, minus the sequencing the session adds. */
export interface Reply {
  code: number;
  text: string;
  values: Uint8Array[];
}

/** The logged-in user a request comes from. */
export interface RequestSender {
  readonly appId: string;
  readonly account: string;
  readonly accountBytes: Uint8Array;
  readonly uid: number;
  /** `uid` as decimal ASCII, encoded once per session. */
  readonly uidBytes: Uint8Array;
}

/** Server-wide services a handler may use. */
export interface RequestServices {
  readonly directory: SessionDirectory;
  readonly router: MessageRouter;
  /** A per-server increasing message number. */
  nextServerMsgId(): number;
}

export type RequestHandler = (services: RequestServices, sender: RequestSender, args: Uint8Array[]) => MaybePromise<Reply>;

const NO_VALUES: Uint8Array[] = [];

export function success(values: Uint8Array[] = NO_VALUES): Reply {
  return { code: 0, text: '', values };
}

export function failure(code: number, text: string): Reply {
  return { code, text, values: NO_VALUES };
}
