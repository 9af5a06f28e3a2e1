/** The account rule of docs/protocol.md, shared by LOGIN and by requests that name a peer. */

export const MAX_ACCOUNT_BYTES = 128;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns why `account` is not a valid account, or null when it is: 1 to 128 bytes of visible
 * ASCII (0x21-0x7E) or UTF-8 multi-byte sequences; no spaces or control characters.
 */
export function accountProblem(account: Uint8Array): string | null {
  if (account.length === 0) return 'account is empty';
  if (account.length > MAX_ACCOUNT_BYTES) return `account is ${account.length} bytes, at most ${MAX_ACCOUNT_BYTES} allowed`;
  let ascii = true;
  for (let i = 0; i < account.length; i++) {
    const b = account[i];
    if (b >= 0x80) ascii = false;
    else if (b < 0x21 || b > 0x7e) return `account contains ${b === 0x20 ? 'a space' : `the control byte 0x${b.toString(16).padStart(2, '0')}`}`;
  }
  if (!ascii) {
    try {
      strictUtf8.decode(account);
    } catch {
      return 'account is not valid UTF-8';
    }
  }
  return null;
}
