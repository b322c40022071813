/**
 * SQL injection through HTTP, fuzzed with fast-check on SQLite, PostgreSQL and MariaDB: the target text,
 * `$__payload` / `$__payloadIn` values, ad hoc filter keys, operators and values (pushed down and through
 * `$__adhocFilters`), range times, intervalMs and /tag-values keys. Every answer is either 200 with exactly
 * what the server's own filter semantics (src/series/filters.ts) give on the unfiltered data, or a 4xx JSON
 * error with a message (PostgreSQL alone may answer DATABASE_QUERY_FAILED, for a NUL its text cannot hold);
 * the canary table keeps its rows throughout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Express } from 'express';
import fc from 'fast-check';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { closeDatabasesOf } from '../../src/fixtures/databases';
import { loadFixtures } from '../../src/fixtures/load';
import { createApp } from '../../src/process/app';
import type { Registry } from '../../src/registry/registry';
import { compileFilters } from '../../src/series/filters';
import type { AdhocFilter, Cell, TableColumn } from '../../src/series/types';
import { fixedClock } from '../../src/time/clock';
import { createMariadbDatabase, createPgSchema, mariadbUrl, postgresUrl } from '../support/databases';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const FROM = NOW - 6 * HOUR;

/** Label values that are themselves full of SQL: equality on them must still be exact. */
const ROOMS = ['kitchen', "o'brien\\; --", '10', 'Ünï 😀'];
const SITES = ['a', "b' OR 1=1 --"];
/** (room, site) pairs that have rows: 5 series, 3 points each. */
const PAIRS: Array<[string, string]> = [
  ['kitchen', 'a'],
  ['kitchen', SITES[1] as string],
  [ROOMS[1] as string, 'a'],
  ['10', SITES[1] as string],
  [ROOMS[3] as string, 'a'],
];

const FRAGMENTS = [
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  ';',
  '--',
  '#',
  '/*',
  '*/',
  '$1',
  '$$',
  '?',
  '`',
  '%',
  '_',
  ' ',
  '\n',
  "' OR 1=1 --",
  "'); DROP TABLE canary; --",
  '" OR ""="',
  '$__timeFrom()',
  '${__to}',
  'é',
  '😀',
  '\u202e',
  '\0',
];

const nasty = fc.string({
  unit: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 8,
});
/** Values that sort or compare differently as text and as numbers. */
const numeric = fc.constantFrom('9', '10', '100', '2', '21', '21.0', ' 21', '2.1e1', '0x15', '-1', '');
const value = fc.oneof(fc.constantFrom(...ROOMS, ...SITES), numeric, nasty);
const OPERATORS = ['=', '!=', '<', '>', '=~', '!~', '=|', '!=|'] as const;

function filterOf(keys: fc.Arbitrary<string>): fc.Arbitrary<AdhocFilter> {
  return fc
    .record({
      key: keys,
      operator: fc.constantFrom(...OPERATORS),
      value,
      values: fc.array(value, { maxLength: 3 }),
    })
    .map(({ key, operator, value: v, values }) =>
      operator === '=|' || operator === '!=|'
        ? { key, operator, value: v, values }
        : { key, operator, value: v },
    );
}

function hasNul(input: unknown): boolean {
  return JSON.stringify(input).includes('\\u0000');
}

interface Backend {
  readonly name: string;
  readonly url: string;
  /** Prefix of the tables' names (`"schema".` on PostgreSQL). */
  readonly prefix: string;
  exec(sql: string): Promise<void>;
  canary(): Promise<number>;
  close(): Promise<void>;
}

