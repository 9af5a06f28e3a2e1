// Bundles the Web SDK (lib/web) for browsers: dist/browser/signal.js (a classic script defining
// the global `Signal`) and dist/browser/signal.mjs (an ES module), with their type declarations
// (signal.d.ts for the global, signal.d.mts for the module), made from lib/web/api-types.ts.
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/browser');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const banner = `/* agora-sig Web SDK ${pkg.version} (${pkg.license}) */`;

await mkdir(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2019',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: path.join(root, 'tsconfig.json'),
};

await build({
  ...common,
  entryPoints: [path.join(root, 'lib/web/browser-global.ts')],
  outfile: path.join(out, 'signal.js'),
  format: 'iife',
  banner: { js: banner },
});

await build({
  ...common,
  entryPoints: [path.join(root, 'lib/web/index.ts')],
  outfile: path.join(out, 'signal.mjs'),
  format: 'esm',
  // The module finds the server it was loaded from through this (lib/web/default-server.ts).
  banner: { js: `${banner}\nconst __SIGNAL_BUNDLE_URL__ = import.meta.url;` },
});

// The declarations: api-types.ts holds only types, so its text is the declaration file's body.
const apiTypes = await readFile(path.join(root, 'lib/web/api-types.ts'), 'utf8');
const header = `// Type declarations of the agora-sig Web SDK ${pkg.version}.\n`;
const moduleDts = `${header}${apiTypes}
declare const Signal: SignalFactory;
export { Signal };
export default Signal;
`;
const globalBody = apiTypes
  .replace(/^\/\*\*[\s\S]*?\*\/\n\n/, '')
  .replace(/^export (interface|type) /gm, '$1 ')
  .replace(/^/gm, '  ')
  .replace(/^ +$/gm, '');
const globalDts = `${header}// The classic script (signal.js) defines the global \`Signal\`; its types live in namespace Signal.
declare namespace Signal {
${globalBody}}
declare const Signal: Signal.SignalFactory;
`;
await writeFile(path.join(out, 'signal.d.mts'), moduleDts);
await writeFile(path.join(out, 'signal.d.ts'), globalDts);
console.log(`browser bundle: ${path.relative(root, out)}/signal.{js,mjs,d.ts,d.mts}`);
