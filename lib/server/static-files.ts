/**
 * The files the HTTP side of the WebSocket port serves: the browser SDK bundle (/signal.js,
 * /signal.mjs and their declarations, from dist/browser) and the demo page with its assets (`/`,
 * from the `public` folder). Everything else is 404; only GET and HEAD are answered.
 */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.mts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const BUNDLE_FILES = new Set(['signal.js', 'signal.mjs', 'signal.d.ts', 'signal.d.mts', 'signal.js.map', 'signal.mjs.map']);

/** The package root: the nearest folder above this file holding a package.json. */
function packageRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

export interface StaticFolders {
  /** dist/browser: the SDK bundle. */
  bundle: string;
  /** Candidates for the demo page, first existing one wins (sources first, then the built copy). */
  public: string[];
}

export function defaultStaticFolders(): StaticFolders {
  const root = packageRoot(__dirname);
  return {
    bundle: path.join(root, 'dist/browser'),
    public: [path.join(root, 'lib/server/public'), path.join(root, 'dist/lib/server/public')],
  };
}

/** Resolves a URL path under `folder`, or undefined when it would leave the folder. */
function fileUnder(folder: string, urlPath: string): string | undefined {
  const file = path.resolve(folder, '.' + path.posix.normalize('/' + urlPath));
  return file === folder || file.startsWith(folder + path.sep) ? file : undefined;
}

/** Handles the request when it names a served file; returns false to let the caller answer. */
export function serveStatic(folders: StaticFolders, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return false;
  }
  if (urlPath.includes('\0')) return false;
  let file: string | undefined;
  const name = urlPath.replace(/^\/+/, '');
  if (BUNDLE_FILES.has(name)) {
    file = path.join(folders.bundle, name);
  } else {
    const publicDir = folders.public.find((dir) => fs.existsSync(dir));
    if (publicDir === undefined) return false;
    file = fileUnder(publicDir, urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath);
  }
  if (file === undefined) return false;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (!stat.isFile()) return false;
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers: http.OutgoingHttpHeaders = { 'content-type': type, 'content-length': stat.size, 'cache-control': 'no-cache' };
  // Pages of other origins load the SDK (an ES module needs CORS for that).
  if (BUNDLE_FILES.has(name)) headers['access-control-allow-origin'] = '*';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return true;
}
