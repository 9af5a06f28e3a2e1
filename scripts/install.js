#!/usr/bin/env node
// The package's `install` script: use a prebuilt addon when one loads here, and only otherwise
// build from source with cmake-js. "Loads" is decided by loading it in a child process, the only
// test that covers everything (platform, architecture, libc, a missing system library) without
// keeping a module loaded in npm's own process. When nothing loads and a build is impossible, the
// error names what is missing (CMake, a C++ compiler) instead of a CMake stack of errors.
//
// AGORA_SIG_BUILD_FROM_SOURCE=1 skips the prebuilds (to test or debug a build from source).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = `${process.platform}-${process.arch}`;

/** Loads `file` in a fresh Node; returns null when it loads, else why not. */
function loadFailure(file) {
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8' });
  if (r.error) return r.error.message;
  if (r.status === 0) return null;
  const lines = (r.stderr || '').split('\n').filter((l) => /Error/.test(l));
  return lines[0] || `exit code ${r.status}${r.signal ? `, signal ${r.signal}` : ''}`;
}

/** The prebuilds shipped for this platform-arch (lib/loader.ts picks among those that load). */
function prebuilds() {
  const dir = path.join(root, 'prebuilds', target);
  try {
    return fs.readdirSync(dir).filter((n) => n.endsWith('.node')).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** Whether `command --version` runs. */
function runs(command) {
  const r = spawnSync(command, ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' });
  return !r.error && r.status === 0;
}

/** What a build from source needs and this machine lacks. */
function missingTools() {
  const missing = [];
  if (!runs(process.env.CMAKE || 'cmake')) missing.push('CMake 3.16 or newer (`cmake` on PATH)');
  // On Windows cmake-js finds Visual Studio itself; elsewhere CMake needs a compiler on PATH.
  if (process.platform !== 'win32') {
    const compilers = [process.env.CXX, 'c++', 'g++', 'clang++'].filter(Boolean);
    if (!compilers.some(runs)) missing.push(`a C++17 compiler (tried ${compilers.join(', ')})`);
  }
  return missing;
}

function main() {
  const tried = [];
  if (process.env.AGORA_SIG_BUILD_FROM_SOURCE !== '1') {
    const files = prebuilds();
    if (files.length === 0) tried.push(`no prebuild for ${target}`);
    for (const file of files) {
      const why = loadFailure(file);
      if (why === null) {
        console.log(`agora-sig: using the prebuilt addon ${path.relative(root, file)}`);
        return 0;
      }
      tried.push(`${path.relative(root, file)}: ${why}`);
    }
  } else {
    tried.push('prebuilds skipped (AGORA_SIG_BUILD_FROM_SOURCE=1)');
  }

  console.log(`agora-sig: no prebuilt addon loads here (${tried.join('; ')}); building from source`);
  const missing = missingTools();
  if (missing.length > 0) {
    console.error(
      `agora-sig: cannot build the native addon from source: missing ${missing.join(' and ')}.\n` +
        `  Prebuilds: ${tried.join('; ')}.\n` +
        '  Install the missing tools and run `npm rebuild agora-sig`, or use a platform with a prebuild ' +
        '(linux-x64 glibc, win32-x64).',
    );
    return 1;
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--CDAGORA_SIG_BUILD_TESTS=OFF'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error(`agora-sig: the build from source failed (cmake-js exit code ${build.status}); see above.`);
    return 1;
  }
  const built = path.join(root, 'build', 'Release', 'agora_sig_addon.node');
  const why = loadFailure(built);
  if (why !== null) {
    console.error(`agora-sig: built ${built}, but it does not load: ${why}`);
    return 1;
  }
  console.log(`agora-sig: built the addon from source: ${path.relative(root, built)}`);
  return 0;
}

process.exitCode = main();
