/**
 * @jest-environment ./test/sql/drivers-environment.js
 *
 * The SQLite driver (better-sqlite3 in worker threads) on a file of its own, through the shared driver
 * contract, plus what only SQLite needs: the event loop stays free during a long statement, a stopped
 * statement's thread is gone, a relative path resolves against the declaring file's directory, and a
 * file that appears later is opened then.
 */
import Sqlite from 'better-sqlite3';
import { mkdtempSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseTimeoutError, DatabaseUnavailableError, RowLimitError } from '../../src/errors';
import { openDatabase } from '../../src/sql/databases';
import type { Database } from '../../src/sql/types';
import { driverContract, eventually } from './drivers-contract';

const dir = mkdtempSync(join(tmpdir(), 'drivers-sqlite-'));
const file = join(dir, 'plant.db');

/** Recursive-CTE steps per second on this machine (measured once), so `sleep(s)` lasts about s. */
let stepsPerSecond = 1;

function busyFor(seconds: number, tag: string): string {
  const steps = Math.max(1, Math.round(seconds * stepsPerSecond));
  return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${steps}) SELECT count(*) /* ${tag} */ FROM c`;
}

/** Runs until stopped. */
function forever(tag: string): string {
  return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) /* ${tag} */ FROM c`;
}

function createFile(path: string): void {
  const db = new Sqlite(path);
  db.exec(`
    CREATE TABLE types (ts DATETIME, epoch TIMESTAMP, amount DECIMAL(12, 3), big INTEGER, n INTEGER, label TEXT,
      flag BOOLEAN, raw BLOB);
    INSERT INTO types VALUES ('2024-03-01 12:00:00.250', 1709294400, 12345.678, 9007199254740991, NULL, 'a', 1,
      x'626964');
    CREATE TABLE notes (body TEXT);`);
  const started = process.hrtime.bigint();
  db.prepare(busyFor(0, 'calibrate').replace(/x < \d+/, 'x < 300000')).get();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  stepsPerSecond = Math.max(1, Math.round(300_000 / seconds));
  db.close();
}