function seedSql(prefix: string, text: string, mariadb: boolean): string[] {
  // Exact, byte-wise comparisons on MariaDB: its default collations are case- and trailing-space-blind.
  const collate = mariadb ? ' COLLATE utf8mb4_nopad_bin' : '';
  const rows = PAIRS.flatMap(([room, site], i) =>
    [0, 1, 2].map((k) => {
      const ts = (FROM + (k + 1) * HOUR) / 1000;
      const q = (s: string) => `'${s.replace(/\\/g, mariadb ? '\\\\' : '\\').replace(/'/g, "''")}'`;
      return `(${ts}, ${q(room)}, ${q(site)}, ${20 + i + k * 0.5})`;
    }),
  );
  return [
    `CREATE TABLE ${prefix}readings (ts BIGINT NOT NULL, room ${text}${collate} NOT NULL, site ${text}${collate} NOT NULL, celsius DOUBLE PRECISION NOT NULL)`,
    `INSERT INTO ${prefix}readings (ts, room, site, celsius) VALUES ${rows.join(', ')}`,
    `CREATE TABLE ${prefix}canary (id INTEGER NOT NULL)`,
    `INSERT INTO ${prefix}canary (id) VALUES (1), (2), (3)`,
  ];
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'http-injection-'));
  const file = join(dir, 'plant.db');
  const db = new BetterSqlite3(file);
  for (const sql of seedSql('', 'TEXT', false)) db.exec(sql);
  return {
    name: 'SQLite',
    url: `sqlite:${file}`,
    prefix: '',
    exec: async (sql) => void db.exec(sql),
    canary: async () => (db.prepare('SELECT count(*) AS n FROM canary').get() as { n: number }).n,
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const pg = await postgresUrl();
  const schema = await createPgSchema(pg.url, 'http_injection');
  const prefix = `"${schema.schema}".`;
  for (const sql of seedSql(prefix, 'TEXT', false)) await schema.exec(sql);
  return {
    name: 'PostgreSQL',
    url: pg.url,
    prefix,
    exec: (sql) => schema.exec(sql),
    canary: async () => {
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      try {
        const res = await client.query(`SELECT count(*)::int AS n FROM ${prefix}canary`);
        return (res.rows[0] as { n: number }).n;
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await schema.drop();
      await pg.close();
    },
  };
}

async function mariadbBackend(): Promise<Backend | undefined> {
  const url = await mariadbUrl();
  if (url === undefined) return undefined;
  const db = await createMariadbDatabase(url, 'http_injection');
  await db.exec(`ALTER DATABASE \`${db.database}\` CHARACTER SET utf8mb4`);
  for (const sql of seedSql('', 'VARCHAR(64)', true)) await db.exec(sql);
  return {
    name: 'MariaDB',
    url: db.url,
    prefix: '',
    exec: (sql) => db.exec(sql),
    canary: async () => {
      const connection = await createConnection({ uri: db.url });
      try {
        const [rows] = await connection.query('SELECT count(*) AS n FROM canary');
        return Number((rows as Array<{ n: number }>)[0]?.n);
      } finally {
        await connection.end();
      }
    },
    close: () => db.drop(),
  };
}

function fixture(backend: Backend): unknown {
  const t = backend.prefix;
  return {
    databases: [{ name: 'plant', url: backend.url, statementTimeout: '5s' }],
    series: [
      {
        name: 'inj.series',
        sql: {
          database: 'plant',
          labels: ['room', 'site'],
          query: `SELECT ts AS time, room, site, celsius AS value FROM ${t}readings WHERE $__unixEpochFilter(ts) AND site IN $__payloadIn(sites) AND room <> $__payload(skip, 'none') ORDER BY ts`,
          tagValuesQuery: `SELECT DISTINCT $__key FROM ${t}readings WHERE $__unixEpochFilter(ts) ORDER BY 1`,
        },
      },
      {
        name: 'inj.buckets',
        sql: {
          database: 'plant',
          query: `SELECT $__unixEpochGroupAlias(ts, $__interval), room, avg(celsius) AS value FROM ${t}readings WHERE $__unixEpochFilter(ts) AND $__interval_ms > 0.0 AND $__adhocFilters(room) GROUP BY 1, room ORDER BY 1`,
        },
      },
    ],
    tables: [
      {
        name: 'inj.table',
        sql: {
          database: 'plant',
          query: `SELECT ts * 1000 AS time, room, site, celsius FROM ${t}readings WHERE $__unixEpochFilter(ts) AND room <> $__payload(skip, 'none') ORDER BY ts, room, site`,
        },
      },
    ],
  };
}

interface WireSeries {
  readonly target: string;
  readonly tags?: Record<string, string>;
  readonly datapoints: Array<[number | null, number]>;
  readonly meta?: { notices?: Array<{ severity: string; text: string }> };
}
interface WireTable {
  readonly type: 'table';
  readonly columns: Array<{ text: string; type: TableColumn['type'] }>;
  readonly rows: Cell[][];
}

function body(target: string, extra: Record<string, unknown> = {}, payload: unknown = { sites: SITES }) {
  return {
    range: { from: new Date(FROM).toISOString(), to: new Date(NOW).toISOString() },
    intervalMs: HOUR,
    maxDataPoints: 100,
    targets: [{ refId: 'A', target, payload }],
    ...extra,
  };
}

/** A 4xx answer is a coded JSON error with a message. */
function expectClientError(res: request.Response): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.body).toEqual(
    expect.objectContaining({ message: expect.any(String), code: expect.any(String) }),
  );
}

