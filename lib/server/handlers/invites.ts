/** Invitation requests (see InviteService and docs/protocol.md, "Invitations"). */
import { arityProblem } from './arity';
import type { RequestHandler } from './request-handler';

export const handleInviteUser: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_USER', args, ['channel', 'account', 'uid', 'extra']) ?? services.invites.inviteUser(sender, args[0], args[1], args[2], args[3]);

export const handleInvitePhone: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_PHONE', args, ['channel', 'phoneNum', 'sourceNum', 'extra']) ?? services.invites.invitePhone(sender, args[0], args[1], args[2], args[3]);

export const handleInviteDtmf: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_DTMF', args, ['channel', 'phoneNum', 'dtmf']) ?? services.invites.dtmf(sender, args[0], args[1], args[2]);

export const handleInviteAccept: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_ACCEPT', args, ['channel', 'account', 'uid', 'extra']) ?? services.invites.answer(sender, 'accept', args[0], args[1], args[2], args[3]);

export const handleInviteRefuse: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_REFUSE', args, ['channel', 'account', 'uid', 'extra']) ?? services.invites.answer(sender, 'refuse', args[0], args[1], args[2], args[3]);

export const handleInviteEnd: RequestHandler = (services, sender, args) =>
  arityProblem('INVITE_END', args, ['channel', 'account', 'uid', 'extra']) ?? services.invites.end(sender, args[0], args[1], args[2], args[3]);

/** The deprecated messageDTMFSend: values [serverMsgId]. */
export const handleMessageDtmf: RequestHandler = (services, sender, args) =>
  arityProblem('MSG_DTMF', args, ['uid', 'msg']) ?? services.invites.dtmfToCurrentCall(sender, args[0], args[1], () => services.nextServerMsgId());
