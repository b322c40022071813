/**
 * The SQL scenarios: `/query` of SQL metrics over 1h, 7d, 30d and 365d at maxDataPoints 500, for SQLite and
 * PostgreSQL, 20 sensors × one year at 1 min (sql-data.ts). Beside ours, in the same run:
 * - the floor: the bare driver running the very statement our macros expand for that request, in a loop
 *   (no HTTP, no shaping, no JSON);
 * - the naive way at 365d: fetch every raw row in the range and aggregate in JavaScript.
 * Each is a closed loop of `concurrency` clients for `seconds` (at least `minimum` answers); figures are
 * answers per second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Pool } from 'pg';
import { expandMacros } from '../src/sql/macros';
import { chooseRollup } from '../src/sql/rollups';
import type { Dialect, Statement } from '../src/sql/types';
import { intervalFor } from '../src/time/interval';
import { start } from './children';
import { cannonLoop, poster } from './sql-client';
import { END, MAX_DATA_POINTS } from './scenarios';
import { type Engine, postgresUrl, prepareSqlite, preparePostgres, QUERIES, ROWS } from './sql-data';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SQL_RANGES = [
  ['1h', HOUR],
  ['7d', 7 * DAY],
  ['30d', 30 * DAY],
  ['365d', 365 * DAY],
] as const;
/** Connections our server's pool and the floor's loop use, and the concurrency of the clients. */
export const POOL = 4;

export interface SqlPlan {
  readonly seconds: number;
  readonly minimum: number;
  /** Interleaved rounds of ours and the floor for a scenario whose answer takes under FAST_MS. */
  readonly rounds: number;
}

/** Below this (one warm answer, ms) a scenario is measured in `rounds`; above, once (the scans take minutes). */
export const FAST_MS = 300;

export interface Rate {
  /** Answers per second. */
  readonly rate: number;
  readonly answers: number;
  /** Median latency of one answer, ms. */
  readonly p50: number;
}

export interface SqlRow {
  readonly engine: Engine;
  readonly range: string;
  /** `rollup`: the metric with a declared 1 h rollup; `raw`: the same without it. */
  readonly metric: 'rollup' | 'raw';
  readonly ours: Rate;
  readonly floor: Rate;
  /** The table the request read (the rollup only when it gives maxDataPoints buckets). */
  readonly table: string;
  /** Ours ÷ floor of each round, in order (`ours` and `floor` are the round of the median). */
  readonly ratios?: readonly number[];
}

export interface SqlBenchResult {
  readonly rows: number;
  readonly prepareMs: Readonly<Record<string, number>>;
  readonly results: readonly SqlRow[];
  readonly naive: ReadonlyArray<{ readonly engine: Engine; readonly range: string; readonly naive: Rate }>;
  /** Engines not measured, and why. */
  readonly skipped: readonly string[];
}

/** `concurrency` loops calling `once` until `seconds` passed and `minimum` answers came. */
export async function closedLoop(
  once: () => Promise<unknown>,
  plan: SqlPlan,
  concurrency: number,
): Promise<Rate> {
  const latencies: number[] = [];
  const began = performance.now();
  const deadline = began + plan.seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline || latencies.length < plan.minimum) {
        const t0 = performance.now();
        await once();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / wall,
    answers: latencies.length,
    p50: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
  };
}

export function metricName(engine: Engine, metric: 'rollup' | 'raw'): string {
  return `bench.${engine}.${metric}`;
}

export function fixture(sqliteFile: string, pgUrl: string | undefined): object {
  const series = (engine: Engine, database: string) => [
    {
      name: metricName(engine, 'raw'),
      sql: { database, query: QUERIES[engine].raw },
    },
    {
      name: metricName(engine, 'rollup'),
      sql: {
        database,
        query: QUERIES[engine].raw,
        rollups: [{ interval: '1h', query: QUERIES[engine].rollup }],
      },
    },
  ];
  const common = { pool: POOL, statementTimeout: '120s', maxRows: 1_000_000 };
  return {
    databases: [
      { name: 'bench_sqlite', url: `sqlite:${sqliteFile}`, ...common },
      ...(pgUrl === undefined ? [] : [{ name: 'bench_pg', url: pgUrl, ...common }]),
    ],
    series: [
      ...series('sqlite', 'bench_sqlite'),
      ...(pgUrl === undefined ? [] : series('postgres', 'bench_pg')),
    ],
  };
}

