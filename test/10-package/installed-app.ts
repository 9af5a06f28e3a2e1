// The package as an app gets it: `npm pack` of this repository, installed with npm from the
// tarball into an empty app folder (dependencies from the npm cache, else the registry), with a PATH that
// holds only node and npm unless a test adds the build tools. Then the installed package's own
// server (its bin) and a chat between two clients of the installed addon.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitForPort } from '../04-e2e/harness';

/** The repository root (this file runs from dist/test/10-package). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface Run {
  status: number | null;
  output: string;
  ms: number;
}

/** A scratch folder for one test, removed by `cleanup`. */
export function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-package-'));
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A bin folder holding only `node`, `npm` and `sh` (npm runs scripts with it), as links to the
 * ones of this machine: a PATH of it alone has no CMake and no compiler (the system's node lives
 * beside both in /usr/bin).
 */
export function nodeOnlyBin(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  // npm's own script (npm-cli.js), which finds node through PATH.
  const npm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  if (!npm) throw new Error('npm is not on PATH');
  fs.symlinkSync(fs.realpathSync(npm), path.join(bin, 'npm'));
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
  return bin;
}

/**
 * The environment of an install or an app: the given PATH, this user's HOME (and so its npm
 * cache), and nothing of the npm run that may have started the tests (npm_config_* would leak).
 */
export function cleanEnv(PATH: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH, HOME: os.homedir(), LANG: 'C.UTF-8', ...extra };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return env;
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 600000): Run {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { status: r.status, output, ms: Date.now() - started };
}

/**
 * `npm pack` of the repository into `dir` (scripts skipped: dist/ is what these tests run from,
 * already built). Refuses to pack without both prebuilds, which the first test relies on.
 */
export function packRepository(dir: string): string {
  for (const target of ['linux-x64', 'win32-x64']) {
    const d = path.join(REPO_ROOT, 'prebuilds', target);
    if (!fs.existsSync(d) || !fs.readdirSync(d).some((n) => n.endsWith('.node'))) {
      throw new Error(`${d} has no prebuild: run npm run build:prebuilds first`);
    }
  }
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT, process.env);
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.output}`);
  const [{ filename }] = JSON.parse(r.output.slice(r.output.indexOf('['))) as [{ filename: string }];
  return path.join(dir, filename);
}

/** The same tarball without prebuilds/: the package as seen on a platform it ships none for. */
export function withoutPrebuilds(tarball: string, dir: string): string {
  const unpacked = path.join(dir, 'unpacked');
  fs.mkdirSync(unpacked);
  let r = run('tar', ['-xzf', tarball, '-C', unpacked], dir, process.env);
  if (r.status !== 0) throw new Error(r.output);
  fs.rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true, force: true });
  const out = path.join(dir, 'agora-sig-no-prebuilds.tgz');
  r = run('tar', ['-czf', out, '-C', unpacked, 'package'], dir, process.env);
  if (r.status !== 0) throw new Error(r.output);
  return out;
}

/**
 * An empty app folder with a package.json, then `npm install <tarball>` in it. --prefer-offline,
 * not --offline: a cache filled by lockfile installs holds the dependencies' tarballs but not
 * their registry documents, which a fresh app's install needs (ENOTCACHED offline).
 */
export function installInto(app: string, tarball: string, env: NodeJS.ProcessEnv): Run {
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // --foreground-scripts: the install script's own lines (which addon it chose) in the output.
  return run('npm', ['install', '--prefer-offline', '--foreground-scripts', '--no-audit', '--no-fund', tarball], app, env);
}

/** What the app's chat script reports (see CHAT_SCRIPT). */
export interface ChatResult {
  addon: string;
  uids: number[];
  received: [string, string];
  browser: { esm: string; script: string };
}

// The app: two clients of the installed package log in to the server and one sends the other a
// message; also resolves the browser bundle through the package's exports.
const CHAT_SCRIPT = `
const { AgoraClient, loadAddon } = require('agora-sig');
const server = process.argv[2];
(async () => {
  const alice = new AgoraClient({ server });
  const bob = new AgoraClient({ server });
  const received = new Promise((resolve) =>
    bob.once('messageInstantReceive', (from, _uid, msg) => resolve([from, msg])));
  const uids = await Promise.all([alice.login('alice', { appId: 'app' }), bob.login('bob', { appId: 'app' })]);
  await alice.sendInstant('bob', 'hello bob');
  const result = {
    addon: loadAddon().file,
    uids,
    received: await received,
    browser: { esm: require.resolve('agora-sig/browser'), script: require.resolve('agora-sig/browser/signal.js') },
  };
  alice.destroy();
  bob.destroy();
  console.log(JSON.stringify(result));
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;

/**
 * Starts the installed package's server (node_modules/.bin/agora-sig-server), runs the chat
 * script in the app against it, stops the server, and returns what the script reported.
 */
export async function chatThroughInstalledPackage(app: string, env: NodeJS.ProcessEnv): Promise<ChatResult> {
  const [tcpPort, wsPort] = [await freePort(), await freePort()];
  const server = spawn(
    path.join(app, 'node_modules', '.bin', 'agora-sig-server'),
    ['--host', '127.0.0.1', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort), '--log-level', 'error'],
    { cwd: app, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitForPort(tcpPort, 15000);
    fs.writeFileSync(path.join(app, 'chat.js'), CHAT_SCRIPT);
    const r = run('node', ['chat.js', `127.0.0.1:${tcpPort}`], app, env, 60000);
    if (r.status !== 0) throw new Error(`the app's chat failed (exit ${r.status}):\n${r.output}`);
    return JSON.parse(r.output.trim().split('\n').pop()!) as ChatResult;
  } finally {
    server.kill('SIGKILL');
  }
}
