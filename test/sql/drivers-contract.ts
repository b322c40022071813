/**
 * The tests every database driver passes (one shared suite, run by test/sql/drivers-<dialect>.test.ts
 * against a real database): types, read-only refusal, statement timeout and abort cancelled in the
 * database, unreachable and back, concurrency cap, row cap, credentials never in messages, no leaked
 * connection after many failures.
 */
import { randomBytes } from 'node:crypto';
import {
  DatabaseQueryError,
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  RowLimitError,
} from '../../src/errors';
import { type DatabaseConfig, openDatabase } from '../../src/sql/databases';
import type { Database, ResultSet } from '../../src/sql/types';

/** What a dialect's test file provides once its database is set up. */
export interface DriverSetup {
  /** The URL the driver under test opens (its tables already created). */
  readonly url: string;
  /** A URL of this dialect that nothing answers. */
  readonly unreachableUrl: string;
  /** Takes the database away and brings it back (a TCP proxy, a PGlite restart); undefined for SQLite,
   * whose open files outlive a rename (its own test file covers a file that appears later). */
  readonly outage?: { readonly url: string; down(): Promise<void>; up(): Promise<void> };
  /** SELECT of the types table, with one bound parameter, and what it must answer. */
  readonly typesQuery: {
    readonly text: string;
    readonly params: ReadonlyArray<string | number | boolean | null>;
  };
  readonly types: ResultSet;
  /** A statement that runs `seconds` (SQLite: until stopped), tagged with `marker` so it can be found. */
  sleep(seconds: number, marker: string): string;
  /** How long `sleep` runs in the timeout tests: PGlite cannot cancel, so it sleeps briefly there. */
  readonly longSeconds: number;
  /** A statement answering `n` rows. */
  series(n: number): string;
  /** A write into the database (refused unless readOnly is false), and the refusal's message. */
  readonly write: string;
  readonly readOnlyMessage: RegExp;
  /** Statements tagged `marker` still running in the database; undefined when the database cannot tell. */
  running(marker: string): Promise<number | undefined>;
  /** Config fields every database of this dialect gets (SQLite: a longer connectTimeout for thread start). */
  readonly base?: Partial<DatabaseConfig>;
}

const CONTEXT = { baseDir: '/', env: {} };

export function marker(): string {
  return `m${randomBytes(6).toString('hex')}`;
}

function signal(): AbortSignal {
  return new AbortController().signal;
}

/** Resolves to the rejection (fails the test if the promise resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** Polls until `check` holds or `ms` pass; answers the last value. */
export async function eventually<T>(
  read: () => Promise<T> | T,
  check: (value: T) => boolean,
  ms = 2000,
): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

function settledStats(db: Database, pool: number): Promise<{ open: number; idle: number; waiting: number }> {
  return eventually(
    () => db.stats(),
    (stats) => stats.waiting === 0 && stats.idle === stats.open && stats.open <= pool,
  );
}

