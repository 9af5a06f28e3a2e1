import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgoraClient } from '../../lib';
import { REPO_ROOT, startServer } from './harness';

// The Windows addon talking to the Linux server: the win32-x64 prebuild loaded by the official
// Windows Node 20 under Wine (both prepared by scripts/test-windows-node.sh, which also runs the
// addon's own suite in that Node) logs in to the server running in this Linux process and trades a
// message with a client of the Linux addon. Proves the module loads and its Winsock networking
// works against a real server; docs/electron.md says what it does not prove.
describe('04 e2e: the win32-x64 addon in Windows Node under Wine, against the Linux server', function () {
  this.timeout(90000);
  const dir = process.env.AGORA_SIG_WINDOWS_NODE_DIR ?? path.join(REPO_ROOT, 'build-windows-node');
  const nodeExe = path.join(dir, 'node/bin/node.exe');
  const wine = ['/usr/bin/wine64', '/usr/lib/wine/wine64'].find((p) => fs.existsSync(p)) ?? 'wine64';

  /** Runs the Windows client fixture with `exe` (a Windows Node) and checks the whole exchange. */
  async function chatFromWindows(exe: string): Promise<void> {
    const { server, tcpPort } = await startServer();
    const bob = new AgoraClient({ server: `127.0.0.1:${tcpPort}` });
    const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-windows-node-'));
    try {
      await bob.login('linux-bob', { appId: 'windows-node' });
      const heard = new Promise<[string, string]>((resolve) =>
        bob.once('messageInstantReceive', (from: string, _uid: number, msg: string) => {
          resolve([from, msg]);
          void bob.sendInstant(from, 'hello from linux');
        }),
      );
      // Its output goes to files: Windows Node under Wine cannot open a Unix pipe as stdout (EBADF).
      const [outFile, errFile] = [path.join(logs, 'stdout'), path.join(logs, 'stderr')];
      const [outFd, errFd] = [fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')];
      const fixture = path.join(__dirname, 'fixtures', 'windows-client.js');
      const child = spawn(wine, [exe, fixture, `127.0.0.1:${tcpPort}`, 'win-alice', 'linux-bob'], {
        env: { ...process.env, WINEPREFIX: path.join(dir, 'wineprefix'), WINEDEBUG: '-all' },
        stdio: ['ignore', outFd, errFd],
      });
      fs.closeSync(outFd);
      fs.closeSync(errFd);
      const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      const stdout = fs.readFileSync(outFile, 'utf8');
      const stderr = fs.readFileSync(errFile, 'utf8');

      const steps = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, string>);
      const output = `exit ${code}\n${stdout}\n${stderr}`;
      expect(code, output).to.equal(0);
      const login = steps.find((s) => s.step === 'login');
      expect(login, output).to.not.equal(undefined);
      expect(login!.platform).to.equal('win32');
      expect(login!.arch).to.equal('x64');
      expect(login!.addon).to.match(/prebuilds[\\/]win32-x64[\\/]agora_sig_addon\.napi\.node$/);
      expect(Number(login!.uid)).to.be.greaterThan(0);
      expect(await heard).to.deep.equal(['win-alice', 'hello from win32']);
      expect(steps.find((s) => s.step === 'reply')?.text, output).to.equal('linux-bob: hello from linux');
    } finally {
      bob.destroy();
      await server.close();
      fs.rmSync(logs, { recursive: true, force: true });
    }
  }

  it('logs in, sends a p2p message and receives the answer', async () => {
    if (!fs.existsSync(nodeExe)) throw new Error(`${nodeExe} is missing: run bash scripts/test-windows-node.sh first`);
    await chatFromWindows(nodeExe);
  });

  // Electron's executable is the app's own (YourApp.exe), not node.exe, yet exports Node-API: the
  // prebuild imports node.exe delay-loaded and its hook hands over the running executable. Without
  // the hook this host dies at the first Node-API call (delay-load exception 0xc06d007e).
  it('does the same in a host whose executable is not named node.exe, as in Electron', async () => {
    if (!fs.existsSync(nodeExe)) throw new Error(`${nodeExe} is missing: run bash scripts/test-windows-node.sh first`);
    const host = path.join(dir, 'renamed-host', 'ElectronLikeApp.exe');
    if (!fs.existsSync(host)) {
      fs.mkdirSync(path.dirname(host), { recursive: true });
      fs.linkSync(nodeExe, host);
    }
    await chatFromWindows(host);
  });
});
