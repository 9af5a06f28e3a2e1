import { OP_NAMES, Op } from '../../protocol';
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { failure } from '../reply';
import { RequestHandler } from './request-handler';

/** A known op this server does not implement yet: code 1000 with the documented text. */
export function notSupported(op: Op): RequestHandler {
  const reply = failure(AGORA_E_CODE.GENERAL_E, `${OP_NAMES[op]} is not supported by this server yet`);
  return () => reply;
}
