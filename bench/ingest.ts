/**
 * The push-ingestion scenarios (issue 10, item 7), measured side by side in one run:
 * 1. Line protocol into our server at the CLI's defaults (`--admin-token`, `--write-token`): `writers`
 *    Telegraf outputs, each relaying for its own hosts, POST 5 000-point batches over keep-alive, one batch
 *    in flight each, for `seconds`: (a) into memory, (b) with `--data-dir` (a fresh folder under
 *    .bench-tmp/ingest), interleaved run by run with (c) the parse-only floor, parseLineProtocol on the same
 *    batch in this process. Times start 7 d ago and advance 10 s per gather, so every batch is new,
 *    later data; the points the servers hold at the end are checked against the points acknowledged.
 * 2. `/query` latency with and without ingestion: one server holding an hour of the fleet's data, autocannon
 *    on `/query` of `mem.used_percent` over that hour, idle, then while a writer pushes later points at a
 *    fixed rate, interleaved.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { intervalFor } from '../src/time/interval';
import { type Child, start } from './children';
import { drive, median, medianFigures, type RunFigures } from './drive';
import { parseOnlyPointsPerSecond, TelegrafFleet } from './ingest-parse';
import { combined, quantile, type Target, Writer, type WriterFigures } from './ingest-write';
import { cpuMs, processTree } from './proc';
import { MAX_DATA_POINTS, type Scenario } from './scenarios';

const HOUR = 3_600_000;
const STEP_MS = 10_000;
const ADMIN_TOKEN = 'bench-admin-token';
const WRITE_TOKEN = 'bench-write-token';
/** The pushed metric the `/query` scenario reads: one series per host. */
export const QUERY_TARGET = 'mem.used_percent';

export interface IngestPlan {
  readonly seconds: number;
  readonly runs: number;
  readonly warmup: number;
  readonly writers: number;
  readonly hostsPerWriter: number;
  readonly batchPoints: number;
  /** The fixed rate of the writer in scenario 2, points per second. */
  readonly busyRate: number;
  readonly connections: number;
}

export interface IngestRun {
  readonly pointsPerSecond: number;
  readonly batchP50Ms: number;
  readonly batchP99Ms: number;
  /** Server CPU (user + system, all its threads) per point, µs. */
  readonly cpuUsPerPoint: number;
  /**
   * The part of it on the main thread (the event loop); the rest is V8's GC helpers and, with a data
   * directory, the store's SQLite worker thread.
   */
  readonly mainUsPerPoint: number;
}

export interface Held {
  /** Points acknowledged over the whole run (warm-up included). */
  readonly acknowledged: number;
  /** `pushedPoints` of GET /admin/registry at the end. */
  readonly held: number;
  readonly oldestMs: number;
  readonly newestMs: number;
  /** When the servers were asked (epoch ms). */
  readonly at: number;
}

export interface IngestMode {
  readonly runs: readonly IngestRun[];
  readonly median: IngestRun;
  readonly held: Held;
}

export interface QueryUnderIngest {
  readonly target: string;
  readonly rangeMs: number;
  readonly answerBytes: number;
  readonly series: number;
  readonly pointsInRange: number;
  /** Points the server held when the idle runs began (the prefilled hour and a bit). */
  readonly prefill: number;
  readonly idle: RunFigures;
  readonly busy: RunFigures;
  readonly idleRuns: readonly RunFigures[];
  readonly busyRuns: readonly RunFigures[];
  /** The writer's asked rate and what it achieved (median of the busy runs), points/s. */
  readonly busyRate: number;
  readonly achievedRate: number;
  /** The answer after the busy runs is byte for byte the one before. */
  readonly sameAnswer: boolean;
  readonly held: Held;
}

