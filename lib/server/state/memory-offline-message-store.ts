import { AGORA_E_CODE } from '../../protocol/error-codes';
import { MemoryBudget } from './memory-budget';
import type { ScheduledTask, Scheduler } from './scheduler';
import type { Refusal } from './channel-store';
import { accountHoldsMost, appHoldsMost, serverHoldsMost } from './held-message-refusals';
import type { HeldMessage, OfflineMessageListener, OfflineMessageStore } from './offline-message-store';
import { userKey } from './user-key';

export interface OfflineBounds {
  maxMessagesPerApp: number;
  maxBytesPerApp: number;
  maxMessagesPerAccount: number;
  /** Messages held for every App ID together (0 = no bound). */
  maxMessagesTotal?: number;
  /** Their bytes (0 = no bound). */
  maxBytesTotal?: number;
}

/** What the budget is charged for a held message beyond its bytes (entry, timer, sender fields). */
const HELD_OVERHEAD_BYTES = 128;

function heldCharge(message: HeldMessage): number {
  return message.msg.length + HELD_OVERHEAD_BYTES;
}

interface Held {
  readonly message: HeldMessage;
  readonly task: ScheduledTask;
}

interface AppUsage {
  messages: number;
  bytes: number;
}

/** Held messages in this process's memory; each expiry is one entry of the shared Scheduler. */
export class MemoryOfflineMessageStore implements OfflineMessageStore {
  /** Per (App ID, account): held messages by serverMsgId, in sending order. */
  private readonly queues = new Map<string, Map<number, Held>>();
  private readonly usage = new Map<string, AppUsage>();
  /** Every App ID's together. */
  private readonly total: AppUsage = { messages: 0, bytes: 0 };
  private listener: OfflineMessageListener | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly bounds: OfflineBounds,
    /** Charged for every message held (category heldMessages); unbounded unless the server's. */
    private readonly budget: MemoryBudget = new MemoryBudget(0),
  ) {}

  setListener(listener: OfflineMessageListener): void {
    this.listener = listener;
  }

  hold(appId: string, account: string, message: HeldMessage): Refusal | null {
    const usage = this.usage.get(appId) ?? { messages: 0, bytes: 0 };
    const { maxMessagesPerApp, maxBytesPerApp, maxMessagesPerAccount } = this.bounds;
    const key = userKey(appId, account);
    const queue = this.queues.get(key);
    if ((queue?.size ?? 0) >= maxMessagesPerAccount) {
      return accountHoldsMost(maxMessagesPerAccount);
    }
    if (usage.messages >= maxMessagesPerApp || usage.bytes + message.msg.length > maxBytesPerApp) {
      return appHoldsMost(maxMessagesPerApp, maxBytesPerApp);
    }
    const maxMessagesTotal = this.bounds.maxMessagesTotal ?? 0;
    const maxBytesTotal = this.bounds.maxBytesTotal ?? 0;
    if ((maxMessagesTotal > 0 && this.total.messages >= maxMessagesTotal) || (maxBytesTotal > 0 && this.total.bytes + message.msg.length > maxBytesTotal)) {
      return serverHoldsMost(maxMessagesTotal, maxBytesTotal);
    }
    if (!this.budget.tryCharge('heldMessages', heldCharge(message))) {
      return {
        code: AGORA_E_CODE.SENDMESSAGE_E_OTHER,
        text: `the peer is offline and the server's memory budget (${this.budget.limitBytes} bytes) is used up; held messages take ${this.budget.snapshot().byCategory.heldMessages} bytes of it`,
      };
    }
    const kept: HeldMessage = { ...message, msg: message.msg.slice() };
    const task = this.scheduler.at(message.expiresAtMs, () => this.expire(appId, account, key, kept.serverMsgId));
    const target = queue ?? new Map<number, Held>();
    if (queue === undefined) this.queues.set(key, target);
    target.set(kept.serverMsgId, { message: kept, task });
    usage.messages++;
    usage.bytes += kept.msg.length;
    this.usage.set(appId, usage);
    this.total.messages++;
    this.total.bytes += kept.msg.length;
    return null;
  }

  takeAll(appId: string, account: string): readonly HeldMessage[] {
    const key = userKey(appId, account);
    const queue = this.queues.get(key);
    if (queue === undefined) return [];
    this.queues.delete(key);
    const out: HeldMessage[] = [];
    for (const held of queue.values()) {
      this.scheduler.cancel(held.task);
      this.release(appId, held.message);
      out.push(held.message);
    }
    return out;
  }

  close(): void {
    for (const queue of this.queues.values()) {
      for (const held of queue.values()) {
        this.scheduler.cancel(held.task);
        this.budget.release('heldMessages', heldCharge(held.message));
      }
    }
    this.queues.clear();
    this.usage.clear();
    this.total.messages = this.total.bytes = 0;
  }

  private expire(appId: string, account: string, key: string, serverMsgId: number): void {
    const queue = this.queues.get(key);
    const held = queue?.get(serverMsgId);
    if (queue === undefined || held === undefined) return;
    queue.delete(serverMsgId);
    if (queue.size === 0) this.queues.delete(key);
    this.release(appId, held.message);
    this.listener?.expired(appId, account, held.message);
  }

  private release(appId: string, message: HeldMessage): void {
    this.total.messages--;
    this.total.bytes -= message.msg.length;
    this.budget.release('heldMessages', heldCharge(message));
    const usage = this.usage.get(appId);
    if (usage === undefined) return;
    usage.messages--;
    usage.bytes -= message.msg.length;
    if (usage.messages === 0) this.usage.delete(appId);
  }
}
