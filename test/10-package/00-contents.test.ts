import { expect } from 'chai';
import { REPO_ROOT, run } from './installed-app';

// What `npm pack` puts in the package: everything an install needs (both prebuilds, the install
// script, the sources a build from source compiles, the compiled TypeScript and the browser
// bundle), and none of the repository's tests, benchmarks or build directories.
describe('10-package: the contents of the packed package', () => {
  it('ships the prebuilds, the install script and the sources of a build, and nothing huge', function () {
    this.timeout(60000);
    const r = run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], REPO_ROOT, process.env);
    expect(r.status, r.output).to.equal(0);
    const [pack] = JSON.parse(r.output.slice(r.output.indexOf('['))) as [{ size: number; unpackedSize: number; files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    for (const needed of [
      'package.json',
      'scripts/install.js',
      'prebuilds/linux-x64/agora_sig_addon.napi.glibc.node',
      'prebuilds/win32-x64/agora_sig_addon.napi.node',
      'CMakeLists.txt',
      'native/CMakeLists.txt',
      'native/addon/CMakeLists.txt',
      'native/addon/win_delay_load_hook.cpp',
      'native/include/agora_sig.h',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/server/cli.js',
      'dist/browser/signal.mjs',
      'dist/browser/signal.d.mts',
      'dist/browser/signal.js',
      'dist/browser/signal.d.ts',
      'docs/electron.md',
    ]) {
      expect(files, needed).to.include(needed);
    }
    const unwanted = files.filter((f) => /^(test|bench|build[^/]*|dist\/test|dist\/bench|native\/test|native\/examples|node_modules)\//.test(f));
    expect(unwanted).to.deep.equal([]);
    expect(files.some((f) => f.startsWith('native/src/'))).to.equal(true);
    expect(pack.size, 'the tarball').to.be.below(4 * 1024 * 1024);
    expect(pack.unpackedSize, 'unpacked').to.be.below(12 * 1024 * 1024);
  });
});
