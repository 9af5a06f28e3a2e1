import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startServer } from './harness';
import { runProgram, runThroughCut } from './programs';

// A C++ program written against the Windows surface, linked to the plain core library (no Node),
// logs in and does a message round trip against the server (channel_roundtrip: in a channel;
// call_roundtrip: one accepted call).
describe('04 e2e: a native C++ program against the server', function () {
  this.timeout(30000);
  const buildDir = process.env.AGORA_SIG_NATIVE_BUILD_DIR ?? path.join(REPO_ROOT, 'build-native');

  for (const name of ['chat_roundtrip', 'chat_roundtrip_shared', 'channel_roundtrip', 'call_roundtrip']) {
    it(`${name} logs in two instances and completes its message round trip`, async function () {
      const exe = path.join(buildDir, 'native/examples', name);
      if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run npm run test:native first`);
      const { server, tcpPort } = await startServer();
      try {
        const out = await runProgram([exe, 'demo-app'], tcpPort);
        expect(out.code, out.stdout + out.stderr).to.equal(0);
        expect(out.stdout).to.contain('ok');
      } finally {
        await server.close();
      }
    });
  }

  it('reconnect_roundtrip keeps both sessions across a cut connection: a message sent meanwhile and one after arrive once, in order', async function () {
    const exe = path.join(buildDir, 'native/examples', 'reconnect_roundtrip');
    if (!fs.existsSync(exe)) throw new Error(`${exe} is missing: run npm run test:native first`);
    const out = await runThroughCut([exe, 'demo-app']);
    expect(out.cut, out.stdout + out.stderr).to.equal(true);
    expect(out.code, out.stdout + out.stderr).to.equal(0);
    expect(out.stdout).to.match(/alice reconnecting[\s\S]*alice reconnected/);
    expect(out.stdout).to.contain('bob got "during" from alice\nbob got "after" from alice\nok\n');
  });
});
