/**
 * `npm run bench [-- --quick]`: issue 4's benchmark in one run. Starts our server at the CLI's defaults
 * (request log on; 10M-point stored series registered), records its answer to every scenario, starts the
 * two floors serving those exact bytes, drives all three with autocannon on 127.0.0.1 (and, for the
 * LOG_SCENARIOS, our server with the request log off as well), then our server with 2 workers, and writes
 * docs/benchmarks.md (quick mode: .bench-tmp/benchmarks-quick.md, smaller series, one short run each).
 * Every child process is killed at the end, also on failure (children.ts). `--render` rewrites the
 * markdown from the last run's saved figures. `--sql-only` and `--ingest-only` rerun only the SQL or the push
 * ingestion scenarios and merge them into the last full run's figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Child, start } from './children';
import { drive, medianFigures, type RunFigures } from './drive';
import type { Recorded } from './floor';
import { machine } from './machine';
import { microBench } from './micro';
import type { ServerMessage } from './our-server';
import { linkDataFolders, repoRoot } from './paths';
import { rssBytes, processTree } from './proc';
import { type BenchResult, report, type ScenarioResult } from './report';
import { END, requestKey, type Scenario, scenarios } from './scenarios';
import { sqlBench } from './sql';
import { type IngestBenchResult, ingestBench, type IngestPlan } from './ingest';
import { INGEST_HEADING, ingestSection, spliceSection } from './ingest-report';
import { storedColumns } from './stored';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    // Only the SQL scenarios, merged into the last full run's figures (bench.json).
    'sql-only': { type: 'boolean', default: false },
    // Only the push ingestion scenarios (bench/ingest.ts), merged the same way.
    'ingest-only': { type: 'boolean', default: false },
  },
});
const quick = flags.quick === true;
const PLAN = quick
  ? {
      points: 1_000_000,
      connections: [10],
      warmup: 0,
      runs: 1,
      seconds: 1,
      workersScenarios: ['query stored 6h'],
    }
  : {
      points: 10_000_000,
      connections: [10, 50],
      warmup: 0.5,
      runs: 3,
      seconds: 2,
      workersScenarios: ['query stored 6h', 'query generated 6h'],
    };
/** Where the request log's cost shows most (the cheapest answers): also measured with the log off. */
const LOG_SCENARIOS = ['GET /', 'POST /search'];
const ROOT = repoRoot();
const TMP = join(ROOT, '.bench-tmp');
const BUILT = __dirname;

type Ready = { type: 'ready'; port: number };