/** A 5xx other than the database refusing a NUL on PostgreSQL fails the property. */
function expectNoServerError(res: request.Response, backend: Backend, input: unknown): void {
  if (res.status < 500) return;
  const allowed = backend.name === 'PostgreSQL' && hasNul(input) && res.body.code === 'DATABASE_QUERY_FAILED';
  if (!allowed) throw new Error(`${res.status} ${JSON.stringify(res.body)} for ${JSON.stringify(input)}`);
  expect(res.body.message).toMatch(/^metric "[^"]+": database "plant" refused the query/);
}

const seriesKey = (s: WireSeries) => JSON.stringify([s.tags?.['room'] ?? null, s.tags?.['site'] ?? null]);
const sortedSeries = (list: WireSeries[]) =>
  [...list].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : 1)).map((s) => [seriesKey(s), s.datapoints]);
const sortedRows = (rows: ReadonlyArray<readonly Cell[]>) => rows.map((r) => JSON.stringify(r)).sort();

function suite(open: () => Promise<Backend | undefined>, label: string): void {
  describe(`SQL injection through HTTP on ${label}`, () => {
    let backend: Backend | undefined;
    let registry: Registry | undefined;
    let app: Express;
    let dir: string;
    /** The unfiltered answers every property compares with. */
    let allSeries: WireSeries[];
    let allBuckets: WireSeries[];
    let allTable: WireTable;

    beforeAll(async () => {
      backend = await open();
      if (backend === undefined) return;
      dir = mkdtempSync(join(tmpdir(), 'http-injection-fixtures-'));
      writeFileSync(join(dir, 'plant.json'), JSON.stringify(fixture(backend)));
      registry = await loadFixtures(dir, { clock: fixedClock(NOW), onWarning: () => undefined });
      app = createApp({ registry, clock: fixedClock(NOW), logger: { error: () => undefined } });
      const q = async (target: string) =>
        (await request(app).post('/query').send(body(target)).expect(200)).body as unknown[];
      allSeries = (await q('inj.series')) as WireSeries[];
      allBuckets = (await q('inj.buckets')) as WireSeries[];
      allTable = (await q('inj.table'))[0] as WireTable;
    }, 30_000);

    afterAll(async () => {
      if (registry !== undefined) await closeDatabasesOf(registry);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      await backend?.close();
    });

    afterEach(async () => {
      if (backend !== undefined) expect(await backend.canary()).toBe(3);
    });

    it('answers the seeded data unfiltered: five series, fifteen rows, four rooms bucketed', () => {
      if (backend === undefined) return;
      expect(allSeries.map(seriesKey).sort()).toEqual(PAIRS.map((p) => JSON.stringify(p)).sort());
      expect(allSeries.every((s) => s.datapoints.length === 3)).toBe(true);
      expect(allTable.rows).toHaveLength(15);
      expect(allBuckets.map((s) => s.tags?.['room']).sort()).toEqual([...ROOMS].sort());
    });

    it('ad hoc filters on label columns and on no column answer exactly what the server semantics give', async () => {
      if (backend === undefined) return;
      const b = backend;
      const keys = fc.oneof(fc.constantFrom('room', 'site'), nasty);
      await fc.assert(
        fc.asyncProperty(fc.array(filterOf(keys), { minLength: 1, maxLength: 3 }), async (filters) => {
          let compiled;
          try {
            compiled = compileFilters(filters);
          } catch {
            compiled = undefined;
          }
          const res = await request(app)
            .post('/query')
            .send(body('inj.series', { adhocFilters: filters }));
          expectNoServerError(res, b, filters);
          if (res.status >= 500) return;
          if (compiled === undefined) {
            expectClientError(res);
            expect(res.body.code).toBe('INVALID_PATTERN');
            return;
          }
          expect(res.status).toBe(200);
          const expected = allSeries.filter((s) => compiled.matchesLabels(s.tags ?? {}));
          const got = (res.body as WireSeries[]).filter((s) => s.datapoints.length > 0);
          expect(sortedSeries(got)).toEqual(sortedSeries(expected));
        }),
        { numRuns: 80 },
      );
    });

    it('a filter equal to an existing label answers exactly that series; one equal to none answers none', async () => {
      if (backend === undefined) return;
      const b = backend;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROOMS), nasty, async (room, other) => {
          const one = await request(app)
            .post('/query')
            .send(body('inj.series', { adhocFilters: [{ key: 'room', operator: '=', value: room }] }))
            .expect(200);
          expect((one.body as WireSeries[]).map((s) => s.tags?.['room'])).toEqual(
            allSeries.filter((s) => s.tags?.['room'] === room).map(() => room),
          );
          if (ROOMS.includes(other)) return;
          const none = await request(app)
            .post('/query')
            .send(body('inj.series', { adhocFilters: [{ key: 'room', operator: '=', value: other }] }));
          expectNoServerError(none, b, other);
          if (none.status >= 500) return;
          expect(none.status).toBe(200);
          expect((none.body as WireSeries[]).filter((s) => s.datapoints.length > 0)).toEqual([]);
        }),
        { numRuns: 50 },
      );
    });

    it('filters on table columns, a number column too, answer exactly the rows the server semantics keep', async () => {
      if (backend === undefined) return;
      const b = backend;
      const keys = fc.oneof(fc.constantFrom('room', 'site', 'celsius'), nasty);
      const columns = allTable.columns.map((c) => ({ text: c.text, type: c.type }));
      await fc.assert(
        fc.asyncProperty(fc.array(filterOf(keys), { minLength: 1, maxLength: 2 }), async (filters) => {
          let compiled;
          try {
            compiled = compileFilters(filters);
          } catch {
            compiled = undefined;
          }
          const res = await request(app)
            .post('/query')
            .send(body('inj.table', { adhocFilters: filters }));
          expectNoServerError(res, b, filters);
          if (res.status >= 500) return;
          if (compiled === undefined) {
            expectClientError(res);
            return;
          }
          expect(res.status).toBe(200);
          const expected = compiled.filterRows(columns, allTable.rows);
          expect(sortedRows((res.body as WireTable[])[0]?.rows ?? [])).toEqual(sortedRows(expected));
        }),
        { numRuns: 80 },
      );
    });

    // `<` and `>` in $__adhocFilters compare in the database's collation (the author chose to filter before
    // GROUP BY): the answer is then within what the server keeps; every other operator answers it exactly.
    it('$__adhocFilters(room) before GROUP BY answers the rooms the server semantics keep', async () => {
      if (backend === undefined) return;
      const b = backend;
      await fc.assert(
        fc.asyncProperty(
          fc.array(filterOf(fc.constant('room')), { minLength: 1, maxLength: 2 }),
          async (filters) => {
            let compiled;
            try {
              compiled = compileFilters(filters);
            } catch {
              compiled = undefined;
            }
            const res = await request(app)
              .post('/query')
              .send(body('inj.buckets', { adhocFilters: filters }));
            expectNoServerError(res, b, filters);
            if (res.status >= 500) return;
            if (compiled === undefined) {
              expectClientError(res);
              return;
            }
            expect(res.status).toBe(200);
            const expected = allBuckets.filter((s) => compiled.matchesLabels(s.tags ?? {}));
            const got = (res.body as WireSeries[]).filter((s) => s.datapoints.length > 0);
            if (filters.some((f) => f.operator === '<' || f.operator === '>')) {
              expect(sortedSeries(expected)).toEqual(expect.arrayContaining(sortedSeries(got)));
            } else {
              expect(sortedSeries(got)).toEqual(sortedSeries(expected));
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it('$__payload and $__payloadIn values are bound: exactly the series whose site is listed and room is not skipped', async () => {
      if (backend === undefined) return;
      const b = backend;
      await fc.assert(
        fc.asyncProperty(fc.array(value, { maxLength: 4 }), value, async (sites, skip) => {
          const payload = { sites, skip };
          const series = await request(app)
            .post('/query')
            .send(body('inj.series', {}, payload));
          const table = await request(app)
            .post('/query')
            .send(body('inj.table', {}, payload));
          expectNoServerError(series, b, payload);
          expectNoServerError(table, b, payload);
          if (series.status >= 500 || table.status >= 500) return;
          expect([series.status, table.status]).toEqual([200, 200]);
          const expected = allSeries.filter(
            (s) => sites.includes(s.tags?.['site'] ?? '') && s.tags?.['room'] !== skip,
          );
          const got = (series.body as WireSeries[]).filter((s) => s.datapoints.length > 0);
          expect(sortedSeries(got)).toEqual(sortedSeries(expected));
          const roomAt = allTable.columns.findIndex((c) => c.text === 'room');
          expect(sortedRows((table.body as WireTable[])[0]?.rows ?? [])).toEqual(
            sortedRows(allTable.rows.filter((r) => r[roomAt] !== skip)),
          );
        }),
        { numRuns: 60 },
      );
    });

    it('payload values that cannot be bound answer 400 INVALID_PAYLOAD naming the key', async () => {
      if (backend === undefined) return;
      for (const payload of [{}, { sites: [{ x: 1 }] }, { sites: SITES, skip: ['a'] }, { sites: { a: 1 } }]) {
        const res = await request(app)
          .post('/query')
          .send(body('inj.series', {}, payload));
        expectClientError(res);
        expect(res.body.code).toBe('INVALID_PAYLOAD');
        expect(res.body.message).toMatch(/payload\/(sites|skip)/);
      }
    });

    it('fuzzed target text answers a 4xx JSON error or 200 with only metrics it names', async () => {
      if (backend === undefined) return;
      const b = backend;
      const target = fc.oneof(
        nasty,
        nasty.map((s) => `inj.series${s}`),
        nasty.map((s) => `(inj.series|${s})`),
        fc.constantFrom('$room', '${room:csv}', '[[room]]', '{kitchen,cellar}', '/inj\\..*/', 'inj.*'),
      );
      await fc.assert(
        fc.asyncProperty(target, async (t) => {
          const res = await request(app).post('/query').send(body(t));
          expectNoServerError(res, b, t);
          if (res.status !== 200) {
            expectClientError(res);
            expect(['UNKNOWN_METRIC', 'INVALID_PATTERN']).toContain(res.body.code);
            return;
          }
          expect(Array.isArray(res.body)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it('fuzzed range times and intervalMs answer a 4xx JSON error or 200 with points inside the range', async () => {
      if (backend === undefined) return;
      const b = backend;
      const time = fc.oneof(
        nasty,
        fc.constantFrom('now-6h', 'now', 'now-1d/d', '1768478400000', '2026-01-15T06:00:00Z', "now'; --"),
        fc.integer({ min: -1e15, max: 1e15 }).map(String),
        fc.double({ noNaN: true }).map(String),
      );
      const interval = fc.oneof(
        fc.constantFrom(HOUR, 1, 0.5, 1e-9, 1e15, 1.7976931348623157e308, 0, -1),
        fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
        nasty,
      );
      await fc.assert(
        fc.asyncProperty(time, time, interval, fc.boolean(), async (from, to, intervalMs, buckets) => {
          const req = {
            ...body(buckets ? 'inj.buckets' : 'inj.series'),
            range: { from, to },
            intervalMs,
          };
          const res = await request(app).post('/query').send(req);
          expectNoServerError(res, b, req);
          if (res.status !== 200) {
            expectClientError(res);
            return;
          }
          const lo = Math.min(...allSeries.flatMap((s) => s.datapoints.map((p) => p[1])));
          for (const s of res.body as WireSeries[]) {
            expect(s.meta?.notices?.filter((n) => n.severity === 'error') ?? []).toEqual([]);
            for (const [, t] of s.datapoints) expect(Number.isFinite(t)).toBe(true);
            if (!buckets) for (const [, t] of s.datapoints) expect(t).toBeGreaterThanOrEqual(lo);
          }
        }),
        { numRuns: 80 },
      );
    });

    it('/tag-values: a label column answers its values, any other key none, a nasty key never reaches SQL', async () => {
      if (backend === undefined) return;
      const room = await request(app).post('/tag-values').send({ key: 'room' }).expect(200);
      expect((room.body as Array<{ text: string }>).map((v) => v.text).sort()).toEqual([...ROOMS].sort());
      const b = backend;
      await fc.assert(
        fc.asyncProperty(
          nasty,
          fc.array(filterOf(fc.constantFrom('room', 'site')), { maxLength: 2 }),
          async (key, filters) => {
            const res = await request(app).post('/tag-values').send({ key, filters });
            expectNoServerError(res, b, key);
            if (res.status !== 200) {
              expectClientError(res);
              return;
            }
            if (key !== 'room' && key !== 'site') expect(res.body).toEqual([]);
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}

suite(sqliteBackend, 'SQLite');
suite(postgresBackend, 'PostgreSQL');
suite(mariadbBackend, 'MariaDB');
