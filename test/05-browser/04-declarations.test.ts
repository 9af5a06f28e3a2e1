// The bundle's type declarations compile in an application's TypeScript: the global (signal.d.ts)
// for a classic-script page, the module (signal.d.mts) for an importing one.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../04-e2e/harness';

const GLOBAL_APP = `/// <reference path="${path.join(REPO_ROOT, 'dist/browser/signal.d.ts')}" />
Signal.setServer('ws://127.0.0.1:9721');
const session: Signal.Session = Signal('appid').login('alice', '_no_need_token', 10, 30);
session.onLoginSuccess = (uid: number) => console.log(uid);
const channel: Signal.Channel = new Signal('appid', { server: 'ws://127.0.0.1:9721' }).login('bob', 't').channelJoin('room');
channel.onChannelUserList = (users) => users.forEach(([account, uid]) => console.log(account.length + uid));
session.invoke('io.agora.signal.channel_query_num', { name: 'room' }, (err, val) => console.log(err?.code, val));
`;

const MODULE_APP = `import Signal, { Call, Session } from '${path.join(REPO_ROOT, 'dist/browser/signal.mjs')}';
const session: Session = Signal('appid').login('alice', '_no_need_token');
session.onInviteReceived = (call: Call) => call.channelInviteAccept('{}');
session.channelInviteUser2('ch', 'bob', '').onInviteFailed = (extra: string, code: number) => console.log(extra, code);
`;

const BROKEN_APP = `/// <reference path="${path.join(REPO_ROOT, 'dist/browser/signal.d.ts')}" />
const n: number = Signal('appid').login('alice', 't').getStatus();
Signal('appid').login(42);
`;

function typecheck(file: string, text: string, module: boolean): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-dts-'));
  try {
    fs.writeFileSync(path.join(dir, file), text);
    const config = {
      compilerOptions: {
        strict: true, noEmit: true, lib: ['es2020', 'dom'], types: [],
        ...(module ? { module: 'nodenext', moduleResolution: 'nodenext' } : {}),
      },
      files: [file],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("05 browser: the bundle's type declarations", function () {
  this.timeout(60000);

  it('type a classic-script page through the global Signal', () => {
    const r = typecheck('page.ts', GLOBAL_APP, false);
    expect(r.output).to.equal('');
    expect(r.ok).to.equal(true);
  });

  it('type an ES module importing signal.mjs', () => {
    const r = typecheck('page.mts', MODULE_APP, true);
    expect(r.output).to.equal('');
    expect(r.ok).to.equal(true);
  });

  it('catch a wrong call', () => {
    const r = typecheck('page.ts', BROKEN_APP, false);
    expect(r.ok).to.equal(false);
    expect(r.output).to.match(/page\.ts\(3,/);
  });
});
