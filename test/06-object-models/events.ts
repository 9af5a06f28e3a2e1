// A log of the callbacks the object models raised, which a test can wait on.
import { SignalServer } from '../../lib/server';

export class EventLog {
  readonly entries: Array<{ name: string; args: unknown[] }> = [];
  private wake: Array<() => void> = [];

  /** A function that records its calls under `name`. */
  recorder(name: string): (...args: unknown[]) => void {
    return (...args: unknown[]) => this.add(name, args);
  }

  add(name: string, args: unknown[]): void {
    this.entries.push({ name, args });
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  named(name: string): unknown[][] {
    return this.entries.filter((e) => e.name === name).map((e) => e.args);
  }

  /** The arguments of the first `name` that matches, waiting up to `timeoutMs` for it. */
  async waitFor(name: string, match: (args: unknown[]) => boolean = () => true, timeoutMs = 10000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.entries.find((e) => e.name === name && match(e.args));
      if (hit) return hit.args;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.entries.slice(-15).map((e) => `${e.name}(${e.args.map((a) => safe(a)).join(', ')})`);
        throw new Error(`timed out waiting for ${name}; saw: ${seen.join('; ')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export async function startServer(options: Record<string, unknown> = {}): Promise<{ server: SignalServer; address: string }> {
  const server = new SignalServer({ host: '127.0.0.1', tcpPort: 0, wsPort: 0, logLevel: 'silent', ...options } as never);
  const addr = await server.listen();
  return { server, address: `127.0.0.1:${addr.tcpPort}` };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
