/**
 * `simplejson-server check [dir]`: loads a fixtures directory as the server would at start, and prints
 * what it would serve and any warnings, or every error. Listens on nothing; answers the exit status
 * (0: it loads, 2: it does not, or a bad option) and never exits the process, so tests run it in-process.
 */
import { parseArgs } from 'node:util';
import { FixtureError } from '../errors';
import { closeDatabasesOf, databasesOf, holdingProcess } from '../fixtures/databases';
import { inspectFixtures } from '../fixtures/load';
import type { Registry } from '../registry/registry';
import { FixtureErrors } from '../fixtures/problems';
import { describeRegistry } from '../fixtures/summary';
import type { Io } from '../grafana/io';
import { type Clock, systemClock } from '../time/clock';
import { type Env, lookup } from './settings';
import { BUNDLED_FIXTURES } from './start';

export const CHECK_USAGE = `Usage: simplejson-server check [dir] [options]

Loads a fixtures directory the way the server does at start, then prints what it would serve
(metrics with their kind and source, tables, annotation sets, counts) and its warnings, or every
error (file, line, column, field). Nothing listens.

The directory is dir, else --fixtures, else FIXTURES_DIR, else the bundled demo.

Options:
  --fixtures DIR   directory of fixture files (*.json, *.csv)       env FIXTURES_DIR
  -h, --help       print this help

Exit status: 0 when the fixtures load (warnings included), 2 when they do not or an option is wrong.`;

/** Runs `check [dir] [--fixtures DIR]` (argv without `check`); answers the exit status. */
export async function runCheck(
  argv: readonly string[],
  env: Env,
  io: Io,
  clock: Clock = systemClock,
): Promise<number> {
  let parsed: ReturnType<typeof parseCheckArgs>;
  try {
    parsed = parseCheckArgs(argv);
  } catch (err) {
    io.err(`simplejson-server check: ${(err as Error).message}\n(see simplejson-server check --help)`);
    return 2;
  }
  if (parsed.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  const given = parsed.dir ?? lookup(parsed.values, 'fixtures', env, 'FIXTURES_DIR')?.[1];
  const dir = given ?? BUNDLED_FIXTURES;
  const name = given ?? 'the bundled demo';
  try {
    const { registry, files, warnings } = await inspectFixtures(dir, { clock });
    io.out(`Fixtures: ${name} (${files.length} JSON file${files.length === 1 ? '' : 's'})`);
    for (const line of describeRegistry(registry)) io.out(line);
    for (const line of await describeDatabases(registry)) io.out(line);
    io.out(`Warnings (${warnings.length}):`);
    for (const warning of warnings) io.out(`  ${warning}`);
    io.out('OK: the fixtures load');
    return 0;
  } catch (err) {
    if (!(err instanceof FixtureError)) throw err;
    const errors = err instanceof FixtureErrors ? err.errors : [err];
    const total = err instanceof FixtureErrors ? err.total : 1;
    io.err(`Fixtures: ${name}`);
    io.err(`${total} error${total === 1 ? '' : 's'}:`);
    for (const e of errors) io.err(`  ${e.message}`);
    if (total > errors.length) io.err(`  … and ${total - errors.length} more`);
    io.err('FAILED: the server would not start with these fixtures');
    return 2;
  }
}

/** How long `check` waits for each database to answer `SELECT 1`. */
const PING_MS = 3000;

/**
 * One line per declared database: whether it answers now. A database that does not answer is not an
 * error of the fixtures (the server starts, and answers that database's metrics with an error until it
 * answers), so it does not change the exit code. The databases are closed afterwards.
 */
async function describeDatabases(registry: Registry): Promise<string[]> {
  const list = databasesOf(registry);
  if (list.length === 0) return [];
  const width = Math.max(...list.map((db) => db.name.length));
  // Until every database has answered or timed out, and been closed.
  const lines = await holdingProcess(async () => {
    const answers = await Promise.all(
      list.map(async (db) => {
        const state = await db.ping(AbortSignal.timeout(PING_MS)).then(
          () => 'answers',
          (err: unknown) => `does not answer: ${(err as Error).message}`,
        );
        return `  ${db.name.padEnd(width)}  ${db.dialect.padEnd(8)}  ${state}`;
      }),
    );
    await closeDatabasesOf(registry);
    return answers;
  });
  return [`Databases (${list.length}):`, ...lines];
}

function parseCheckArgs(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { fixtures: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 1) throw new Error(`expected one directory, got ${positionals.length}`);
  const [dir] = positionals;
  if (dir !== undefined && values.fixtures !== undefined)
    throw new Error('give the directory either as an argument or with --fixtures, not both');
  return { values, dir, help: values.help === true };
}
