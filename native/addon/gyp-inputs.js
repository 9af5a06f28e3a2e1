#!/usr/bin/env node
// Inputs binding.gyp takes from the CMake build so both stay equivalent:
//   node native/addon/gyp-inputs.js sources  -> every native/src/**/*.cpp (the core library)
//   node native/addon/gyp-inputs.js version  -> the project version of CMakeLists.txt
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function cppFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...cppFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.cpp')) found.push(full);
  }
  return found;
}

function projectVersion() {
  const cmake = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');
  const match = /project\s*\(\s*\S+\s+VERSION\s+([0-9.]+)/i.exec(cmake);
  if (!match) throw new Error('CMakeLists.txt declares no project VERSION');
  return match[1];
}

const what = process.argv[2];
if (what === 'sources') {
  const files = cppFiles(path.join(root, 'native', 'src'))
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .sort();
  process.stdout.write(files.join('\n') + '\n');
} else if (what === 'version') {
  process.stdout.write(projectVersion() + '\n');
} else {
  process.stderr.write('usage: gyp-inputs.js sources|version\n');
  process.exit(2);
}
