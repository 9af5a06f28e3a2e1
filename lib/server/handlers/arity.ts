import { AGORA_E_CODE } from '../../protocol/error-codes';
import { failure, Reply } from '../reply';

/** The 1004 answer to a wrong argument count, or null when `args` has the `names` it needs. */
export function arityProblem(op: string, args: Uint8Array[], names: readonly string[]): Reply | null {
  if (args.length === names.length) return null;
  const wanted = names.length === 1 ? '1 argument' : `${names.length} arguments`;
  return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `${op} takes ${wanted} (${names.join(', ')}), got ${args.length}`);
}
