import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Refusal } from './channel-store';
import type { UserAttr, UserAttrStore } from './user-attr-store';
import { userKey } from './user-key';

/** User attributes in this process's memory. */
export class MemoryUserAttrStore implements UserAttrStore {
  private readonly users = new Map<string, Map<string, Uint8Array>>();

  constructor(private readonly maxAttrsPerAccount: number) {}

  set(appId: string, account: string, name: string, value: Uint8Array): Refusal | null {
    const key = userKey(appId, account);
    let attrs = this.users.get(key);
    if (value.length === 0) {
      attrs?.delete(name);
      if (attrs?.size === 0) this.users.delete(key);
      return null;
    }
    if (attrs === undefined) {
      attrs = new Map();
      this.users.set(key, attrs);
    }
    if (!attrs.has(name) && attrs.size >= this.maxAttrsPerAccount) {
      return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `an account holds at most ${this.maxAttrsPerAccount} attributes` };
    }
    attrs.set(name, value.slice());
    return null;
  }

  get(appId: string, account: string, name: string): Uint8Array | undefined {
    return this.users.get(userKey(appId, account))?.get(name);
  }

  getAll(appId: string, account: string): readonly UserAttr[] {
    const attrs = this.users.get(userKey(appId, account));
    return attrs === undefined ? [] : [...attrs];
  }
}
