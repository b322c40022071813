/**
 * @jest-environment ./test/sql/drivers-environment.js
 *
 * The thread behind a PostgreSQL or MySQL/MariaDB database (src/sql/threaded.ts): what crosses between
 * it and the server (coded errors, results by column), and what happens when it stops. The drivers'
 * own behaviour through the thread is the shared driver contract (drivers-postgres, drivers-mysql).
 */
import type { Worker } from 'node:worker_threads';
import {
  AppError,
  DatabaseQueryError,
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  RowLimitError,
} from '../../src/errors';
import { columnarResult } from '../../src/sql/columnar';
import { openDatabase } from '../../src/sql/databases';
import { reviveError } from '../../src/sql/threaded';
import { packColumns, wireError } from '../../src/sql/threaded-worker';
import type { Database, ResultSet } from '../../src/sql/types';
import { type PostgresHandle, postgresUrl } from '../support/databases';

describe('errors crossing from the thread', () => {
  const cause = Object.assign(new Error('relation "nope" does not exist'), { code: '42P01' });
  it.each([
    ['DatabaseUnavailableError', new DatabaseUnavailableError('plant', 'connect ECONNREFUSED', cause)],
    ['DatabaseTimeoutError', new DatabaseTimeoutError('plant', 'the statement ran past 5000 ms', cause)],
    ['DatabaseQueryError', new DatabaseQueryError('plant', 'relation "nope" does not exist', cause)],
    ['RowLimitError', new RowLimitError('plant', 100)],
  ])('%s keeps its class, code, status, message and database', (_, original) => {
    const revived = reviveError('plant', wireError(original));
    expect(revived).toBeInstanceOf(original.constructor);
    expect(revived).toBeInstanceOf(AppError);
    expect({
      name: revived.name,
      code: revived.code,
      statusCode: revived.statusCode,
      message: revived.message,
      database: (revived as unknown as { database: string }).database,
    }).toEqual({
      name: original.name,
      code: original.code,
      statusCode: original.statusCode,
      message: original.message,
      database: 'plant',
    });
    if (original.cause !== undefined) {
      expect(revived.cause).toMatchObject({ message: 'relation "nope" does not exist', code: '42P01' });
    }
  });

  it('answers an error that is not coded as the database being unreachable, with its message', () => {
    const revived = reviveError('plant', wireError(new TypeError('boom')));
    expect(revived).toBeInstanceOf(DatabaseUnavailableError);
    expect(revived.message).toBe('boom');
  });
});

describe('results crossing from the thread', () => {
  it('packs rows by column and reads back the same columns and rows, NULLs included', () => {
    const result: ResultSet = {
      columns: [
        { name: 'time', type: 'time' },
        { name: 'value', type: 'number' },
        { name: 'room', type: 'string' },
        { name: 'mixed', type: 'other' },
      ],
      rows: [
        [1_700_000_000_000, 21.5, 'kitchen', 'x'],
        [1_700_000_060_000, null, 'hall', 2],
        [1_700_000_120_000, 19, null, null],
      ],
    };
    const { values, buffers } = packColumns(result);
    expect(values.map((column) => column.kind)).toEqual(['numbers', 'numbers', 'strings', 'cells']);
    // The time and value arrays, the value column's NULL mask, the room codes: moved, not copied.
    expect(buffers).toHaveLength(4);
    expect(columnarResult(result.columns, values, 3)).toEqual(result);
  });
});

describe('a PostgreSQL database behind its thread', () => {
  let handle: PostgresHandle;
  const opened: Database[] = [];
  const open = (): Database => {
    const db = openDatabase({ name: 'plant', url: handle.url }, { baseDir: __dirname, env: {} });
    opened.push(db);
    return db;
  };
  const signal = () => AbortSignal.timeout(20_000);
  const threadOf = (db: Database) => (db as unknown as { thread: { worker: Worker } | undefined }).thread;

  beforeAll(async () => {
    handle = await postgresUrl();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  afterAll(async () => {
    await handle.close();
  });

  it('answers by column: the values arrive as typed arrays', async () => {
    const db = open();
    const result = await db.query(
      { text: 'SELECT g * 1.5 AS value, $1::text AS room FROM generate_series(1, 3) AS g', params: ['hall'] },
      { signal: signal(), maxRows: 10 },
    );
    expect(result).toEqual({
      columns: [
        { name: 'value', type: 'number' },
        { name: 'room', type: 'string' },
      ],
      rows: [
        [1.5, 'hall'],
        [3, 'hall'],
        [4.5, 'hall'],
      ],
    });
    // A typed array of the process's own realm (jest's globals are a realm of their own).
    const values = (result.byColumn?.[0] as { values: Float64Array }).values;
    expect(Object.prototype.toString.call(values)).toBe('[object Float64Array]');
    expect(Array.from(values)).toEqual([1.5, 3, 4.5]);
  });

  it('fails the statements in flight as DATABASE_UNAVAILABLE when the thread stops, then starts a new one', async () => {
    const db = open();
    await db.ping(signal());
    const first = threadOf(db);
    const running = db.query({ text: 'SELECT pg_sleep(2)', params: [] }, { signal: signal(), maxRows: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first?.worker.terminate();
    const err = (await running.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect(err.message).toMatch(/^database "plant" is unreachable: the database thread exited/);
    const again = await db.query({ text: 'SELECT 7 AS n', params: [] }, { signal: signal(), maxRows: 10 });
    expect(again.rows).toEqual([[7]]);
    expect(threadOf(db)).not.toBe(first);
  });

  it('ends its thread on close, and refuses statements after it', async () => {
    const db = open();
    await db.ping(signal());
    const thread = threadOf(db);
    const exited = new Promise<number>((resolve) => thread?.worker.once('exit', resolve));
    await db.close();
    await exited;
    const err = (await db
      .query({ text: 'SELECT 1', params: [] }, { signal: signal(), maxRows: 1 })
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect(err.message).toBe('database "plant" is unreachable: the database is closed');
    expect(db.stats()).toEqual({ open: 0, idle: 0, waiting: 0 });
  });
});
