/**
 * What /readyz asks: the server's own check (listening, not shutting down) and any the cluster
 * code registers (Redis reachable). Each check answers true, or false or a reason text when not
 * ready; a check that throws, rejects or takes longer than its timeout counts as not ready.
 */
import { isPromise, MaybePromise } from '../state/maybe-promise';

export type ReadinessCheck = () => MaybePromise<boolean | string>;

export interface ReadinessReport {
  ready: boolean;
  /** Check name -> "ok" or why not. */
  checks: Record<string, string>;
}

/** A load balancer probes every few seconds: a check slower than this is as good as failed. */
export const READINESS_TIMEOUT_MS = 2000;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs = READINESS_TIMEOUT_MS) {}

  /** Adds (or replaces) the check `name`, e.g. `readiness.register('redis', () => ping())`. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = [...this.checks];
    const outcomes = await Promise.all(entries.map(([, check]) => this.run(check)));
    const checks: Record<string, string> = {};
    let ready = true;
    entries.forEach(([name], i) => {
      checks[name] = outcomes[i];
      if (outcomes[i] !== 'ok') ready = false;
    });
    return { ready, checks };
  }

  private async run(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = check();
      const value = isPromise(answer)
        ? await Promise.race([
            answer,
            new Promise<string>((resolve) => {
              timer = setTimeout(() => resolve(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
            }),
          ])
        : answer;
      if (value === true) return 'ok';
      return value === false ? 'not ready' : value;
    } catch (e) {
      return `failed: ${(e as Error)?.message ?? String(e)}`;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
