import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatThroughInstalledPackage, cleanEnv, cleanup, installInto, nodeOnlyBin, packRepository, run, scratch } from './installed-app';

// What a user of linux-x64 gets from `npm install agora-sig`: the packed package installs into an
// empty app on a machine with no CMake and no compiler (PATH: node and npm only), using the
// prebuild it ships, and the app chats through it against the package's own server. Slow (a pack
// and an install): run once.
describe('10-package: install from the tarball with no compiler, using the prebuild', function () {
  this.timeout(300000);
  let dir = '';

  before(() => {
    dir = scratch();
  });
  after(() => cleanup(dir));

  it('installs without building, and a login and a p2p message work through it', async () => {
    const tarball = packRepository(dir);
    const env = cleanEnv(nodeOnlyBin(dir));
    // The PATH really is without the tools a build needs.
    expect(run('/bin/sh', ['-c', 'command -v cmake || command -v c++ || command -v g++ || true'], dir, env).output.trim()).to.equal('');

    const app = path.join(dir, 'app');
    const install = installInto(app, tarball, env);
    console.log(`      npm install: ${(install.ms / 1000).toFixed(1)} s`);
    expect(install.status, install.output).to.equal(0);
    expect(install.output).to.contain('agora-sig: using the prebuilt addon prebuilds/linux-x64/agora_sig_addon.napi.glibc.node');
    const installed = path.join(app, 'node_modules', 'agora-sig');
    expect(fs.existsSync(path.join(installed, 'build')), 'nothing was built').to.equal(false);
    // The Windows prebuild travels in the same package.
    expect(fs.existsSync(path.join(installed, 'prebuilds/win32-x64/agora_sig_addon.napi.node'))).to.equal(true);

    const chat = await chatThroughInstalledPackage(app, env);
    expect(chat.addon).to.equal(path.join(fs.realpathSync(installed), 'prebuilds/linux-x64/agora_sig_addon.napi.glibc.node'));
    expect(chat.uids).to.have.length(2);
    expect(chat.uids[0]).to.not.equal(chat.uids[1]);
    expect(chat.received).to.deep.equal(['alice', 'hello bob']);
    expect(chat.browser.esm).to.equal(path.join(fs.realpathSync(installed), 'dist/browser/signal.mjs'));
    expect(chat.browser.script).to.equal(path.join(fs.realpathSync(installed), 'dist/browser/signal.js'));
  });
});