driverContract(
  'sqlite',
  async () => {
    createFile(file);
    return {
      url: `sqlite:${file}`,
      unreachableUrl: `sqlite:${join(dir, 'missing.db')}`,
      typesQuery: { text: 'SELECT *, ? AS param FROM types', params: ['bound'] },
      types: {
        columns: [
          { name: 'ts', type: 'time' },
          { name: 'epoch', type: 'time' },
          { name: 'amount', type: 'number' },
          { name: 'big', type: 'number' },
          { name: 'n', type: 'number' },
          { name: 'label', type: 'string' },
          { name: 'flag', type: 'boolean' },
          { name: 'raw', type: 'other' },
          { name: 'param', type: 'string' },
        ],
        rows: [
          [
            Date.UTC(2024, 2, 1, 12, 0, 0, 250),
            Date.UTC(2024, 2, 1, 12, 0, 0),
            12345.678,
            9007199254740991,
            null,
            'a',
            true,
            'bid',
            'bound',
          ],
        ],
      },
      sleep: (seconds, tag) => (seconds >= 5 ? forever(tag) : busyFor(seconds, tag)),
      longSeconds: 10,
      series: (n) =>
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i FROM s`,
      write: `INSERT INTO notes VALUES ('x')`,
      readOnlyMessage: /readonly database/,
      // A stopped statement's thread is terminated: the tests below count threads instead.
      running: () => Promise.resolve(undefined),
    };
  },
  () => Promise.resolve(),
  { outage: false },
);

describe('sqlite driver: worker processes', () => {
  const opened: Database[] = [];
  const open = (config: { url?: string; statementTimeout?: number; pool?: number } = {}): Database => {
    const db = openDatabase({ name: 'plant', url: `sqlite:${file}`, ...config }, { baseDir: dir, env: {} });
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the event loop responsive during a long statement, and kills its process at the timeout', async () => {
    const db = open({ statementTimeout: 800, pool: 2 });
    await db.query({ text: 'SELECT 1', params: [] }, { signal: new AbortController().signal, maxRows: 1 });
    expect(db.stats()).toEqual({ open: 1, idle: 1, waiting: 0 });
    let worst = 0;
    let last = Date.now();
    const tick = setInterval(() => {
      const now = Date.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
    }, 10);
    const started = Date.now();
    const err = await db
      .query({ text: forever('lag'), params: [] }, { signal: new AbortController().signal, maxRows: 1 })
      .catch((e: unknown) => e);
    clearInterval(tick);
    expect(err).toBeInstanceOf(DatabaseTimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
    // The statement ran ~800 ms in another process: this thread never waited more than a few timer ticks.
    expect(worst).toBeLessThan(100);
    const stats = await eventually(
      () => db.stats(),
      (s) => s.open === 0,
    );
    expect(stats).toEqual({ open: 0, idle: 0, waiting: 0 });
    await expect(
      db.query({ text: 'SELECT 2 AS two', params: [] }, { signal: new AbortController().signal, maxRows: 1 }),
    ).resolves.toEqual({ columns: [{ name: 'two', type: 'number' }], rows: [[2]] });
  });

  it.each([
    // Read whole under SELECT * FROM (…) LIMIT cap + 1.
    ['a plain SELECT', 'SELECT n AS n, n * 2 AS twice FROM s ORDER BY n DESC', ['n', 'twice']],
    [
      'one ending in a comment',
      'SELECT n AS n, n * 2 AS twice FROM s ORDER BY n DESC -- newest first',
      ['n', 'twice'],
    ],
    // Stepped row by row: the wrapper would rename the second `n`, or does not parse.
    ['duplicate column names', 'SELECT n AS n, n * 2 AS n FROM s ORDER BY n DESC', ['n', 'n']],
    ['a trailing semicolon', 'SELECT n AS n, n * 2 AS twice FROM s ORDER BY n DESC;', ['n', 'twice']],
  ])(
    'answers %s in its own order and column names, and past maxRows answers the row cap',
    async (_, text, names) => {
      const db = open();
      const sql = `WITH s(n) AS (VALUES (1), (2), (3)) ${text}`;
      const signal = new AbortController().signal;
      const result = await db.query({ text: sql, params: [] }, { signal, maxRows: 3 });
      expect(result.columns.map((c) => c.name)).toEqual(names);
      expect(result.rows).toEqual([
        [3, 6],
        [2, 4],
        [1, 2],
      ]);
      const capped = await db
        .query({ text: sql, params: [] }, { signal, maxRows: 2 })
        .catch((e: unknown) => e);
      expect(capped).toBeInstanceOf(RowLimitError);
    },
  );

  it('answers a PRAGMA, which no wrapper can hold, and binds the parameters of a wrapped statement before its cap', async () => {
    const db = open();
    const signal = new AbortController().signal;
    const pragma = await db.query({ text: 'PRAGMA table_info(notes)', params: [] }, { signal, maxRows: 10 });
    expect(pragma.rows.map((row) => row[1])).toEqual(['body']);
    const bound = await db.query(
      { text: 'SELECT ? AS a, ? + 1 AS b', params: ['x', 41] },
      { signal, maxRows: 1 },
    );
    expect(bound.rows).toEqual([['x', 42]]);
  });

  it('serves other statements in other processes while one runs', async () => {
    const db = open({ statementTimeout: 3000, pool: 2 });
    const slow = db
      .query({ text: forever('other'), params: [] }, { signal: AbortSignal.timeout(1500), maxRows: 1 })
      .catch((e: unknown) => e);
    const started = Date.now();
    await expect(
      db.query(
        { text: 'SELECT 3 AS three', params: [] },
        { signal: new AbortController().signal, maxRows: 1 },
      ),
    ).resolves.toMatchObject({ rows: [[3]] });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(await slow).toBeInstanceOf(DatabaseTimeoutError);
  });

  it('resolves a relative path against the declaring file directory and opens a file that appears later', async () => {
    const later = join(dir, 'later.db');
    const db = open({ url: 'sqlite:later.db' });
    const err = await db
      .query({ text: 'SELECT 1', params: [] }, { signal: new AbortController().signal, maxRows: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toMatch(/^database "plant" is unreachable: /);
    const building = join(dir, 'building.db');
    createFile(building);
    renameSync(building, later);
    await expect(
      db.query(
        { text: 'SELECT label FROM types', params: [] },
        { signal: new AbortController().signal, maxRows: 1 },
      ),
    ).resolves.toEqual({ columns: [{ name: 'label', type: 'string' }], rows: [['a']] });
  });
});