export interface IngestBenchResult {
  readonly plan: IngestPlan;
  readonly measuredAt: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly wallSeconds: number;
  readonly batch: { readonly lines: number; readonly points: number; readonly bytes: number };
  readonly series: number;
  readonly memory: IngestMode;
  readonly durable: IngestMode & { readonly diskBytes: number };
  /** Parse only: points per second of wall time and of the benchmark process's CPU time. */
  readonly floor: {
    readonly runs: ReadonlyArray<{ readonly pointsPerSecond: number; readonly pointsPerCpuSecond: number }>;
    readonly median: number;
    readonly medianCpu: number;
  };
  readonly query: QueryUnderIngest;
}

type Ready = { type: 'ready'; port: number };

function hostsOf(writer: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `w${writer + 1}-host${String(i + 1).padStart(2, '0')}`);
}

/**
 * Where the writers' times start. Far enough back that the fastest runs stay in the past (here memory takes
 * ~12 h of the fleet's data time per run of the section), close enough that nothing nears the retention.
 */
const INGEST_START_AGO = 7 * 24 * HOUR;
const QUERY_START_AGO = 24 * HOUR;

/** A gather time `ago` ms before now, on Telegraf's 10 s grid. */
function gridAgo(ago: number): number {
  return Math.floor((Date.now() - ago) / STEP_MS) * STEP_MS;
}

function writersFor(server: Child<Ready>, plan: IngestPlan, startMs: number): Writer[] {
  const target: Target = { port: server.ready.port, token: WRITE_TOKEN };
  return Array.from(
    { length: plan.writers },
    (_, w) =>
      new Writer(
        target,
        new TelegrafFleet({ hosts: hostsOf(w, plan.hostsPerWriter), startMs, seed: w + 1 }),
        plan.batchPoints,
      ),
  );
}

/** The writers side by side for `seconds`, with the server's CPU time around them. */
async function measure(
  server: Child<Ready>,
  writers: readonly Writer[],
  seconds: number,
): Promise<{ run: IngestRun; figures: WriterFigures }> {
  const pids = processTree(server.pid);
  const cpu0 = cpuMs(pids);
  const ticks0 = ticks(server.pid);
  const figures = combined(await Promise.all(writers.map((w) => w.closedLoop(seconds))));
  const cpu = cpuMs(pids) - cpu0;
  const ticks1 = ticks(server.pid);
  const mainShare = (ticks1.main - ticks0.main) / Math.max(1, ticks1.all - ticks0.all);
  inThePast(figures.lastMs);
  return {
    figures,
    run: {
      pointsPerSecond: figures.points / figures.seconds,
      batchP50Ms: quantile(figures.latencies, 0.5),
      batchP99Ms: quantile(figures.latencies, 0.99),
      cpuUsPerPoint: (cpu * 1000) / figures.points,
      mainUsPerPoint: (mainShare * cpu * 1000) / figures.points,
    },
  };
}

/** utime + stime in clock ticks of the process's main thread and of the whole process (Linux /proc). */
function ticks(pid: number): { main: number; all: number } {
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  return { main: read(`/proc/${pid}/task/${pid}/stat`), all: read(`/proc/${pid}/stat`) };
}

/** Points from the future would be a store nobody has: the figures would not be of this server's use. */
function inThePast(lastMs: number): void {
  if (lastMs > Date.now())
    throw new Error(`the writers reached ${new Date(lastMs).toISOString()}, past now: start them earlier`);
}

function medianRun(runs: readonly IngestRun[]): IngestRun {
  return {
    pointsPerSecond: median(runs.map((r) => r.pointsPerSecond)),
    batchP50Ms: median(runs.map((r) => r.batchP50Ms)),
    batchP99Ms: median(runs.map((r) => r.batchP99Ms)),
    cpuUsPerPoint: median(runs.map((r) => r.cpuUsPerPoint)),
    mainUsPerPoint: median(runs.map((r) => r.mainUsPerPoint)),
  };
}

async function held(server: Child<Ready>, acknowledged: number, oldestMs: number, newestMs: number) {
  const res = await fetch(`http://127.0.0.1:${server.ready.port}/admin/registry`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const summary = (await res.json()) as { pushedPoints?: number };
  if (res.status !== 200 || typeof summary.pushedPoints !== 'number')
    throw new Error(`GET /admin/registry answered ${res.status}: ${JSON.stringify(summary).slice(0, 300)}`);
  return { acknowledged, held: summary.pushedPoints, oldestMs, newestMs, at: Date.now() };
}

function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, name) => n + statSync(join(dir, name)).size, 0);
}

