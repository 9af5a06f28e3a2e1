import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startServer } from './harness';
import { runProgram, runThroughCut } from './programs';

// The same example programs built for Windows (MinGW-w64, scripts/test-windows.sh) and run under
// Wine against the server: the core's Winsock code (non-blocking connect, the poller, the wake-up
// socket pair, send and receive) doing real logins, messages, channels and calls. The shared
// variant loads libagora_sig.dll, through its exported factories.
describe('04 e2e: the Windows build of the native programs, under Wine', function () {
  this.timeout(60000);
  const buildDir = process.env.AGORA_SIG_WINDOWS_BUILD_DIR ?? path.join(REPO_ROOT, 'build-windows');
  const wine = ['/usr/bin/wine64', '/usr/lib/wine/wine64'].find((p) => fs.existsSync(p)) ?? 'wine64';
  const env = {
    WINEPREFIX: path.join(buildDir, 'wineprefix'),
    WINEDEBUG: '-all',
    // libagora_sig.dll for the shared variant.
    WINEPATH: `Z:${path.join(buildDir, 'native').replace(/\//g, '\\')}`,
  };

  const programs: [string, string[], string][] = [
    ['chat_roundtrip', ['demo-app'], 'ok'],
    ['chat_roundtrip_shared', ['demo-app'], 'ok'],
    ['channel_roundtrip', ['demo-app'], 'ok'],
    ['call_roundtrip', ['demo-app'], 'ok'],
    ['linux_flavour', ['demo-app', 'win-user'], 'logged in, uid '],
  ];
  for (const [name, args, expected] of programs) {
    it(`${name}.exe completes its round trip`, async function () {
      const exe = path.join(buildDir, 'native/examples', `${name}.exe`);
      if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run bash scripts/test-windows.sh first`);
      const { server, tcpPort } = await startServer();
      try {
        const out = await runProgram([wine, exe, ...args], tcpPort, env, 45000);
        expect(out.code, out.stdout + out.stderr).to.equal(0);
        expect(out.stdout).to.contain(expected);
      } finally {
        await server.close();
      }
    });
  }

  it('chat_roundtrip.exe fails login with 202 at once for a tls:// address: the Windows build has no TLS', async function () {
    const exe = path.join(buildDir, 'native/examples', 'chat_roundtrip.exe');
    if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run bash scripts/test-windows.sh first`);
    const { server, tcpPort } = await startServer();
    try {
      const out = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(wine, [exe, 'demo-app'], { env: { ...process.env, ...env, AGORA_SIG_SERVER: `tls://127.0.0.1:${tcpPort}` }, timeout: 45000 }, (err, _stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
        });
      });
      expect(out.code, out.stderr).to.equal(1);
      expect(out.stderr).to.contain('alice: login failed (202)');
    } finally {
      await server.close();
    }
  });

  it('reconnect_roundtrip.exe keeps both sessions across a cut connection: a message sent meanwhile and one after arrive once, in order', async function () {
    const exe = path.join(buildDir, 'native/examples', 'reconnect_roundtrip.exe');
    if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run bash scripts/test-windows.sh first`);
    const out = await runThroughCut([wine, exe, 'demo-app'], env, 55000);
    expect(out.cut, out.stdout + out.stderr).to.equal(true);
    expect(out.code, out.stdout + out.stderr).to.equal(0);
    expect(out.stdout).to.match(/alice reconnecting[\s\S]*alice reconnected/);
    expect(out.stdout).to.contain('bob got "during" from alice\nbob got "after" from alice\nok\n');
  });
});
