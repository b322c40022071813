/** The SQL section of docs/benchmarks.md and its targets (sql.ts measures them). */
import type { SqlBenchResult, SqlRow } from './sql';

export interface SqlVerdict {
  readonly target: string;
  readonly pass: boolean;
  readonly detail: string;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function row(
  sql: SqlBenchResult,
  engine: string,
  range: string,
  metric: SqlRow['metric'],
): SqlRow | undefined {
  return sql.results.find((r) => r.engine === engine && r.range === range && r.metric === metric);
}

export function sqlVerdicts(sql: SqlBenchResult | undefined): SqlVerdict[] {
  if (sql === undefined) return [];
  const out: SqlVerdict[] = [];
  const engines = [...new Set(sql.results.map((r) => r.engine))];
  for (const engine of engines) {
    const rows = sql.results.filter((r) => r.engine === engine && r.metric === 'rollup');
    const worst = rows.reduce<SqlRow | undefined>(
      (w, r) => (w === undefined || r.ours.rate / r.floor.rate < w.ours.rate / w.floor.rate ? r : w),
      undefined,
    );
    if (worst !== undefined) {
      const ratio = worst.ours.rate / worst.floor.rate;
      out.push({
        target: `SQL ${engine}: ours ≥ 0.7 × the bare driver on the same statement, every range`,
        pass: ratio >= 0.7,
        detail: `lowest ×${f2(ratio)} at ${worst.range} (${f1(worst.ours.rate)} vs ${f1(worst.floor.rate)} answers/s); ${rows.map((r) => `${r.range} ×${f2(r.ours.rate / r.floor.rate)}`).join(', ')}`,
      });
    }
    const year = row(sql, engine, '365d', 'rollup');
    const naive = sql.naive.find((n) => n.engine === engine);
    if (year !== undefined && naive !== undefined) {
      const ratio = year.ours.rate / naive.naive.rate;
      out.push({
        target: `SQL ${engine}: ours ≥ 10 × the naive way (every raw row, bucketed in JS) at 365d`,
        pass: ratio >= 10,
        detail: `×${f1(ratio)} (${f1(year.ours.rate)} vs ${f2(naive.naive.rate)} answers/s)`,
      });
    }
    const week = row(sql, engine, '7d', 'rollup');
    if (year !== undefined && week !== undefined) {
      const cost = week.ours.rate / year.ours.rate;
      out.push({
        target: `SQL ${engine}: with the 1 h rollup, 365d costs ≤ 2 × 7d`,
        pass: cost <= 2,
        detail: `365d costs ×${f2(cost)} of 7d (${f1(year.ours.rate)} vs ${f1(week.ours.rate)} answers/s; 365d without the rollup: ${f1(row(sql, engine, '365d', 'raw')?.ours.rate ?? Number.NaN)}/s)`,
      });
    }
  }
  return out;
}

export function sqlSection(sql: SqlBenchResult | undefined): string[] {
  if (sql === undefined) return [];
  return [
    '## SQL sources',
    '',
    `${sql.rows.toLocaleString('en')} rows per engine: 20 sensors × one year at 1 min, ending ${new Date(1715698800000).toISOString()}, plus a 1 h rollup table; SQLite (a file, clustered by (ts, sensor)) and the machine's PostgreSQL (an index on (ts, sensor)). One SQL metric per engine with the rollup declared, one without (\`raw\`). \`/query\` of one target at maxDataPoints 500 (20 series), Grafana-like intervalMs; our server at the CLI's defaults with a pool of 4. The floor runs the statement our macros expand for the same request with the bare driver (better-sqlite3 on one thread; pg with a pool of 4), no HTTP. Ours: autocannon (as the HTTP scenarios) on 4 keep-alive connections for 3 s, or, where one answer takes over 0.3 s, a count of requests that lasts about that long; the floor: closed loops of 4 (SQLite: 1) for 3 s; at least 3 answers each; answers per second. Where one answer takes under 0.3 s, 5 rounds of ours then the floor, and the table shows the round of the median ratio (every round's ratio below the table).${sql.skipped.length > 0 ? ` Not measured: ${sql.skipped.join('; ')}.` : ''}`,
    '',
    '| engine | range | metric | table read | ours /s | floor /s | ours ÷ floor | ours p50 ms |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...sql.results.map(
      (r) =>
        `| ${r.engine} | ${r.range} | ${r.metric} | ${r.table} | ${f1(r.ours.rate)} | ${f1(r.floor.rate)} | ×${f2(r.ours.rate / r.floor.rate)} | ${f1(r.ours.p50)} |`,
    ),
    '',
    ...sql.results
      .filter((r) => (r.ratios?.length ?? 0) > 1)
      .map(
        (r) =>
          `- ${r.engine} ${r.range} ${r.metric}, ours ÷ floor round by round: ${(r.ratios ?? []).map((x) => `×${f2(x)}`).join(', ')}.`,
      ),
    ...sql.naive.map(
      (n) =>
        `- Naive ${n.engine} 365d (every raw row in range fetched, bucketed in JavaScript, in process): ${f2(n.naive.rate)} answers/s (${f1(n.naive.p50)} ms each).`,
    ),
    '',
  ];
}
