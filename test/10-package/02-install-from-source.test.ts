import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatThroughInstalledPackage, cleanEnv, cleanup, installInto, nodeOnlyBin, packRepository, scratch, withoutPrebuilds } from './installed-app';

// A platform the package ships no prebuild for (the packed package with its prebuilds/ removed):
// without build tools the install fails and says which are missing; with them (CMake and the
// system compiler on PATH) it builds the addon with cmake-js inside the app's node_modules, where
// node-addon-api is the app's, not the package's, and the app chats through it. Slow (the build
// from source takes a minute or more): run once.
describe('10-package: install from the tarball without a prebuild for this platform', function () {
  this.timeout(900000);
  let dir = '';
  let tarball = '';
  let bin = '';

  before(() => {
    dir = scratch();
    tarball = withoutPrebuilds(packRepository(dir), dir);
    bin = nodeOnlyBin(dir);
  });
  after(() => cleanup(dir));

  it('fails without CMake and a compiler, naming both', () => {
    const install = installInto(path.join(dir, 'app-no-tools'), tarball, cleanEnv(bin));
    expect(install.status, install.output).to.not.equal(0);
    expect(install.output).to.contain('agora-sig: cannot build the native addon from source: missing CMake');
    expect(install.output).to.match(/and a C\+\+17 compiler \(tried c\+\+, g\+\+, clang\+\+\)/);
    expect(install.output).to.contain(`no prebuild for ${process.platform}-${process.arch}`);
  });

  it('builds from source with CMake and a compiler, and a login and a p2p message work through it', async () => {
    const env = cleanEnv(`${bin}:/usr/local/bin:/usr/bin:/bin`);
    const app = path.join(dir, 'app');
    const install = installInto(app, tarball, env);
    console.log(`      npm install (with the build): ${(install.ms / 1000).toFixed(1)} s`);
    expect(install.status, install.output).to.equal(0);
    expect(install.output).to.contain('agora-sig: built the addon from source: build/Release/agora_sig_addon.node');
    // node-addon-api came from the app's node_modules (npm hoists it there), not the package's.
    expect(fs.existsSync(path.join(app, 'node_modules/node-addon-api/napi.h'))).to.equal(true);
    expect(fs.existsSync(path.join(app, 'node_modules/agora-sig/node_modules/node-addon-api'))).to.equal(false);

    const chat = await chatThroughInstalledPackage(app, env);
    const installed = fs.realpathSync(path.join(app, 'node_modules', 'agora-sig'));
    expect(chat.addon).to.equal(path.join(installed, 'build/Release/agora_sig_addon.node'));
    expect(chat.received).to.deep.equal(['alice', 'hello bob']);
  });
});
