/**
 * How a worker (a process or a thread) loads a file of src/sql. From dist/ every file is .js and loads as
 * it is. Under ts-jest (or any run from src/) this module and the worker's file are .ts: the worker then
 * runs a small loader that makes require() compile .ts files with the project's TypeScript first.
 */
import { dirname, extname, join } from 'node:path';

/** Whether this code runs from its TypeScript sources. */
export const FROM_SOURCE = extname(__filename) === '.ts';

/** The path of `base` (a file beside this one, without extension) as this build has it. */
export function workerFile(base: string): string {
  return join(__dirname, `${base}${FROM_SOURCE ? '.ts' : '.js'}`);
}

/**
 * Where compiled sources are kept between workers: loading TypeScript itself took most of a worker's
 * start (about half a second), so a worker compiles a file only the first time its text is seen.
 */
function cacheDir(): string {
  return join(
    dirname(require.resolve('typescript/package.json')),
    '..',
    '.cache',
    'simplejson-server-workers',
  );
}

/** Code (for `node -e` or an eval'd Worker) that loads `file` with .ts files compiled on require. */
export function sourceLoader(file: string): string {
  return `
const fs = require('node:fs');
const { join } = require('node:path');
const { createHash } = require('node:crypto');
const dir = ${JSON.stringify(cacheDir())};
let ts;
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = join(dir, createHash('sha1').update(filename + '\\0' + source).digest('hex') + '.js');
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    ts ??= require(${JSON.stringify(require.resolve('typescript'))});
    output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    // Written aside, then renamed: a worker starting beside this one reads a whole file or none.
    const aside = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(aside, output);
    fs.renameSync(aside, cached);
  }
  module._compile(output, filename);
};
require(${JSON.stringify(file)});
`;
}
