/**
 * Peer-to-peer requests: MSG_INSTANT (with a time to live for an offline peer), MSG_PUSH and
 * QUERY_USER_STATUS. A message to an offline peer with a time to live is held: the RESULT says
 * "held" at once, MSG_DELIVERED or MSG_EXPIRED tells the sender's session its fate later.
 */
import { MAX_MESSAGE_BYTES } from '../../protocol/constants';
import { EventKind } from '../../protocol/ops';
import { utf8Decode, utf8Encode } from '../../protocol/text';
import { accountProblem } from '../account';
import { decimalBytes } from '../decimal';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { then, MaybePromise } from '../state/maybe-promise';
import { arityProblem } from './arity';
import { failure, Reply, success } from '../reply';
import { RequestSender } from '../request-sender';
import { RequestHandler, RequestServices } from './request-handler';
import { latin1 } from '../state/latin1';
import { NotReading } from '../state/session-endpoint';

const ONLINE = utf8Encode('1');
const OFFLINE = utf8Encode('0');
const HELD = utf8Encode('held');


/** The `ttl` of MSG_INSTANT's options (seconds, 0 when absent), or a failed Reply. */
function parseTtl(options: Uint8Array, maxTtlSeconds: number): number | Reply {
  if (options.length === 0) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(options).toString('utf8'));
  } catch (e) {
    return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `options are not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, 'options must be a JSON object');
  const ttl = (parsed as Record<string, unknown>).ttl;
  if (ttl === undefined) return 0;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `options.ttl must be a whole number of seconds >= 0, got ${JSON.stringify(ttl)}`);
  if (ttl > maxTtlSeconds) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `options.ttl is ${ttl} seconds, at most ${maxTtlSeconds} allowed`);
  return ttl;
}

/** Delivers INSTANT_MSG now, or holds it `ttlSeconds` (> 0) for an offline peer, or fails with 400. */
function sendToPeer(services: RequestServices, sender: RequestSender, peer: Uint8Array, msg: Uint8Array, ttlSeconds: number): MaybePromise<Reply> {
  const problem = accountProblem(peer);
  if (problem !== null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid peer account: ${problem}`);
  if (msg.length > MAX_MESSAGE_BYTES) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `message is ${msg.length} bytes, at most ${MAX_MESSAGE_BYTES} allowed`);
  const limited = services.channels.admitPeerMessage(sender);
  // The in-memory store answers at once (null: admitted) and nothing is held when it is off.
  if (limited === null) return deliverToPeer(services, sender, peer, msg, ttlSeconds);
  return then(limited, (refusal) => (refusal === null ? deliverToPeer(services, sender, peer, msg, ttlSeconds) : failure(refusal.code, refusal.text)));
}

/**
 * Tries a delivery this many times while the store answers that the peer, offline at the delivery,
 * is online at the hold (it logged in on another node in between): then the sender hears 400.
 */
export const MAX_DELIVERY_ATTEMPTS = 3;

function deliverToPeer(services: RequestServices, sender: RequestSender, peer: Uint8Array, msg: Uint8Array, ttlSeconds: number): MaybePromise<Reply> {
  const id = services.nextServerMsgId();
  return attemptDelivery(services, sender, peer, msg, ttlSeconds, id, decimalBytes(id), 1);
}

function attemptDelivery(services: RequestServices, sender: RequestSender, peer: Uint8Array, msg: Uint8Array, ttlSeconds: number, id: number, serverMsgId: Uint8Array, attempt: number): MaybePromise<Reply> {
  const peerKey = latin1(peer);
  const delivered = services.router.deliver(sender.appId, peerKey, EventKind.InstantMsg, [sender.accountBytes, sender.uidBytes, msg, serverMsgId]);
  // The in-memory router answers at once: no closure for the common case.
  if (delivered === true) return success([serverMsgId]);
  return then(delivered, (ok) => {
    if (ok === true) return success([serverMsgId]);
    // Online but too far behind: the sender hears it now; the message is not held or dropped later.
    if (ok instanceof NotReading) return failure(AGORA_E_CODE.SENDMESSAGE_E_OTHER, `peer ${utf8Decode(peer)} ${ok.clause}`);
    if (ttlSeconds <= 0) return failure(AGORA_E_CODE.SENDMESSAGE_E_OTHER, `peer ${utf8Decode(peer)} is offline`);
    const held = services.offlineMessages.hold(sender.appId, peerKey, {
      serverMsgId: id,
      fromAccount: sender.account,
      fromAccountBytes: sender.accountBytes,
      fromUid: sender.uid,
      fromSessionId: sender.sessionId,
      msg,
      expiresAtMs: Date.now() + ttlSeconds * 1000,
    });
    return then(held, (refusal) => {
      if (refusal === null) return success([serverMsgId, HELD, decimalBytes(ttlSeconds)]);
      if (refusal !== 'online') return failure(refusal.code, refusal.text);
      if (attempt < MAX_DELIVERY_ATTEMPTS) return attemptDelivery(services, sender, peer, msg, ttlSeconds, id, serverMsgId, attempt + 1);
      return failure(
        AGORA_E_CODE.SENDMESSAGE_E_OTHER,
        `peer ${utf8Decode(peer)} was neither reachable nor offline in ${MAX_DELIVERY_ATTEMPTS} attempts (it is logging in or out); the message was not delivered or held, send it again`,
      );
    });
  });
}

/** args: account, uid, msg, options (JSON `{"ttl": seconds}` or empty). */
export const handleMessageInstant: RequestHandler = (services, sender, args) => {
  const wrong = arityProblem('MSG_INSTANT', args, ['account', 'uid', 'msg', 'options']);
  if (wrong !== null) return wrong;
  const ttl = parseTtl(args[3], services.messageLimits.maxTtlSeconds);
  if (typeof ttl !== 'number') return ttl;
  return sendToPeer(services, sender, args[0], args[2], ttl);
};

/** args: account, uid, msg. An instant message held for an offline peer the configured push TTL. */
export const handleMessagePush: RequestHandler = (services, sender, args) =>
  arityProblem('MSG_PUSH', args, ['account', 'uid', 'msg']) ?? sendToPeer(services, sender, args[0], args[2], services.messageLimits.pushTtlSeconds);

/** args: account. Answers "1" when the account (of the sender's App ID) is online, else "0". */
export const handleQueryUserStatus: RequestHandler = (services, sender, args) => {
  const wrong = arityProblem('QUERY_USER_STATUS', args, ['account']);
  if (wrong !== null) return wrong;
  const problem = accountProblem(args[0]);
  if (problem !== null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid account: ${problem}`);
  return then(services.directory.isOnline(sender.appId, latin1(args[0])), (yes) => success([yes ? ONLINE : OFFLINE]));
};
