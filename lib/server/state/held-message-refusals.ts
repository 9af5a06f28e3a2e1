/**
 * The refusals of a message for an offline peer beyond the held-message bounds, shared by every
 * OfflineMessageStore so that a sender hears the same code and text whichever store runs.
 */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Refusal } from './channel-store';

export function accountHoldsMost(maxMessagesPerAccount: number): Refusal {
  return { code: AGORA_E_CODE.SENDMESSAGE_E_OTHER, text: `the peer is offline and already has ${maxMessagesPerAccount} messages held (the bound per account)` };
}

export function appHoldsMost(maxMessagesPerApp: number, maxBytesPerApp: number): Refusal {
  return { code: AGORA_E_CODE.SENDMESSAGE_E_OTHER, text: `the peer is offline and the App ID holds the most it may (${maxMessagesPerApp} messages, ${maxBytesPerApp} bytes)` };
}

export function serverHoldsMost(maxMessagesTotal: number, maxBytesTotal: number): Refusal {
  return {
    code: AGORA_E_CODE.SENDMESSAGE_E_OTHER,
    text: `the peer is offline and the server holds the most it may for offline peers (${maxMessagesTotal} messages, ${maxBytesTotal} bytes, all App IDs together)`,
  };
}
