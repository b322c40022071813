/**
 * The SQL benchmark's data: 20 sensors × one year at 1 min (10 512 000 rows) ending at END, and a 1 h
 * rollup table beside it, in SQLite (a file under .bench-tmp, kept between runs) and in the machine's
 * PostgreSQL (schema bench_sql of database test, kept between runs). Values are a smooth function of
 * time, so every run reads the same data.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { END } from './scenarios';

export const SENSORS = 20;
export const MINUTES = 365 * 24 * 60;
export const ROWS = SENSORS * MINUTES;
export const END_S = END / 1000;
export const START_S = END_S - MINUTES * 60;

/** The value of sensor k at minute i: a daily cycle plus an offset per sensor. */
const VALUE_SQL = '20 + 5 * sin(i / 1440.0 * 6.283185307179586 + k) + (k % 5)';

export interface Prepared {
  /** Wall ms spent building the data in this run (0 when it was kept from an earlier run). */
  readonly ms: number;
}

function sqliteReady(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const row = db.prepare('SELECT rows, end_s FROM bench_meta').get() as
      { rows: number; end_s: number } | undefined;
    return row?.rows === ROWS && row.end_s === END_S;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/** Builds the SQLite file (epoch seconds in an INTEGER column, clustered by (ts, sensor)). */
export function prepareSqlite(file: string): Prepared {
  if (sqliteReady(file)) return { ms: 0 };
  const t0 = performance.now();
  mkdirSync(dirname(file), { recursive: true });
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = new BetterSqlite3(building);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`
    CREATE TABLE readings (ts INTEGER NOT NULL, sensor TEXT NOT NULL, value REAL NOT NULL,
                           PRIMARY KEY (ts, sensor)) WITHOUT ROWID;
    WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < ${MINUTES - 1}),
                   s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < ${SENSORS - 1})
    INSERT INTO readings
      SELECT ${START_S} + i * 60, printf('sensor-%02d', k), ${VALUE_SQL} FROM m CROSS JOIN s ORDER BY 1, 2;
    CREATE TABLE readings_1h (ts INTEGER NOT NULL, sensor TEXT NOT NULL, value REAL NOT NULL,
                              PRIMARY KEY (ts, sensor)) WITHOUT ROWID;
    INSERT INTO readings_1h SELECT ts / 3600 * 3600, sensor, avg(value) FROM readings GROUP BY 1, 2;
    CREATE TABLE bench_meta (rows INTEGER, end_s INTEGER);
    INSERT INTO bench_meta VALUES (${ROWS}, ${END_S});
    ANALYZE;
  `);
  db.close();
  renameSync(building, file);
  return { ms: performance.now() - t0 };
}

/** The PostgreSQL URL of the machine's server, or undefined when none answers. */
export async function postgresUrl(): Promise<string | undefined> {
  for (const user of ['postgres', 'root']) {
    const url = `postgres://${user}@127.0.0.1:5432/test`;
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return url;
    } catch {
      // the next user, or no server
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

/** Builds schema bench_sql (timestamptz, an index on (ts, sensor), the 1 h rollup) unless it is there. */
export async function preparePostgres(url: string): Promise<Prepared> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const meta = await client
      .query<{ rows: string; end_s: string }>('SELECT rows, end_s FROM bench_sql.bench_meta')
      .catch(() => undefined);
    const row = meta?.rows[0];
    if (row !== undefined && Number(row.rows) === ROWS && Number(row.end_s) === END_S) return { ms: 0 };
    const t0 = performance.now();
    await client.query('DROP SCHEMA IF EXISTS bench_sql CASCADE');
    await client.query('CREATE SCHEMA bench_sql');
    await client.query(`
      CREATE TABLE bench_sql.readings (ts timestamptz NOT NULL, sensor text NOT NULL, value double precision NOT NULL)`);
    await client.query(`
      INSERT INTO bench_sql.readings
        SELECT to_timestamp(${START_S} + i * 60), 'sensor-' || lpad(k::text, 2, '0'), ${VALUE_SQL}
        FROM generate_series(0, ${MINUTES - 1}) AS i CROSS JOIN generate_series(0, ${SENSORS - 1}) AS k
        ORDER BY 1, 2`);
    await client.query('CREATE INDEX ON bench_sql.readings (ts, sensor)');
    await client.query(`
      CREATE TABLE bench_sql.readings_1h AS
        SELECT date_trunc('hour', ts) AS ts, sensor, avg(value) AS value FROM bench_sql.readings GROUP BY 1, 2`);
    await client.query('CREATE INDEX ON bench_sql.readings_1h (ts, sensor)');
    await client.query('CREATE TABLE bench_sql.bench_meta (rows bigint, end_s bigint)');
    await client.query(`INSERT INTO bench_sql.bench_meta VALUES (${ROWS}, ${END_S})`);
    await client.query('ANALYZE bench_sql.readings');
    await client.query('ANALYZE bench_sql.readings_1h');
    return { ms: performance.now() - t0 };
  } finally {
    await client.end();
  }
}

/** The metric queries, per engine: the raw table, and the same over the 1 h rollup. */
export const QUERIES = {
  sqlite: {
    raw: 'SELECT $__unixEpochGroupAlias(ts, $__interval), avg(value) AS value, sensor FROM readings WHERE $__unixEpochFilter(ts) GROUP BY 1, sensor ORDER BY 1',
    rollup:
      'SELECT $__unixEpochGroupAlias(ts, $__interval), avg(value) AS value, sensor FROM readings_1h WHERE $__unixEpochFilter(ts) GROUP BY 1, sensor ORDER BY 1',
    naive: 'SELECT ts, sensor, value FROM readings WHERE ts BETWEEN ? AND ? ORDER BY ts',
  },
  postgres: {
    raw: 'SELECT $__timeGroupAlias(ts, $__interval), avg(value) AS value, sensor FROM bench_sql.readings WHERE $__timeFilter(ts) GROUP BY 1, sensor ORDER BY 1',
    rollup:
      'SELECT $__timeGroupAlias(ts, $__interval), avg(value) AS value, sensor FROM bench_sql.readings_1h WHERE $__timeFilter(ts) GROUP BY 1, sensor ORDER BY 1',
    naive:
      'SELECT extract(epoch from ts) * 1000 AS ts, sensor, value FROM bench_sql.readings WHERE ts BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0) ORDER BY ts',
  },
} as const;

export type Engine = keyof typeof QUERIES;