function requestOf(spanMs: number) {
  const range = { from: END - spanMs, to: END };
  return { range, intervalMs: intervalFor(spanMs, MAX_DATA_POINTS), maxDataPoints: MAX_DATA_POINTS };
}

export function body(target: string, spanMs: number): string {
  const { range, intervalMs } = requestOf(spanMs);
  const from = new Date(range.from).toISOString();
  const to = new Date(range.to).toISOString();
  return JSON.stringify({
    range: { from, to, raw: { from, to } },
    intervalMs,
    maxDataPoints: MAX_DATA_POINTS,
    targets: [{ refId: 'A', target }],
  });
}

/** The statement our macros give for the request (the floor runs exactly this). */
export function statementFor(engine: Engine, sql: string, spanMs: number) {
  const { range, intervalMs } = requestOf(spanMs);
  const dialect: Dialect = engine;
  return expandMacros(sql, dialect, { range, intervalMs, maxDataPoints: MAX_DATA_POINTS, payload: {} });
}

/** Which table answers, by the server's own rule (src/sql/rollups.ts): the 1 h rollup or the raw table. */
export function tableFor(metric: 'rollup' | 'raw', spanMs: number): 'readings' | 'readings_1h' {
  if (metric === 'raw') return 'readings';
  const chosen = chooseRollup(requestOf(spanMs), [{ intervalMs: HOUR, query: 'readings_1h' as const }]);
  return chosen?.query ?? 'readings';
}

/** One run of `statement` by the bare driver: better-sqlite3's raw rows, or pg's rows as arrays. */
export function floorOf(
  engine: Engine,
  statement: Statement,
  sqlite: BetterSqlite3.Database,
  pg: Pool | undefined,
): () => Promise<unknown> {
  if (engine === 'sqlite') {
    const prepared = sqlite.prepare(statement.text).raw();
    return async () => prepared.all(...(statement.params as unknown[]));
  }
  return async () =>
    (pg as Pool).query({ text: statement.text, values: [...statement.params], rowMode: 'array' });
}

/** Buckets raw rows in JavaScript: what a server without push-down does. */
function bucketInJs(rows: Iterable<readonly unknown[]>, widthMs: number): number {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const [ts, sensor, value] of rows) {
    const key = `${sensor as string}:${Math.floor((ts as number) / widthMs)}`;
    const cell = sums.get(key);
    if (cell === undefined) sums.set(key, { sum: value as number, count: 1 });
    else {
      cell.sum += value as number;
      cell.count += 1;
    }
  }
  return sums.size;
}

