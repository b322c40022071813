/**
 * SQL metrics under failure, through HTTP, on PostgreSQL, MariaDB and SQLite: the database taken down in
 * the middle of a concurrent /query load (a TCP proxy cut; for SQLite its file moved away) and brought
 * back; a statement that sleeps past a short statementTimeout; a generated metric of the same registry
 * served throughout. During the cut every answer is a documented database error naming the database
 * (DATABASE_UNAVAILABLE 503, DATABASE_TIMEOUT 504) or, beside the generated metric, 200 with an error
 * notice; after the restore answers are good again within a bound and the pool holds no leaked connection.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Express } from 'express';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { closeDatabasesOf, databasesOf } from '../../src/fixtures/databases';
import { loadFixtures } from '../../src/fixtures/load';
import { createApp } from '../../src/process/app';
import type { Registry } from '../../src/registry/registry';
import type { Database } from '../../src/sql/types';
import { fixedClock } from '../../src/time/clock';
import {
  createMariadbDatabase,
  createPgSchema,
  mariadbUrl,
  postgresUrl,
  type TcpProxy,
  tcpProxy,
} from '../support/databases';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const FROM = NOW - 6 * HOUR;
const POOL = 4;
const WORKERS = 8;
const STATEMENT_TIMEOUT_MS = 600;
/** After the restore, good answers again within this. */
const RECOVERY_BOUND_MS = 5000;

interface Backend {
  readonly name: string;
  /** The URL the server's `plant` database uses (through the proxy where there is one). */
  readonly url: string;
  /** The URL of the `slow` database: the server itself. */
  readonly directUrl: string;
  readonly prefix: string;
  /** A statement that runs for seconds (`marker` in its text). */
  sleep(marker: string): string;
  /** How many statements with `marker` are running in the database (undefined: SQLite, count threads). */
  running(marker: string): Promise<number | undefined>;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

function seed(prefix: string): string[] {
  const rows = [0, 1, 2, 3, 4, 5].map((k) => `(${(FROM + (k + 0.5) * HOUR) / 1000}, 'kitchen', ${20 + k})`);
  return [
    `CREATE TABLE ${prefix}readings (ts BIGINT NOT NULL, room VARCHAR(32) NOT NULL, celsius DOUBLE PRECISION NOT NULL)`,
    `INSERT INTO ${prefix}readings (ts, room, celsius) VALUES ${rows.join(', ')}`,
  ];
}

async function postgresBackend(): Promise<Backend> {
  const pg = await postgresUrl();
  const schema = await createPgSchema(pg.url, 'http_reliability');
  const prefix = `"${schema.schema}".`;
  for (const sql of seed(prefix)) await schema.exec(sql);
  const proxy: TcpProxy = await tcpProxy(pg.url);
  const admin = new Client({ connectionString: pg.url });
  admin.on('error', () => undefined);
  await admin.connect();
  return {
    name: 'PostgreSQL',
    url: proxy.via(pg.url),
    directUrl: pg.url,
    prefix,
    sleep: (marker) => `SELECT pg_sleep(5) AS slept /* ${marker} */`,
    running: async (marker) => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
        [marker],
      );
      return rows[0]?.n ?? 0;
    },
    down: () => proxy.down(),
    up: () => proxy.up(),
    close: async () => {
      await proxy.close();
      await admin.end();
      await schema.drop();
      await pg.close();
    },
  };
}

