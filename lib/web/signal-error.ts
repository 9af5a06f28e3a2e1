/** An error reported by the SDK: an AGORA_E_CODE value, the server's (or the SDK's) text, and the method. */
export class SignalError extends Error {
  constructor(readonly code: number, text: string, readonly method: string) {
    super(`${method}: ${text} (${code})`);
    this.name = 'SignalError';
  }
}
