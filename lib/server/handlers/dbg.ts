/** DBG(a, b): a few diagnostics, answered as values [a', b'] for onDbg. */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import { arityProblem } from './arity';
import { failure, success } from '../reply';
import { RequestHandler } from './request-handler';

export const SERVER_VERSION = 'agora-sig-server 0.1.0, protocol 1';

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

const COMMANDS: Record<string, (services: Parameters<RequestHandler>[0], b: Uint8Array, appId: string) => Uint8Array[]> = {
  ping: (_s, b) => [bytes('pong'), b],
  echo: (_s, b) => [bytes('echo'), b],
  server_time: () => [bytes('server_time'), bytes(String(Date.now()))],
  version: () => [bytes('version'), bytes(SERVER_VERSION)],
  // The caller's own App ID only: with any App ID accepted, server-wide counts would tell one
  // tenant about the others.
  stats: (services, _b, appId) => [bytes('stats'), bytes(JSON.stringify(services.appStats(appId)))],
};

export const handleDbg: RequestHandler = (services, sender, args) => {
  const wrong = arityProblem('DBG', args, ['a', 'b']);
  if (wrong !== null) return wrong;
  const name = Buffer.from(args[0]).toString('utf8');
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `unknown dbg command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})`);
  return success(command(services, args[1], sender.appId));
};
