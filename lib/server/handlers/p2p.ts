/** Peer-to-peer requests: MSG_INSTANT and QUERY_USER_STATUS. */
import { EventKind, MAX_MESSAGE_BYTES, utf8Decode, utf8Encode } from '../../protocol';
import { accountProblem } from '../account';
import { decimalBytes } from '../decimal';
import { ErrorCode } from '../error-codes';
import { isPromise } from '../state/maybe-promise';
import { failure, Reply, RequestHandler, success } from './request-handler';

const ONLINE = utf8Encode('1');
const OFFLINE = utf8Encode('0');

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** args: account, uid, msg, options. Delivers INSTANT_MSG(sender account, sender uid, msg, serverMsgId) to the peer. */
export const handleMessageInstant: RequestHandler = (services, sender, args) => {
  if (args.length !== 4) return failure(ErrorCode.GeneralWrongParam, `MSG_INSTANT takes 4 arguments (account, uid, msg, options), got ${args.length}`);
  const [peer, , msg] = args;
  const problem = accountProblem(peer);
  if (problem !== null) return failure(ErrorCode.GeneralWrongParam, `invalid peer account: ${problem}`);
  if (msg.length > MAX_MESSAGE_BYTES) {
    return failure(ErrorCode.GeneralLargeParam, `message is ${msg.length} bytes, at most ${MAX_MESSAGE_BYTES} allowed`);
  }
  const serverMsgId = decimalBytes(services.nextServerMsgId());
  const delivered = services.router.deliver(sender.appId, latin1(peer), EventKind.InstantMsg, [
    sender.accountBytes,
    sender.uidBytes,
    msg,
    serverMsgId,
  ]);
  const answer = (ok: boolean): Reply =>
    ok ? success([serverMsgId]) : failure(ErrorCode.SendMessageOther, `peer ${utf8Decode(peer)} is offline`);
  return isPromise(delivered) ? delivered.then(answer) : answer(delivered);
};

/** args: account. Answers "1" when the account (of the sender's App ID) is online, else "0". */
export const handleQueryUserStatus: RequestHandler = (services, sender, args) => {
  if (args.length !== 1) return failure(ErrorCode.GeneralWrongParam, `QUERY_USER_STATUS takes 1 argument (account), got ${args.length}`);
  const problem = accountProblem(args[0]);
  if (problem !== null) return failure(ErrorCode.GeneralWrongParam, `invalid account: ${problem}`);
  const online = services.directory.isOnline(sender.appId, latin1(args[0]));
  const answer = (yes: boolean): Reply => success([yes ? ONLINE : OFFLINE]);
  return isPromise(online) ? online.then(answer) : answer(online);
};