async function record(port: number, list: readonly Scenario[]): Promise<Recorded> {
  const out: Record<string, Recorded[string]> = {};
  for (const s of list) {
    const res = await fetch(`http://127.0.0.1:${port}${s.path}`, {
      method: s.method,
      ...(s.body === undefined ? {} : { body: s.body, headers: { 'content-type': 'application/json' } }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${s.id}: our server answered ${res.status}: ${body.toString()}`);
    out[requestKey(s.method, s.path, s.body ?? '')] = {
      status: res.status,
      contentType: res.headers.get('content-type') ?? 'application/json',
      body: body.toString('base64'),
    };
  }
  return out;
}

async function main(): Promise<void> {
  const began = Date.now();
  linkDataFolders();
  const loadBefore = loadavg();
  const list = scenarios();
  log(
    `${quick ? 'quick' : 'full'} run: ${list.length} scenarios x ${PLAN.connections.join('/')} connections`,
  );
  const ours = await start<ServerMessage>(join(BUILT, 'our-server.js'), [
    '--points',
    String(PLAN.points),
    '--log',
    'on',
  ]);
  const load = ours.ready.load;
  if (load === undefined) throw new Error('our server reported no load figures');
  log(`our server ready: ${load.points} points loaded in ${load.ms.toFixed(0)} ms`);
  const recorded = await record(ours.ready.port, list);
  mkdirSync(TMP, { recursive: true });
  const recordedFile = join(TMP, 'recorded.json');
  writeFileSync(recordedFile, JSON.stringify(recorded));
  const floors = {
    node: await start<Ready>(join(BUILT, 'floor.js'), ['node', recordedFile]),
    express: await start<Ready>(join(BUILT, 'floor.js'), ['express', recordedFile]),
  };
  const quiet = await start<ServerMessage>(join(BUILT, 'our-server.js'), [
    '--points',
    String(PLAN.points),
    '--log',
    'off',
  ]);
  const all = { ours, quiet, ...floors } as const;

  const results: ScenarioResult[] = [];
  for (const s of list) {
    const bytes = Buffer.from(
      recorded[requestKey(s.method, s.path, s.body ?? '')]?.body ?? '',
      'base64',
    ).length;
    const servers: Partial<typeof all> = LOG_SCENARIOS.includes(s.id) ? all : { ours, ...floors };
    for (const connections of PLAN.connections) {
      if (PLAN.warmup > 0) {
        for (const server of Object.values(servers)) {
          await drive(server.ready.port, server.pid, s, connections, PLAN.warmup);
        }
      }
      const figures: Partial<Record<keyof typeof all, RunFigures[]>> = {};
      // Interleaved repeats: a burst of load from elsewhere on the machine hits all three alike.
      for (let i = 0; i < PLAN.runs; i++) {
        for (const [name, server] of Object.entries(servers) as Array<[keyof typeof all, Child<Ready>]>) {
          const run = await drive(server.ready.port, server.pid, s, connections, PLAN.seconds);
          figures[name] = [...(figures[name] ?? []), run];
        }
      }
      const row: ScenarioResult = {
        scenario: s.id,
        connections,
        bytes,
        ours: medianFigures(figures.ours ?? []),
        node: medianFigures(figures.node ?? []),
        express: medianFigures(figures.express ?? []),
        ...(figures.quiet === undefined ? {} : { logOff: medianFigures(figures.quiet) }),
      };
      results.push(row);
      log(
        `${s.id} @${connections}: ours ${row.ours.rps.toFixed(0)} req/s${row.logOff === undefined ? '' : ` (log off ${row.logOff.rps.toFixed(0)})`}, express ${row.express.rps.toFixed(0)}, node ${row.node.rps.toFixed(0)}`,
      );
    }
  }
  const rss = {
    ours: rssBytes(processTree(ours.pid)),
    node: rssBytes(processTree(floors.node.pid)),
    express: rssBytes(processTree(floors.express.pid)),
  };
  await Promise.all([floors.node.stop(), floors.express.stop(), quiet.stop()]);

  // 1 worker (the server above) and 2 workers measured again side by side, interleaved.
  const connections = PLAN.connections[PLAN.connections.length - 1] as number;
  const two = await start<ServerMessage>(join(BUILT, 'our-server.js'), [
    '--points',
    String(PLAN.points),
    '--log',
    'on',
    '--workers',
    '2',
  ]);
  const workers = [];
  for (const id of PLAN.workersScenarios) {
    const s = list.find((x) => x.id === id) as Scenario;
    if (PLAN.warmup > 0) await drive(two.ready.port, two.pid, s, connections, PLAN.warmup);
    const runs: { one: RunFigures[]; two: RunFigures[] } = { one: [], two: [] };
    for (let i = 0; i < PLAN.runs; i++) {
      runs.one.push(await drive(ours.ready.port, ours.pid, s, connections, PLAN.seconds));
      runs.two.push(await drive(two.ready.port, two.pid, s, connections, PLAN.seconds));
    }
    const row = { scenario: id, connections, one: medianFigures(runs.one), two: medianFigures(runs.two) };
    workers.push(row);
    log(
      `${id} @${connections}: 1 worker ${row.one.rps.toFixed(0)}, 2 workers ${row.two.rps.toFixed(0)} req/s`,
    );
  }
  const rssTwo = rssBytes(processTree(two.pid));
  await Promise.all([ours.stop(), two.stop()]);

  log('engine micro-benchmark (in process)');
  const micro = microBench(storedColumns(PLAN.points, END), quick ? 1 : 5, quick ? 20 : 100);
  const sql = await sqlBench(TMP, SQL_PLAN, log);
  const ingest = await ingestBench(TMP, INGEST_PLAN, log);

  const bench: BenchResult = {
    quick,
    plan: PLAN,
    machine: machine(),
    loadBefore,
    loadAfter: loadavg(),
    wallSeconds: (Date.now() - began) / 1000,
    load,
    rss,
    rssTwoWorkers: rssTwo,
    results,
    workers,
    micro,
    sql,
    ingest,
  };
  writeFileSync(join(TMP, quick ? 'bench-quick.json' : 'bench.json'), JSON.stringify(bench));
  writeReport(bench);
}

/** The markdown, with the hand-written analysis of bench/notes.md appended. */
function writeReport(bench: BenchResult): void {
  const file = bench.quick ? join(TMP, 'benchmarks-quick.md') : join(ROOT, 'docs', 'benchmarks.md');
  const notes = join(ROOT, 'bench', 'notes.md');
  const tail = existsSync(notes) ? `\n${readFileSync(notes, 'utf8')}` : '';
  writeFileSync(file, report(bench) + tail);
  log(`wrote ${file} (run took ${bench.wallSeconds.toFixed(0)} s)`);
}

const SQL_PLAN = quick ? { seconds: 1, minimum: 2, rounds: 1 } : { seconds: 3, minimum: 3, rounds: 5 };

/** `--sql-only`: the SQL scenarios again, into the last run's figures. */
async function sqlOnly(): Promise<void> {
  const file = join(TMP, quick ? 'bench-quick.json' : 'bench.json');
  const bench = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  linkDataFolders();
  const sql = await sqlBench(TMP, SQL_PLAN, log);
  const merged: BenchResult = { ...bench, sql };
  writeFileSync(file, JSON.stringify(merged));
  writeReport(merged);
}

const INGEST_PLAN: IngestPlan = {
  seconds: quick ? 1 : 3,
  // 5 rather than 3: the machine is shared, and a median of 5 interleaved runs keeps one burst out.
  runs: quick ? 1 : 5,
  warmup: quick ? 0 : 1,
  writers: 2,
  hostsPerWriter: 10,
  batchPoints: 5000,
  busyRate: 100_000,
  connections: 10,
};

/**
 * `--ingest-only`: the push ingestion scenarios again, into the last run's figures (their own figures are
 * also kept in ingest.json; `--ingest-only --render` merges those again without measuring).
 */
async function ingestOnly(): Promise<void> {
  const saved = join(TMP, quick ? 'ingest-quick.json' : 'ingest.json');
  if (flags.render === true) return mergeIngest(JSON.parse(readFileSync(saved, 'utf8')) as IngestBenchResult);
  linkDataFolders();
  const ingest = await ingestBench(TMP, INGEST_PLAN, log);
  writeFileSync(saved, JSON.stringify(ingest));
  mergeIngest(ingest);
}

/**
 * With no saved figures of a full run (the run that wrote docs/benchmarks.md was elsewhere), the markdown's
 * "Push ingestion" section is replaced as it is, and the analysis after it is bench/notes.md as it is now.
 */
function mergeIngest(ingest: IngestBenchResult): void {
  const file = join(TMP, quick ? 'bench-quick.json' : 'bench.json');
  if (existsSync(file)) {
    const merged: BenchResult = { ...(JSON.parse(readFileSync(file, 'utf8')) as BenchResult), ingest };
    writeFileSync(file, JSON.stringify(merged));
    writeReport(merged);
    return;
  }
  const doc = quick ? join(TMP, 'benchmarks-quick.md') : join(ROOT, 'docs', 'benchmarks.md');
  const notes = readFileSync(join(ROOT, 'bench', 'notes.md'), 'utf8');
  const old = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const firstNote = notes.split('\n')[0] ?? '';
  const cut = firstNote === '' ? -1 : old.indexOf(`\n${firstNote}\n`);
  const head = cut < 0 ? old : old.slice(0, cut + 1);
  const spliced = spliceSection(head.trimEnd() + '\n', ingestSection(ingest), [
    '## Multi-core (`--workers`)',
  ]);
  writeFileSync(doc, `${spliced.trimEnd()}\n\n${notes}`);
  log(`no ${file}: replaced "${INGEST_HEADING}" in ${doc}`);
}

/** `--render`: rewrite the markdown from the last run's figures (after editing notes.md or report.ts). */
function render(): void {
  writeReport(
    JSON.parse(readFileSync(join(TMP, quick ? 'bench-quick.json' : 'bench.json'), 'utf8')) as BenchResult,
  );
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

(flags['ingest-only'] === true
  ? ingestOnly()
  : flags.render === true
    ? Promise.resolve().then(render)
    : flags['sql-only'] === true
      ? sqlOnly()
      : main()
).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('[bench] failed:', err);
    process.exit(1);
  },
);