export function driverContract(
  dialect: string,
  setup: () => Promise<DriverSetup>,
  teardown: () => Promise<void>,
  { outage = true }: { readonly outage?: boolean } = {},
): void {
  describe(`${dialect} driver (shared contract)`, () => {
    let s: DriverSetup;
    const opened: Database[] = [];
    const open = (config: Partial<DatabaseConfig> = {}): Database => {
      const db = openDatabase({ name: 'plant', url: s.url, ...s.base, ...config }, CONTEXT);
      opened.push(db);
      return db;
    };

    beforeAll(async () => {
      s = await setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((db) => db.close()));
    });
    afterAll(async () => {
      await teardown();
    });

    it('runs with the machine in another time zone (TZ=America/New_York)', () => {
      expect(process.env['TZ']).toBe('America/New_York');
      expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(300);
    });

    it('answers typed columns: timestamps as UTC epoch ms, decimals and bigints as numbers, nulls', async () => {
      const db = open();
      const result = await db.query(s.typesQuery, { signal: signal(), maxRows: 10 });
      expect(result).toEqual(s.types);
    });

    it('refuses a write (read-only by default) with DatabaseQueryError naming the database', async () => {
      const db = open();
      const err = await rejection(db.query({ text: s.write, params: [] }, { signal: signal(), maxRows: 10 }));
      expect(err).toBeInstanceOf(DatabaseQueryError);
      expect(err.message).toMatch(/^database "plant" refused the query: /);
      expect(err.message).toMatch(s.readOnlyMessage);
      const writable = open({ readOnly: false });
      await expect(
        writable.query({ text: s.write, params: [] }, { signal: signal(), maxRows: 10 }),
      ).resolves.toEqual({
        columns: [],
        rows: [],
      });
    });

    it('refuses a bad statement with the database message, and the connection stays usable', async () => {
      const db = open({ pool: 1 });
      const err = await rejection(
        db.query(
          { text: 'SELECT nosuchcolumn FROM nosuchtable', params: [] },
          { signal: signal(), maxRows: 10 },
        ),
      );
      expect(err).toBeInstanceOf(DatabaseQueryError);
      expect(err.message).toMatch(/nosuchtable|nosuchcolumn/i);
      await expect(
        db.query({ text: 'SELECT 1 AS one', params: [] }, { signal: signal(), maxRows: 10 }),
      ).resolves.toMatchObject({
        rows: [[1]],
      });
    });

    it('cancels a statement past statementTimeout in the database: DatabaseTimeoutError within ~1 s', async () => {
      const db = open({ statementTimeout: 300 });
      const tag = marker();
      const started = Date.now();
      const err = await rejection(
        db.query({ text: s.sleep(s.longSeconds, tag), params: [] }, { signal: signal(), maxRows: 10 }),
      );
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(DatabaseTimeoutError);
      expect(err.message).toBe('database "plant" timed out: the statement ran past 300 ms and was cancelled');
      expect(elapsed).toBeLessThan(1000);
      const running = await eventually(
        () => s.running(tag),
        (n) => n === undefined || n === 0,
      );
      if (running !== undefined) expect(running).toBe(0);
      const stats = await settledStats(db, 4);
      expect(stats.waiting).toBe(0);
    });

    it('cancels the statement of an aborted request in the database', async () => {
      const db = open({ statementTimeout: 20_000 });
      const tag = marker();
      const controller = new AbortController();
      const started = Date.now();
      const query = rejection(
        db.query(
          { text: s.sleep(s.longSeconds, tag), params: [] },
          { signal: controller.signal, maxRows: 10 },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The statement is running in the database before the abort (so the check after it means something);
      // a driver's thread started from the TypeScript sources takes a moment to load.
      const before = await eventually(
        () => s.running(tag),
        (n) => n === undefined || n === 1,
        5000,
      );
      if (before !== undefined) expect(before).toBe(1);
      const aborting = Date.now();
      controller.abort();
      const err = await query;
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(Date.now() - aborting).toBeLessThan(500);
      expect(err).toBeInstanceOf(DatabaseTimeoutError);
      expect(err.message).toMatch(/aborted/);
      const running = await eventually(
        () => s.running(tag),
        (n) => n === undefined || n === 0,
      );
      if (running !== undefined) expect(running).toBe(0);
    });

    it('rejects an already aborted request without touching the database', async () => {
      const db = open();
      const controller = new AbortController();
      controller.abort();
      const err = await rejection(
        db.query({ text: 'SELECT 1', params: [] }, { signal: controller.signal, maxRows: 10 }),
      );
      expect(err).toBeInstanceOf(DatabaseTimeoutError);
      expect(db.stats()).toEqual({ open: 0, idle: 0, waiting: 0 });
    });

    it('answers DatabaseUnavailableError fast when nothing answers, and ping says so too', async () => {
      const db = openDatabase(
        { name: 'plant', url: s.unreachableUrl, ...s.base, connectTimeout: 1000 },
        CONTEXT,
      );
      opened.push(db);
      const started = Date.now();
      const err = await rejection(
        db.query({ text: 'SELECT 1', params: [] }, { signal: signal(), maxRows: 10 }),
      );
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect(err.message).toMatch(/^database "plant" is unreachable: /);
      expect(Date.now() - started).toBeLessThan(1500);
      await expect(db.ping(signal())).rejects.toBeInstanceOf(DatabaseUnavailableError);
      if (s.unreachableUrl.startsWith('sqlite:')) return;
      const unknown = new URL(s.unreachableUrl);
      unknown.hostname = 'db.nonexistent.invalid';
      const nowhere = openDatabase({ name: 'plant', url: unknown.toString(), connectTimeout: 1000 }, CONTEXT);
      opened.push(nowhere);
      const lookup = await rejection(
        nowhere.query({ text: 'SELECT 1', params: [] }, { signal: signal(), maxRows: 10 }),
      );
      expect(lookup).toBeInstanceOf(DatabaseUnavailableError);
      expect(lookup.message).toMatch(/^database "plant" is unreachable: .*(ENOTFOUND|EAI_AGAIN)/);
    });

    // SQLite has no connection to cut (an open file keeps working after a rename): its outage is covered
    // by test/sql/http-reliability.test.ts, which moves the file away under load.
    if (outage)
      it('recovers when the database comes back, without leaked connections', async () => {
        if (s.outage === undefined) throw new Error('this dialect declared no outage');
        const { outage: o } = s;
        const db = openDatabase(
          { name: 'plant', url: o.url, ...s.base, connectTimeout: 1000, pool: 2 },
          CONTEXT,
        );
        opened.push(db);
        const one = { text: 'SELECT 1 AS one', params: [] };
        await expect(db.query(one, { signal: signal(), maxRows: 10 })).resolves.toMatchObject({
          rows: [[1]],
        });
        await o.down();
        try {
          await expect(db.query(one, { signal: signal(), maxRows: 10 })).rejects.toBeInstanceOf(
            DatabaseUnavailableError,
          );
          await expect(db.query(one, { signal: signal(), maxRows: 10 })).rejects.toBeInstanceOf(
            DatabaseUnavailableError,
          );
        } finally {
          await o.up();
        }
        const back = await eventually(
          () =>
            db.query(one, { signal: signal(), maxRows: 10 }).then(
              () => true,
              () => false,
            ),
          (ok) => ok,
          3000,
        );
        expect(back).toBe(true);
        await expect(db.ping(signal())).resolves.toBeUndefined();
        const stats = await settledStats(db, 2);
        expect(stats).toEqual({ open: stats.idle, idle: stats.idle, waiting: 0 });
      });

    it('caps concurrent statements at maxConcurrent: the others wait, then run', async () => {
      const db = open({ pool: 3, maxConcurrent: 1, statementTimeout: 5000 });
      const ends: number[] = [];
      const busy = (): Promise<void> =>
        db
          .query(
            { text: s.sleep(0.3, marker()), params: [] },
            { signal: AbortSignal.timeout(s.longSeconds * 1000 + 4000), maxRows: 10 },
          )
          .then(
            () => {
              ends.push(Date.now());
            },
            // SQLite's sleep runs until stopped: the signal above stops it.
            (err: unknown) => {
              ends.push(Date.now());
              if (!(err instanceof DatabaseTimeoutError)) throw err;
            },
          );
      const started = Date.now();
      const first = busy();
      const second = busy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(db.stats()).toMatchObject({ waiting: 1 });
      expect(db.stats().open).toBeLessThanOrEqual(1);
      await Promise.all([first, second]);
      expect(ends).toHaveLength(2);
      expect(Math.max(...ends) - started).toBeGreaterThanOrEqual(550);
    }, 30_000);

    it('answers DatabaseTimeoutError when no slot comes free within queueTimeout, or the waiting request aborts', async () => {
      const db = open({ maxConcurrent: 1, statementTimeout: 20_000, queueTimeout: 200 });
      const hold = new AbortController();
      const holding = db
        .query({ text: s.sleep(s.longSeconds, marker()), params: [] }, { signal: hold.signal, maxRows: 10 })
        .catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const waited = await rejection(
        db.query({ text: 'SELECT 1', params: [] }, { signal: signal(), maxRows: 10 }),
      );
      expect(waited).toBeInstanceOf(DatabaseTimeoutError);
      expect(waited.message).toBe('database "plant" timed out: no connection came free within 200 ms');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const gaveUp = new AbortController();
      const waiting = db.query({ text: 'SELECT 1', params: [] }, { signal: gaveUp.signal, maxRows: 10 });
      expect(db.stats().waiting).toBe(1);
      gaveUp.abort();
      await expect(waiting).rejects.toBeInstanceOf(DatabaseTimeoutError);
      expect(db.stats().waiting).toBe(0);
      hold.abort();
      expect(await holding).toBeInstanceOf(DatabaseTimeoutError);
    });

    it('answers RowLimitError past maxRows without reading the whole result', async () => {
      const db = open({ statementTimeout: 20_000 });
      const started = Date.now();
      const err = await rejection(
        db.query({ text: s.series(5_000_000), params: [] }, { signal: signal(), maxRows: 1000 }),
      );
      expect(err).toBeInstanceOf(RowLimitError);
      expect(err.message).toMatch(/^database "plant" answered more than 1000 rows/);
      // Five million rows take several seconds to read; stopping after 1001 does not.
      expect(Date.now() - started).toBeLessThan(2500);
      const exact = await db.query({ text: s.series(1000), params: [] }, { signal: signal(), maxRows: 1000 });
      expect(exact.rows).toHaveLength(1000);
      expect(exact.rows[999]).toEqual([1000]);
      const capped = open({ maxRows: 10 });
      await expect(
        capped.query({ text: s.series(11), params: [] }, { signal: signal(), maxRows: 1000 }),
      ).rejects.toBeInstanceOf(RowLimitError);
    }, 30_000);

    it('never shows a password in an error message', async () => {
      const password = 'pw-s3cr3t-9f2c';
      let withPassword: string | undefined;
      if (!s.unreachableUrl.startsWith('sqlite:')) {
        const url = new URL(s.unreachableUrl);
        url.username = 'someone';
        url.password = password;
        withPassword = url.toString();
      }
      const env = { DB_PASSWORD: password };
      const dbs = [
        openDatabase(
          {
            name: 'plant',
            url: s.unreachableUrl,
            passwordEnv: 'DB_PASSWORD',
            connectTimeout: 1000,
            ...s.base,
          },
          { baseDir: '/', env },
        ),
        ...(withPassword === undefined
          ? []
          : [openDatabase({ name: 'plant', url: withPassword, connectTimeout: 1000, ...s.base }, CONTEXT)]),
      ];
      opened.push(...dbs);
      for (const db of dbs) {
        const err = await rejection(
          db.query({ text: 'SELECT 1', params: [] }, { signal: signal(), maxRows: 10 }),
        );
        expect(err).toBeInstanceOf(DatabaseUnavailableError);
        expect(err.message).not.toContain(password);
        expect(JSON.stringify(err)).not.toContain(password);
      }
    });

    it('leaks no connection after 50 failing, aborted, timed-out and capped statements', async () => {
      const pool = 3;
      const db = open({ pool, statementTimeout: 400 });
      const short = s.longSeconds < 2 ? 0.1 : 5;
      const tasks: Array<Promise<unknown>> = [];
      for (let i = 0; i < 50; i += 1) {
        const kind = i % 5;
        const controller = new AbortController();
        if (kind === 0)
          tasks.push(
            db.query(
              { text: 'SELECT * FROM nosuchtable', params: [] },
              { signal: controller.signal, maxRows: 10 },
            ),
          );
        else if (kind === 1) {
          setTimeout(() => controller.abort(), 20 + (i % 7) * 10);
          tasks.push(
            db.query(
              { text: s.sleep(short, marker()), params: [] },
              { signal: controller.signal, maxRows: 10 },
            ),
          );
        } else if (kind === 2)
          tasks.push(
            db.query({ text: s.series(100), params: [] }, { signal: controller.signal, maxRows: 10 }),
          );
        else if (kind === 3) {
          controller.abort();
          tasks.push(db.query({ text: 'SELECT 1', params: [] }, { signal: controller.signal, maxRows: 10 }));
        } else
          tasks.push(db.query({ text: s.write, params: [] }, { signal: controller.signal, maxRows: 10 }));
      }
      const results = await Promise.allSettled(tasks);
      expect(results.filter((r) => r.status === 'fulfilled')).toEqual([]);
      const stats = await settledStats(db, pool);
      expect(stats.waiting).toBe(0);
      expect(stats.idle).toBe(stats.open);
      expect(stats.open).toBeLessThanOrEqual(pool);
      await expect(
        db.query({ text: 'SELECT 1 AS one', params: [] }, { signal: signal(), maxRows: 10 }),
      ).resolves.toMatchObject({
        rows: [[1]],
      });
    }, 60_000);
  });
}
