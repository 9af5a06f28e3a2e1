/** INVOKE and BC_CALL: the RPC table, answered in RESULT values (code 0 unless the frame itself is wrong). */
import { then } from '../state/maybe-promise';
import { arityProblem } from './arity';
import type { RequestHandler } from './request-handler';
import { success } from '../reply';
import { answerJson, callRpc } from './rpc-table';

function utf8Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

const NO_ERROR = new Uint8Array(0);

/** values [err, resp]: err "" on success, else the AGORA_E_CODE as decimal text; resp JSON. */
export const handleInvoke: RequestHandler = (services, sender, args) =>
  arityProblem('INVOKE', args, ['name', 'req']) ??
  then(callRpc(services, sender, args[0], args[1]), (answer) =>
    success([answer.ok ? NO_ERROR : utf8Bytes(String(answer.code)), utf8Bytes(answerJson(answer))]),
  );

/** values [reason, json]: reason "" on success, else a readable text; json as INVOKE's resp. */
export const handleBcCall: RequestHandler = (services, sender, args) =>
  arityProblem('BC_CALL', args, ['func', 'args']) ??
  then(callRpc(services, sender, args[0], args[1]), (answer) => success([answer.ok ? NO_ERROR : utf8Bytes(answer.reason), utf8Bytes(answerJson(answer))]));
