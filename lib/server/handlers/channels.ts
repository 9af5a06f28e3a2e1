/** Channel requests: join, leave, queries, attributes and channel messages (see ChannelService). */
import { accountProblem } from '../account';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { arityProblem } from './arity';
import { failure } from '../reply';
import { RequestHandler } from './request-handler';

export const handleChannelJoin: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_JOIN', args, ['channel']) ?? services.channels.join(sender, args[0]);

export const handleChannelLeave: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_LEAVE', args, ['channel']) ?? services.channels.leaveByRequest(sender, args[0]);

export const handleChannelQueryNum: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_QUERY_NUM', args, ['channel']) ?? services.channels.queryNum(sender, args[0]);

export const handleChannelQueryIsIn: RequestHandler = (services, sender, args) => {
  const wrong = arityProblem('CHANNEL_QUERY_ISIN', args, ['channel', 'account']);
  if (wrong !== null) return wrong;
  const problem = accountProblem(args[1]);
  if (problem !== null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid account: ${problem}`);
  return services.channels.queryIsIn(sender, args[0], args[1]);
};

export const handleChannelSetAttr: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_SET_ATTR', args, ['channel', 'name', 'value']) ?? services.channels.setAttr(sender, args[0], args[1], args[2]);

export const handleChannelDelAttr: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_DEL_ATTR', args, ['channel', 'name']) ?? services.channels.delAttr(sender, args[0], args[1]);

export const handleChannelClearAttr: RequestHandler = (services, sender, args) =>
  arityProblem('CHANNEL_CLEAR_ATTR', args, ['channel']) ?? services.channels.clearAttrs(sender, args[0]);

export const handleMessageChannel: RequestHandler = (services, sender, args) =>
  arityProblem('MSG_CHANNEL', args, ['channel', 'msg']) ?? services.channels.sendMessage(sender, args[0], args[1], false);

export const handleMessageChannelForce: RequestHandler = (services, sender, args) =>
  arityProblem('MSG_CHANNEL_FORCE', args, ['channel', 'msg']) ?? services.channels.sendMessage(sender, args[0], args[1], true);