export async function sqlBench(
  tmp: string,
  plan: SqlPlan,
  log: (m: string) => void,
): Promise<SqlBenchResult> {
  const dir = join(tmp, 'sql');
  const sqliteFile = join(dir, 'readings.db');
  const prepareMs: Record<string, number> = {};
  const skipped: string[] = [];
  prepareMs.sqlite = prepareSqlite(sqliteFile).ms;
  const pgUrl = await postgresUrl();
  if (pgUrl === undefined) skipped.push('postgres: no server answers at 127.0.0.1:5432');
  else prepareMs.postgres = (await preparePostgres(pgUrl)).ms;
  log(`SQL data ready (${ROWS} rows per engine; built now: ${JSON.stringify(prepareMs)} ms)`);

  const fixtures = join(dir, 'fixtures');
  mkdirSync(fixtures, { recursive: true });
  writeFileSync(join(fixtures, 'bench.json'), JSON.stringify(fixture(sqliteFile, pgUrl)));
  const server = await start<{ type: 'ready'; port: number }>(join(__dirname, 'sql-server.js'), [fixtures]);
  const sqlite = new BetterSqlite3(sqliteFile, { readonly: true });
  const pg = pgUrl === undefined ? undefined : new Pool({ connectionString: pgUrl, max: POOL });
  const client = poster(POOL);
  const engines: Engine[] = pgUrl === undefined ? ['sqlite'] : ['sqlite', 'postgres'];
  const results: SqlRow[] = [];
  const naive: SqlBenchResult['naive'][number][] = [];
  try {
    for (const engine of engines) {
      for (const [range, spanMs] of SQL_RANGES) {
        const metrics: Array<'rollup' | 'raw'> = spanMs >= 30 * DAY ? ['rollup', 'raw'] : ['rollup'];
        for (const metric of metrics) {
          const table = tableFor(metric, spanMs);
          const sql = table === 'readings_1h' ? QUERIES[engine].rollup : QUERIES[engine].raw;
          const statement = statementFor(engine, sql, spanMs);
          const text = body(metricName(engine, metric), spanMs);
          const url = `http://127.0.0.1:${server.ready.port}/query`;
          const ask = () =>
            client.post(url, text).catch((err: Error) => {
              throw new Error(`${engine} ${range}: ${err.message}`);
            });
          const floorOnce = floorOf(engine, statement, sqlite, pg);
          await ask(); // warm: the pool connects, the statement is parsed
          const timed = performance.now();
          await ask();
          const warmMs = performance.now() - timed;
          await floorOnce();
          // A cheap statement is measured in rounds, ours and the floor interleaved, and the round of the
          // median ratio kept: one 3 s run of each varied by ×1.5 on this shared machine.
          const rounds: Array<{ ours: Rate; floor: Rate }> = [];
          const count = warmMs < FAST_MS ? plan.rounds : 1;
          for (let round = 0; round < count; round++) {
            const ours = await cannonLoop(url, text, plan, POOL, warmMs).catch((err: Error) => {
              throw new Error(`${engine} ${range}: ${err.message}`);
            });
            // better-sqlite3 runs on this thread: one loop is its whole capacity.
            const floor = await closedLoop(floorOnce, plan, engine === 'sqlite' ? 1 : POOL);
            rounds.push({ ours, floor });
          }
          const ratios = rounds.map((r) => r.ours.rate / r.floor.rate);
          const byRatio = [...rounds].sort((a, b) => a.ours.rate / a.floor.rate - b.ours.rate / b.floor.rate);
          const { ours, floor } = byRatio[Math.floor(byRatio.length / 2)] as { ours: Rate; floor: Rate };
          results.push({ engine, range, metric, ours, floor, table, ratios });
          log(
            `sql ${engine} ${range} ${metric} (${table}): ours ${ours.rate.toFixed(1)}/s, floor ${floor.rate.toFixed(1)}/s (x${(ours.rate / floor.rate).toFixed(2)}; rounds ${ratios.map((r) => `x${r.toFixed(2)}`).join(' ')})`,
          );
        }
      }
      const [, span] = SQL_RANGES[SQL_RANGES.length - 1] as readonly [string, number];
      const { range, intervalMs } = requestOf(span);
      const naiveOnce =
        engine === 'sqlite'
          ? (() => {
              const raw = sqlite.prepare(QUERIES.sqlite.naive).raw();
              return async () =>
                bucketInJs(
                  (function* () {
                    for (const [ts, sensor, value] of raw.iterate(
                      range.from / 1000,
                      range.to / 1000,
                    ) as Iterable<[number, string, number]>)
                      yield [ts * 1000, sensor, value] as const;
                  })(),
                  intervalMs,
                );
            })()
          : async () => {
              const res = await (pg as Pool).query({
                text: QUERIES.postgres.naive,
                values: [range.from, range.to],
                rowMode: 'array',
              });
              return bucketInJs(
                res.rows.map((r: unknown[]) => [Number(r[0]), r[1], r[2]] as const),
                intervalMs,
              );
            };
      const rate = await closedLoop(naiveOnce, { seconds: 0, minimum: 2, rounds: 1 }, 1);
      naive.push({ engine, range: '365d', naive: rate });
      log(`sql ${engine} 365d naive (every raw row, bucketed in JS): ${rate.rate.toFixed(2)}/s`);
    }
  } finally {
    client.close();
    sqlite.close();
    await pg?.end();
    await server.stop();
  }
  return { rows: ROWS, prepareMs, results, naive, skipped };
}
