/**
 * The sender of what the application back end sends through the admin API: an account name of
 * its choosing ("system", "billing"), with no session. Requests made as it go through the same
 * handlers as an SDK's, so the same bounds, rate limits and offline semantics apply; what would
 * go back to the sender's session (MSG_DELIVERED, MSG_EXPIRED of a held message) has no session
 * to go to and is dropped.
 */
import { utf8Encode } from '../../protocol/text';
import type { RequestSender } from '../request-sender';

/** No session has an empty id, so the fate of a held message reaches nobody of the same name. */
const NO_SESSION = '';
const UID_ZERO = utf8Encode('0');

export class SystemSender implements RequestSender {
  readonly account: string;
  readonly uid = 0;
  readonly uidBytes = UID_ZERO;
  readonly sessionId = NO_SESSION;
  joinedChannel: string | null = null;

  /** `appId` a latin1 key; `accountBytes` the sender's name as UTF-8. */
  constructor(readonly appId: string, readonly accountBytes: Uint8Array) {
    this.account = Buffer.from(accountBytes).toString('latin1');
  }

  deliverEvent(): false {
    return false;
  }
}