function serverFlags(dataDir?: string): string[] {
  return [
    '--admin-token',
    ADMIN_TOKEN,
    '--write-token',
    WRITE_TOKEN,
    ...(dataDir === undefined ? [] : ['--data-dir', dataDir]),
  ];
}

/** Scenario 1: into memory and durable, interleaved with the parse-only floor. */
async function ingestion(tmp: string, plan: IngestPlan, log: (m: string) => void) {
  const dataDir = join(tmp, 'ingest', `data-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const script = join(__dirname, 'ingest-server.js');
  const memory = await start<Ready>(script, serverFlags());
  const durable = await start<Ready>(script, serverFlags(dataDir));
  const startMs = gridAgo(INGEST_START_AGO);
  const writers = { memory: writersFor(memory, plan, startMs), durable: writersFor(durable, plan, startMs) };
  const sample = new TelegrafFleet({ hosts: hostsOf(0, plan.hostsPerWriter), startMs, seed: 1 });
  const batch = sample.next(plan.batchPoints);
  try {
    const acked = { memory: 0, durable: 0 };
    const newest = { memory: startMs, durable: startMs };
    const runs = {
      memory: [] as IngestRun[],
      durable: [] as IngestRun[],
      floor: [] as Array<{ pointsPerSecond: number; pointsPerCpuSecond: number }>,
    };
    for (let i = -1; i < plan.runs; i++) {
      const warm = i < 0;
      if (warm && plan.warmup <= 0) continue;
      const seconds = warm ? plan.warmup : plan.seconds;
      for (const mode of ['memory', 'durable'] as const) {
        const { run, figures } = await measure(mode === 'memory' ? memory : durable, writers[mode], seconds);
        acked[mode] += figures.points;
        newest[mode] = Math.max(newest[mode], figures.lastMs);
        if (!warm) runs[mode].push(run);
      }
      const { pointsPerSecond, pointsPerCpuSecond } = parseOnlyPointsPerSecond(batch.body, seconds);
      if (!warm) {
        runs.floor.push({ pointsPerSecond, pointsPerCpuSecond });
        log(
          `ingest run ${i + 1}: memory ${runs.memory.at(-1)?.pointsPerSecond.toFixed(0)}, durable ${runs.durable.at(-1)?.pointsPerSecond.toFixed(0)}, parse-only ${pointsPerSecond} points/s (load ${loadavg()[0]?.toFixed(2)})`,
        );
      }
    }
    const heldMemory = await held(memory, acked.memory, startMs, newest.memory);
    const heldDurable = await held(durable, acked.durable, startMs, newest.durable);
    return {
      batch: { lines: batch.lines, points: batch.points, bytes: Buffer.byteLength(batch.body) },
      series: sample.series * plan.writers,
      memory: { runs: runs.memory, median: medianRun(runs.memory), held: heldMemory },
      durable: {
        runs: runs.durable,
        median: medianRun(runs.durable),
        held: heldDurable,
        diskBytes: folderBytes(dataDir),
      },
      floor: {
        runs: runs.floor,
        median: median(runs.floor.map((r) => r.pointsPerSecond)),
        medianCpu: median(runs.floor.map((r) => r.pointsPerCpuSecond)),
      },
    };
  } finally {
    for (const w of [...writers.memory, ...writers.durable]) w.close();
    await Promise.all([memory.stop(), durable.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function queryBody(from: number, to: number): string {
  const intervalMs = intervalFor(to - from, MAX_DATA_POINTS);
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  return JSON.stringify({
    range: { ...range, raw: range },
    interval: `${intervalMs}ms`,
    intervalMs,
    maxDataPoints: MAX_DATA_POINTS,
    targets: [{ refId: 'A', target: QUERY_TARGET, type: 'timeserie' }],
    adhocFilters: [],
  });
}

async function answer(port: number, body: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/query`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/query answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * Scenario 2. The server first takes an hour (and 5 min) of the fleet's gathers from 24 h ago; `/query` asks
 * for that hour. The busy writer then continues the same series with later times, so the answer stays the
 * same bytes while the store grows: what changes between idle and busy is only the ingestion beside it.
 */
async function queryUnderIngest(plan: IngestPlan, log: (m: string) => void): Promise<QueryUnderIngest> {
  const server = await start<Ready>(join(__dirname, 'ingest-server.js'), serverFlags());
  const startMs = gridAgo(QUERY_START_AGO);
  const fleet = new TelegrafFleet({ hosts: hostsOf(0, plan.hostsPerWriter), startMs, seed: 1 });
  const writer = new Writer({ port: server.ready.port, token: WRITE_TOKEN }, fleet, plan.batchPoints);
  try {
    let acked = 0;
    while (fleet.nextMs < startMs + HOUR + 5 * 60_000) acked += (await writer.send()).points;
    const prefill = acked;
    const body = queryBody(startMs, startMs + HOUR);
    const before = await answer(server.ready.port, body);
    const parsed = JSON.parse(before) as Array<{ datapoints: unknown[] }>;
    const scenario: Scenario = { id: 'query pushed 1h', method: 'POST', path: '/query', body };
    const { port } = server.ready;
    if (plan.warmup > 0) await drive(port, server.pid, scenario, plan.connections, plan.warmup);
    const idleRuns: RunFigures[] = [];
    const busyRuns: RunFigures[] = [];
    const rates: number[] = [];
    let newest = startMs;
    for (let i = 0; i < plan.runs; i++) {
      idleRuns.push(await drive(port, server.pid, scenario, plan.connections, plan.seconds));
      let stop = (): void => undefined;
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });
      const pushing = writer.paced(plan.busyRate, stopped);
      // The writer's first batches go out before the load starts, so the whole run is under ingestion.
      await new Promise((r) => setTimeout(r, 200));
      busyRuns.push(await drive(port, server.pid, scenario, plan.connections, plan.seconds));
      stop();
      const pushed = await pushing;
      acked += pushed.points;
      inThePast(pushed.lastMs);
      newest = Math.max(newest, pushed.lastMs);
      rates.push(pushed.points / pushed.seconds);
      log(
        `query while ingesting, run ${i + 1}: idle p50/p99 ${idleRuns.at(-1)?.p50}/${idleRuns.at(-1)?.p99} ms, busy ${busyRuns.at(-1)?.p50}/${busyRuns.at(-1)?.p99} ms (writer ${(pushed.points / pushed.seconds).toFixed(0)} points/s)`,
      );
    }
    const after = await answer(port, body);
    return {
      target: QUERY_TARGET,
      rangeMs: HOUR,
      answerBytes: Buffer.byteLength(before),
      series: parsed.length,
      pointsInRange: parsed.reduce((n, s) => n + s.datapoints.length, 0),
      prefill,
      idle: medianFigures(idleRuns),
      busy: medianFigures(busyRuns),
      idleRuns,
      busyRuns,
      busyRate: plan.busyRate,
      achievedRate: median(rates),
      sameAnswer: after === before,
      held: await held(server, acked, startMs, newest),
    };
  } finally {
    writer.close();
    await server.stop();
  }
}

export async function ingestBench(
  tmp: string,
  plan: IngestPlan,
  log: (m: string) => void,
): Promise<IngestBenchResult> {
  const began = Date.now();
  const loadBefore = loadavg();
  log(`ingest: load average before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}`);
  const one = await ingestion(tmp, plan, log);
  const query = await queryUnderIngest(plan, log);
  return {
    plan,
    measuredAt: began,
    loadBefore,
    loadAfter: loadavg(),
    wallSeconds: (Date.now() - began) / 1000,
    ...one,
    query,
  };
}
