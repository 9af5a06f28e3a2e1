import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeAddon, nativeAddonPath } from '../../lib/binding';
import { loadAddon, packageRoot } from '../../lib/loader';
import { REPO_ROOT } from './helpers';

describe('03-addon: loader', () => {
  it('finds the package root from the compiled file', () => {
    expect(packageRoot()).to.equal(REPO_ROOT);
  });

  it('loads the addon (a prebuild or the local build) as a Node-API 8 module', () => {
    const addon = nativeAddon();
    expect(addon.SdkInstance).to.be.a('function');
    expect(addon.napiVersion).to.equal(8);
    expect(nativeAddonPath()).to.match(/\.node$/);
    expect(fs.existsSync(nativeAddonPath())).to.equal(true);
  });

  it('prefers a prebuild for this platform over the local build', function () {
    // The module this process loaded: the local build is of another platform in Windows Node.
    const local = nativeAddonPath();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-loader-'));
    try {
      fs.writeFileSync(path.join(root, 'package.json'), '{"name":"agora-sig"}');
      const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
      fs.mkdirSync(prebuildDir, { recursive: true });
      fs.copyFileSync(local, path.join(prebuildDir, 'agora-sig.napi.node'));
      fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
      fs.writeFileSync(path.join(root, 'build', 'Release', 'agora_sig_addon.node'), 'not a binary');
      const loaded = loadAddon<{ napiVersion: number }>(root);
      expect(loaded.file).to.equal(path.join(prebuildDir, 'agora-sig.napi.node'));
      expect(loaded.exports.napiVersion).to.equal(8);
    } finally {
      try {
        fs.rmSync(root, { recursive: true, force: true });
      } catch (err) {
        // Windows refuses to delete a module still loaded (until the process exits): leave it.
        if (process.platform !== 'win32') throw err;
      }
    }
  });

  it('fails with a message naming every path tried and why', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-sig-loader-'));
    try {
      fs.writeFileSync(path.join(root, 'package.json'), '{"name":"agora-sig"}');
      fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
      const broken = path.join(root, 'build', 'Release', 'agora_sig_addon.node');
      fs.writeFileSync(broken, 'not a binary');
      let message = '';
      try {
        loadAddon(root);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.contain('could not be loaded');
      expect(message).to.contain(path.join(root, 'prebuilds', `${process.platform}-${process.arch}`));
      expect(message).to.contain(`${broken}: `);
      expect(message).to.contain(`${path.join(root, 'build', 'Debug', 'agora_sig_addon.node')}: not found`);
      expect(message).to.contain('npm run build:native');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
