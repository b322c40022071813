/**
 * The page's files, read once and kept in memory: the sources of src/ui/static (copied to dist/ui/static
 * by the build, so the same lookup works from source and from dist/) and uPlot from its package. Each
 * is kept raw and gzipped, with a strong ETag, so a reload of the page costs a 304 per file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Asset {
  readonly type: string;
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const STATIC_DIR = join(__dirname, 'static');

/** uPlot's browser build and its stylesheet, served as `vendor/…`. */
export const VENDOR_FILES = ['uPlot.iife.min.js', 'uPlot.min.css'] as const;

function asset(path: string): Asset {
  const raw = readFileSync(path);
  return {
    type: TYPES[extname(path)] ?? 'application/octet-stream',
    raw,
    gzip: gzipSync(raw, { level: 9 }),
    etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
  };
}

let cached: ReadonlyMap<string, Asset> | undefined;

/** Every file the page may load, by its path under `ui/` (`index.html`, `app.mjs`, `vendor/uPlot.min.css`). */
export function uiAssets(): ReadonlyMap<string, Asset> {
  if (cached !== undefined) return cached;
  const map = new Map<string, Asset>();
  for (const name of readdirSync(STATIC_DIR).sort()) {
    if (TYPES[extname(name)] !== undefined) map.set(name, asset(join(STATIC_DIR, name)));
  }
  const uplot = join(dirname(require.resolve('uplot/package.json')), 'dist');
  for (const name of VENDOR_FILES) map.set(`vendor/${name}`, asset(join(uplot, name)));
  cached = map;
  return map;
}
