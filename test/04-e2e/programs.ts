// The native example programs (native/examples) run against the server by the end-to-end tests,
// on Linux directly and, built for Windows, under Wine. They read the server from AGORA_SIG_SERVER.
import { execFile, spawn } from 'node:child_process';
import { startServer } from './harness';
import { TcpProxy } from './tcp-proxy';

/** What a program printed (Windows line ends made \n) and how it ended. */
export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

// A program built for Windows writes \r\n. (A chunk cut between \r and \n keeps the \r, which
// a test reading whole lines does not mind.)
function unixLines(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Runs a program (`command`: the program, or Wine and the program) against the server at `tcpPort`. */
export function runProgram(command: string[], tcpPort: number, env: NodeJS.ProcessEnv = {}, timeoutMs = 20000): Promise<ProgramRun> {
  return new Promise((resolve) => {
    execFile(command[0], command.slice(1), { env: { ...process.env, ...env, AGORA_SIG_SERVER: `127.0.0.1:${tcpPort}` }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: unixLines(stdout), stderr: unixLines(stderr) });
    });
  });
}

/**
 * Runs reconnect_roundtrip through a TCP relay and cuts every relayed connection once the program
 * says "logged in", turning new connections away for `refuseMs` so that it has to try again.
 */
export async function runThroughCut(command: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 40000, refuseMs = 500): Promise<ProgramRun & { cut: boolean }> {
  const { server, tcpPort } = await startServer();
  const proxy = new TcpProxy(tcpPort);
  const port = await proxy.listen();
  try {
    return await new Promise((resolve) => {
      const child = spawn(command[0], command.slice(1), { env: { ...process.env, ...env, AGORA_SIG_SERVER: `127.0.0.1:${port}` } });
      let stdout = '';
      let stderr = '';
      let cut = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += unixLines(chunk);
        if (!cut && stdout.includes('logged in\n')) {
          cut = true;
          proxy.cut(refuseMs);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += unixLines(chunk)));
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr, cut });
      });
    });
  } finally {
    await proxy.close();
    await server.close();
  }
}
