// Finds and loads the native addon: a prebuilt binary for this platform first (as prebuildify
// lays them out), then the local cmake-js / node-gyp build. When none loads, the error names every
// path tried and why each failed.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The addon's file name in a local build. */
export const ADDON_FILE = 'agora_sig_addon.node';

/** The package root: the nearest directory above this file holding package.json. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`agora-sig: no package.json above ${from}`);
    dir = parent;
  }
}

function libcTag(): string {
  if (process.platform !== 'linux') return '';
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * The prebuilt binaries that may fit this process, best first. prebuildify names them
 * `<name>[.napi][.abiNN][.uvN][.armvN][.glibc|.musl].node` in `prebuilds/<platform>-<arch>/`.
 */
export function prebuildCandidates(root: string): string[] {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.node'));
  } catch {
    return [];
  }
  const libc = libcTag();
  const fitting = names.filter((name) => {
    const tags = name.slice(0, -'.node'.length).split('.').slice(1);
    for (const tag of tags) {
      if (/^abi\d+$/.test(tag) && tag !== `abi${process.versions.modules}`) return false;
      if ((tag === 'glibc' || tag === 'musl') && libc && tag !== libc) return false;
      if (tag === 'electron' && !process.versions.electron) return false;
    }
    return true;
  });
  const score = (name: string): number => (name.includes('.napi') ? 0 : 1);
  return fitting.sort((a, b) => score(a) - score(b) || a.localeCompare(b)).map((n) => path.join(dir, n));
}

/** The local builds, Release before Debug. */
export function localBuildCandidates(root: string): string[] {
  return [
    path.join(root, 'build', 'Release', ADDON_FILE),
    path.join(root, 'build', 'Debug', ADDON_FILE),
  ];
}

export interface LoadedAddon<T> {
  /** The file that loaded. */
  file: string;
  exports: T;
}

/** Loads the addon, or throws an Error naming every path tried and its failure. */
export function loadAddon<T>(root: string = packageRoot()): LoadedAddon<T> {
  const prebuilds = prebuildCandidates(root);
  const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const attempts: string[] = [];
  if (prebuilds.length === 0) attempts.push(`${prebuildDir}${path.sep}*.node: no prebuild for this platform`);
  for (const file of [...prebuilds, ...localBuildCandidates(root)]) {
    if (!fs.existsSync(file)) {
      attempts.push(`${file}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return { file, exports: require(file) as T };
    } catch (err) {
      attempts.push(`${file}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    'agora-sig: the native addon could not be loaded. Tried:\n' +
      attempts.map((a) => `  - ${a}`).join('\n') +
      '\nBuild it with `npm run build:native` (cmake-js) or `npx node-gyp rebuild`, ' +
      'or install a package that ships prebuilds.',
  );
}
