import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder above this file (source or compiled) holding a package.json
 * that is a real file; the build folder's is a link to the root's (see linkDataFolders in run.ts).
 */
export function repoRoot(): string {
  let dir = __dirname;
  const isRoot = (d: string) =>
    existsSync(join(d, 'package.json')) && !lstatSync(join(d, 'package.json')).isSymbolicLink();
  while (!isRoot(dir)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/**
 * The compiled sources live in .bench-tmp/build/src, and they find schemas/ (and the bundled fixtures)
 * two folders above their own, as from dist/: link those into the build folder.
 */
export function linkDataFolders(): void {
  const root = repoRoot();
  const buildRoot = join(__dirname, '..');
  // The explorer page's static files sit beside its compiled router, as npm run build puts them.
  for (const name of ['schemas', 'fixtures', 'package.json', join('src', 'ui', 'static')]) {
    const link = join(buildRoot, name);
    if (!existsSync(link)) symlinkSync(join(root, name), link);
  }
}
