// Shared pieces of the addon tests: a recorder of callbacks and a runner of child processes.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { ICallBack } from '../../lib';

/** The repository root (this file runs from dist/test/03-addon). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** A port nothing listens on: connections are refused at once. */
export const UNREACHABLE_SERVER = '127.0.0.1:1';

export interface Seen {
  name: string;
  args: unknown[];
}

/** Records every callback it receives and lets a test wait for one. */
export class CallbackRecorder {
  readonly seen: Seen[] = [];
  private wake: Array<() => void> = [];

  readonly handler: ICallBack = new Proxy({} as ICallBack, {
    get: (_target, prop) =>
      typeof prop === 'string' && prop.startsWith('on')
        ? (...args: unknown[]) => {
            this.seen.push({ name: prop, args });
            for (const w of this.wake.splice(0)) w();
          }
        : undefined,
  });

  named(name: string): Seen[] {
    return this.seen.filter((s) => s.name === name);
  }

  async waitFor(name: string, match: (args: unknown[]) => boolean = () => true, timeoutMs = 10000): Promise<Seen> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.find((s) => s.name === name && match(s.args));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        const log = this.seen.map((s) => `${s.name}(${s.args.map((a) => JSON.stringify(a)).join(', ')})`);
        throw new Error(`timed out waiting for ${name}; saw: ${log.join('; ') || 'nothing'}`);
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a compiled fixture (dist/test/03-addon/fixtures/<name>.js) in a fresh Node process and
 * reports how it ended; a child still running after `killAfterMs` is killed (signal SIGKILL).
 */
export function runFixture(name: string, args: string[] = [], killAfterMs = 15000): Promise<ChildResult> {
  const script = path.join(__dirname, 'fixtures', `${name}.js`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, AGORA_SIG_SERVER: UNREACHABLE_SERVER },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
