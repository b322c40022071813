import { existsSync, lstatSync } from 'node:fs';
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
