import { AGORA_E_CODE } from '../../protocol/error-codes';
import { MemoryBudget } from './memory-budget';
import type { Refusal } from './channel-store';
import { accountUserAttrsTooBig, tooManyUserAttrs, userAttrsTotalReached } from './user-attr-refusals';
import type { UserAttr, UserAttrStore } from './user-attr-store';
import { userKey } from './user-key';

/** What user attributes may hold (docs/server.md, "Memory budget"). */
export interface UserAttrBounds {
  /** Attributes of one account. */
  maxAttrsPerAccount: number;
  /** Bytes of one account's names and values (0 = no bound). */
  maxBytesPerAccount: number;
  /** Bytes of the names and values of every account, online and offline (0 = no bound). */
  maxBytesTotal: number;
}

/** What the budget is charged for an attribute beyond its name and value (map entry, buffer). */
const ATTR_OVERHEAD_BYTES = 64;

interface AccountAttrs {
  readonly attrs: Map<string, Uint8Array>;
  /** Bytes of the names and values. */
  bytes: number;
}

/** User attributes in this process's memory. */
export class MemoryUserAttrStore implements UserAttrStore {
  private readonly users = new Map<string, AccountAttrs>();
  /** Bytes of the names and values of every account. */
  private totalBytes = 0;

  constructor(private readonly bounds: UserAttrBounds, private readonly budget: MemoryBudget = new MemoryBudget(0)) {}

  set(appId: string, account: string, name: string, value: Uint8Array): Refusal | null {
    const key = userKey(appId, account);
    const entry = this.users.get(key);
    const previous = entry?.attrs.get(name);
    if (value.length === 0) {
      if (entry !== undefined && previous !== undefined) {
        entry.attrs.delete(name);
        this.account(entry, -(name.length + previous.length));
        this.budget.release('userAttrs', name.length + previous.length + ATTR_OVERHEAD_BYTES);
        if (entry.attrs.size === 0) this.users.delete(key);
      }
      return null;
    }
    const { maxAttrsPerAccount, maxBytesPerAccount, maxBytesTotal } = this.bounds;
    const size = entry?.attrs.size ?? 0;
    if (previous === undefined && size >= maxAttrsPerAccount) {
      return tooManyUserAttrs(maxAttrsPerAccount);
    }
    const growth = previous === undefined ? name.length + value.length : value.length - previous.length;
    const accountBytes = (entry?.bytes ?? 0) + growth;
    if (maxBytesPerAccount > 0 && growth > 0 && accountBytes > maxBytesPerAccount) {
      return accountUserAttrsTooBig(accountBytes, maxBytesPerAccount);
    }
    if (maxBytesTotal > 0 && growth > 0 && this.totalBytes + growth > maxBytesTotal) {
      return userAttrsTotalReached(maxBytesTotal);
    }
    const charge = previous === undefined ? growth + ATTR_OVERHEAD_BYTES : growth;
    if (charge > 0 && !this.budget.tryCharge('userAttrs', charge)) {
      return {
        code: AGORA_E_CODE.GENERAL_E_FAILED,
        text: `the server's memory budget (${this.budget.limitBytes} bytes) is used up; user attributes hold ${this.budget.snapshot().byCategory.userAttrs} bytes of it`,
      };
    }
    if (charge < 0) this.budget.release('userAttrs', -charge);
    let target = entry;
    if (target === undefined) {
      target = { attrs: new Map(), bytes: 0 };
      this.users.set(key, target);
    }
    target.attrs.set(name, value.slice());
    this.account(target, growth);
    return null;
  }

  get(appId: string, account: string, name: string): Uint8Array | undefined {
    return this.users.get(userKey(appId, account))?.attrs.get(name);
  }

  getAll(appId: string, account: string): readonly UserAttr[] {
    const entry = this.users.get(userKey(appId, account));
    return entry === undefined ? [] : [...entry.attrs];
  }

  private account(entry: AccountAttrs, bytes: number): void {
    entry.bytes += bytes;
    this.totalBytes += bytes;
  }
}