async function mariadbBackend(): Promise<Backend | undefined> {
  const url = await mariadbUrl();
  if (url === undefined) return undefined;
  const db = await createMariadbDatabase(url, 'http_reliability');
  for (const sql of seed('')) await db.exec(sql);
  const proxy = await tcpProxy(db.url);
  const admin = await createConnection({ uri: db.url });
  return {
    name: 'MariaDB',
    url: proxy.via(db.url),
    directUrl: db.url,
    prefix: '',
    sleep: (marker) => `SELECT SLEEP(5) AS slept /* ${marker} */`,
    running: async (marker) => {
      const [rows] = await admin.query(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
          WHERE INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()`,
        [marker],
      );
      return Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
    },
    down: () => proxy.down(),
    up: () => proxy.up(),
    close: async () => {
      await proxy.close();
      await admin.end();
      await db.drop();
    },
  };
}

/**
 * SQLite has no connection to cut: the file is opened by worker threads of this process. Moving the file
 * away is its outage: threads already open keep reading the moved file (an open handle follows it), a new
 * thread cannot open it (DATABASE_UNAVAILABLE); moving it back is the restore.
 */
async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'http-reliability-'));
  const file = join(dir, 'plant.db');
  const db = new BetterSqlite3(file);
  for (const sql of seed('')) db.exec(sql);
  db.close();
  return {
    name: 'SQLite',
    url: `sqlite:${file}`,
    directUrl: `sqlite:${file}`,
    prefix: '',
    sleep: (marker) =>
      `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS slept /* ${marker} */ FROM c`,
    running: () => Promise.resolve(undefined),
    down: async () => renameSync(file, `${file}.away`),
    up: async () => renameSync(`${file}.away`, file),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function fixture(backend: Backend, marker: string): unknown {
  const t = backend.prefix;
  return {
    databases: [
      {
        name: 'plant',
        url: backend.url,
        pool: POOL,
        // SQLite's "connection" is a process of its own to start.
        connectTimeout: backend.name === 'SQLite' ? '5s' : '500ms',
        statementTimeout: '2s',
      },
      { name: 'slow', url: backend.directUrl, pool: 2, statementTimeout: `${STATEMENT_TIMEOUT_MS}ms` },
    ],
    series: [
      {
        name: 'rel.series',
        sql: {
          database: 'plant',
          query: `SELECT ts AS time, room, celsius AS value FROM ${t}readings WHERE $__unixEpochFilter(ts) ORDER BY ts`,
        },
      },
      { name: 'rel.generated', generator: { type: 'constant', step: '1h', value: 7 } },
    ],
    tables: [{ name: 'rel.slow', sql: { database: 'slow', query: backend.sleep(marker) } }],
  };
}

function body(...targets: string[]) {
  return {
    range: { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() },
    intervalMs: HOUR,
    maxDataPoints: 100,
    targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })),
  };
}

interface WireSeries {
  readonly target: string;
  readonly datapoints: Array<[number | null, number]>;
  readonly meta?: { notices?: Array<{ severity: string; text: string }> };
}

type Verdict = 'good' | 'down';

/**
 * An answer of the load: `good` (the SQL series has its six points, the generated one its points), `down`
 * (a documented database error naming "plant", as the request's error or as the SQL series' notice beside a
 * good generated series); anything else throws with the answer.
 */
function verdict(res: request.Response, withGenerated: boolean): Verdict {
  const describe = `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
  if (res.status === 503 || res.status === 504) {
    if (withGenerated) throw new Error(`the generated metric was not served: ${describe}`);
    const expected = res.status === 503 ? 'DATABASE_UNAVAILABLE' : 'DATABASE_TIMEOUT';
    if (res.body.code !== expected || !/database "plant"/.test(String(res.body.message))) {
      throw new Error(`unexpected error answer: ${describe}`);
    }
    return 'down';
  }
  if (res.status !== 200) throw new Error(`unexpected answer: ${describe}`);
  const list = res.body as WireSeries[];
  const sql = list.find((s) => s.target.startsWith('rel.series'));
  if (withGenerated) {
    const generated = list.find((s) => s.target === 'rel.generated');
    if (
      generated === undefined ||
      generated.datapoints.length < 6 ||
      generated.datapoints.some((p) => p[0] !== 7)
    ) {
      throw new Error(`the generated metric was not served: ${describe}`);
    }
  }
  const errors = sql?.meta?.notices?.filter((n) => n.severity === 'error') ?? [];
  if (errors.length > 0) {
    if (!errors.every((n) => /database "plant" (is unreachable|timed out)/.test(n.text))) {
      throw new Error(`unexpected error notice: ${describe}`);
    }
    return 'down';
  }
  if (sql === undefined || sql.datapoints.length !== 6) throw new Error(`not the data: ${describe}`);
  return 'good';
}

/** Polls `read` until `done` holds or `ms` pass; the last value. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

function suite(open: () => Promise<Backend | undefined>, label: string): void {
  describe(`SQL metrics under failure through HTTP on ${label}`, () => {
    let backend: Backend | undefined;
    let registry: Registry | undefined;
    let app: Express;
    let dir: string;
    let plant: Database;
    let slow: Database;
    const marker = `slow_${process.pid}_${Date.now()}`;
    const logged: string[] = [];

    beforeAll(async () => {
      backend = await open();
      if (backend === undefined) return;
      dir = mkdtempSync(join(tmpdir(), 'http-reliability-fixtures-'));
      writeFileSync(join(dir, 'plant.json'), JSON.stringify(fixture(backend, marker)));
      registry = await loadFixtures(dir, { clock: fixedClock(NOW), onWarning: () => undefined });
      app = createApp({ registry, clock: fixedClock(NOW), logger: { error: (m) => void logged.push(m) } });
      [plant, slow] = ['plant', 'slow'].map((name) => {
        const db = databasesOf(registry as Registry).find((d) => d.name === name);
        if (db === undefined) throw new Error(`no database ${name}`);
        return db;
      }) as [Database, Database];
    }, 30_000);

    afterAll(async () => {
      if (registry !== undefined) await closeDatabasesOf(registry);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      await backend?.close();
    });

    it('a cut in the middle of a concurrent load: documented errors while down, good again within 5 s, no leak', async () => {
      if (backend === undefined) return;
      const b = backend;
      type Phase = 'before' | 'down' | 'after';
      let phase: Phase = 'before';
      let stop = false;
      let cutAt = Number.POSITIVE_INFINITY;
      let restoredAt = 0;
      let firstGoodAfter: number | undefined;
      const seen: Record<Phase, Record<Verdict, number>> = {
        before: { good: 0, down: 0 },
        down: { good: 0, down: 0 },
        after: { good: 0, down: 0 },
      };
      const failures: string[] = [];
      const worker = async (i: number): Promise<void> => {
        for (let n = 0; !stop; n++) {
          const withGenerated = (i + n) % 2 === 0;
          const sent = phase;
          const wasUp = phase === 'before';
          const started = Date.now();
          const res = await request(app)
            .post('/query')
            .send(withGenerated ? body('rel.series', 'rel.generated') : body('rel.series'));
          if (Date.now() - started > 4000) failures.push(`an answer took ${Date.now() - started} ms`);
          let v: Verdict;
          try {
            v = verdict(res, withGenerated);
          } catch (err) {
            failures.push((err as Error).message);
            continue;
          }
          // A request in flight when the cut came is a 'down' answer too.
          seen[wasUp && Date.now() >= cutAt ? 'down' : sent][v] += 1;
          if (sent === 'after' && v === 'good' && started >= restoredAt && firstGoodAfter === undefined) {
            firstGoodAfter = Date.now() - restoredAt;
          }
        }
      };
      // Every connection opened before the load (SQLite's take a process start each).
      await Promise.all(
        Array.from({ length: POOL }, () => request(app).post('/query').send(body('rel.series')).expect(200)),
      );
      const load = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      try {
        await pause(800);
        cutAt = Date.now();
        await b.down();
        phase = 'down';
        await pause(2000);
        await b.up();
        restoredAt = Date.now();
        phase = 'after';
        await until(
          async () => firstGoodAfter,
          (v) => v !== undefined,
          RECOVERY_BOUND_MS + 1000,
        );
        await pause(800);
      } finally {
        // Whatever failed above, the load stops: left running it would keep this process busy after the run.
        stop = true;
        await load;
      }
      process.stdout.write(
        `${b.name}: before ${JSON.stringify(seen.before)}, down ${JSON.stringify(seen.down)}, after ${JSON.stringify(seen.after)}, good again ${firstGoodAfter} ms after the restore\n`,
      );
      expect(failures.slice(0, 5)).toEqual([]);
      expect(seen.before.down).toBe(0);
      expect(seen.before.good).toBeGreaterThan(0);
      // SQLite threads already open keep reading the moved file: its outage may never show.
      if (b.name !== 'SQLite') expect(seen.down.down).toBeGreaterThan(0);
      expect(firstGoodAfter).toBeDefined();
      expect(firstGoodAfter).toBeLessThan(RECOVERY_BOUND_MS);
      const last = await request(app).post('/query').send(body('rel.series')).expect(200);
      expect(verdict(last, false)).toBe('good');
      const stats = await until(
        async () => plant.stats(),
        (s) => s.waiting === 0 && s.open === s.idle,
        2000,
      );
      expect(stats.waiting).toBe(0);
      expect(stats.open).toBeLessThanOrEqual(POOL);
      expect(stats.open).toBe(stats.idle);
    }, 30_000);

    it('while the database is down, the generated metric of the same registry is served alone', async () => {
      if (backend === undefined) return;
      await backend.down();
      try {
        for (let i = 0; i < 3; i++) {
          const res = await request(app).post('/query').send(body('rel.series', 'rel.generated'));
          // SQLite's open processes keep reading the moved file.
          expect(backend.name === 'SQLite' ? ['good', 'down'] : ['down']).toContain(verdict(res, true));
          const alone = await request(app).post('/query').send(body('rel.generated')).expect(200);
          expect((alone.body as WireSeries[])[0]?.datapoints.every((p) => p[0] === 7)).toBe(true);
        }
      } finally {
        await backend.up();
      }
    });

    it('a statement past the statement timeout answers DATABASE_TIMEOUT naming the database, and is stopped', async () => {
      if (backend === undefined) return;
      const started = Date.now();
      const res = await request(app).post('/query').send(body('rel.slow'));
      const elapsed = Date.now() - started;
      process.stdout.write(
        `${backend.name}: statement timeout ${STATEMENT_TIMEOUT_MS} ms answered in ${elapsed} ms\n`,
      );
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({
        code: 'DATABASE_TIMEOUT',
        message: expect.stringMatching(/^metric "rel\.slow": database "slow" timed out: /),
      });
      expect(elapsed).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(STATEMENT_TIMEOUT_MS + 1500);
      const b = backend;
      const running = await until(
        () => b.running(marker),
        (n) => n === undefined || n === 0,
        2000,
      );
      if (running !== undefined) expect(running).toBe(0);
      // SQLite: the statement's thread was terminated, none is left open.
      const stats = await until(
        async () => slow.stats(),
        (s) => s.waiting === 0 && s.open === s.idle,
        2000,
      );
      expect(stats).toEqual(expect.objectContaining({ waiting: 0 }));
      expect(stats.open).toBe(stats.idle);
    });
  });
}

suite(postgresBackend, 'PostgreSQL');
suite(mariadbBackend, 'MariaDB');
suite(sqliteBackend, 'SQLite');
