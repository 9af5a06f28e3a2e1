/**
 * Child processes of the benchmark: started with the highest file descriptor limit allowed, their
 * stdout split into lines, killed when their time is up, and never left behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';

export interface BoundedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  /** Last lines of stderr, for error reports. */
  stderrTail(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

const STDERR_TAIL_BYTES = 4000;
const STOP_GRACE_MS = 3000;

const running = new Set<BoundedProcess>();

/**
 * Starts `command` through a shell that first raises the open-file limit to its hard limit (the
 * idle and fan-out scenarios need many sockets), then replaces itself with the command so that
 * the pid is the program's own.
 */
export function startBounded(
  name: string,
  command: string[],
  timeoutMs: number,
  onLine: (line: string) => void = () => undefined,
  echoStderr = false,
): BoundedProcess {
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'bench', ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`cannot start ${name}: ${command.join(' ')}`);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (echoStderr) process.stderr.write(chunk);
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      onLine(partial.slice(0, newline));
      partial = partial.slice(newline + 1);
    }
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      if (partial.length > 0) onLine(partial);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const timer = setTimeout(() => {
    stderr += `\n${name} killed after ${timeoutMs} ms`;
    child.kill('SIGKILL');
  }, timeoutMs);
  const handle: BoundedProcess = {
    child,
    pid: child.pid,
    name,
    stderrTail: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
    },
  };
  running.add(handle);
  void exited.then(() => {
    clearTimeout(timer);
    running.delete(handle);
  });
  return handle;
}

/** Kills whatever is still running (on an error or Ctrl+C of the runner). */
export function killAllStarted(): void {
  for (const p of running) p.child.kill('SIGKILL');
}

/** Resolves once a TCP connection to host:port succeeds; rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, process?: BoundedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process && (process.child.exitCode !== null || process.child.signalCode !== null)) {
      throw new Error(`${process.name} exited before listening: ${process.stderrTail()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
