/** MSG_APP: a message from a user to the application's back end (SignalServer.appMessages). */
import { MAX_MESSAGE_BYTES } from '../../protocol';
import { decimalBytes } from '../decimal';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { arityProblem } from './arity';
import { failure, success } from '../reply';
import { RequestHandler } from './request-handler';

/** args: msg. values [serverMsgId] once a back end took it; 400 when none listens. */
export const handleMessageApp: RequestHandler = (services, sender, args) => {
  const wrong = arityProblem('MSG_APP', args, ['msg']);
  if (wrong !== null) return wrong;
  const msg = args[0];
  if (msg.length > MAX_MESSAGE_BYTES) return failure(AGORA_E_CODE.GENERAL_E_LARGE_PARAM, `message is ${msg.length} bytes, at most ${MAX_MESSAGE_BYTES} allowed`);
  if (!services.appMessages.hasListener) return failure(AGORA_E_CODE.SENDMESSAGE_E_OTHER, 'no application back end is listening for app messages');
  const id = services.nextServerMsgId();
  services.appMessages.emit('message', {
    appId: Buffer.from(sender.appId, 'latin1').toString('utf8'),
    account: Buffer.from(sender.account, 'latin1').toString('utf8'),
    uid: sender.uid,
    msg: Buffer.from(msg),
    serverMsgId: id,
  });
  return success([decimalBytes(id)]);
};
