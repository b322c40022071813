/** The "Push ingestion" section of docs/benchmarks.md and its targets (ingest.ts measures them). */
import type { Held, IngestBenchResult, IngestRun } from './ingest';

type IngestFloor = IngestBenchResult['floor'];

export interface IngestVerdict {
  readonly target: string;
  readonly pass: boolean;
  readonly detail: string;
}

export const INGEST_HEADING = '## Push ingestion';
export const MEMORY_TARGET = 200_000;
export const DURABLE_TARGET = 50_000;
export const P99_TARGET = 2;

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const hoursAgo = (ms: number, at: number) => `${((at - ms) / 3_600_000).toFixed(1)} h`;

export function ingestVerdicts(ingest: IngestBenchResult | undefined): IngestVerdict[] {
  if (ingest === undefined) return [];
  const { memory, durable, floor, query } = ingest;
  const ratio = query.busy.p99 / query.idle.p99;
  return [
    {
      target: `Push ingestion into memory ≥ ${f0(MEMORY_TARGET)} points/s (one server process)`,
      pass: memory.median.pointsPerSecond >= MEMORY_TARGET,
      detail: `${f0(memory.median.pointsPerSecond)} points/s, ×${f2(memory.median.pointsPerSecond / floor.median)} of parsing alone (${f0(floor.median)} points/s)`,
    },
    {
      target: `Push ingestion with --data-dir ≥ ${f0(DURABLE_TARGET)} points/s`,
      pass: durable.median.pointsPerSecond >= DURABLE_TARGET,
      detail: `${f0(durable.median.pointsPerSecond)} points/s, ×${f2(durable.median.pointsPerSecond / floor.median)} of parsing alone, ×${f2(durable.median.pointsPerSecond / memory.median.pointsPerSecond)} of memory`,
    },
    {
      target: `/query p99 while ingesting ${f0(query.busyRate)} points/s ≤ ×${P99_TARGET} of idle`,
      pass: ratio <= P99_TARGET && query.sameAnswer,
      detail: `${f1(query.busy.p99)} vs ${f1(query.idle.p99)} ms: ×${f2(ratio)}${query.sameAnswer ? '' : ' (the answer changed during the runs: not comparable)'}`,
    },
  ];
}

function heldText(h: Held): string {
  const all = h.held === h.acknowledged ? 'all' : `${f0(h.held)} of`;
  return `${all} ${f0(h.acknowledged)} acknowledged`;
}

/** Points one CPU-second of the server does: from its CPU time per point. */
function perCpuSecond(run: IngestRun): number {
  return 1e6 / run.cpuUsPerPoint;
}

function modeRow(name: string, run: IngestRun, floor: IngestFloor, held: string, verdict: string): string {
  const cpu = perCpuSecond(run);
  return `| ${name} | ${f0(run.pointsPerSecond)} | ×${f2(run.pointsPerSecond / floor.median)} | ${f0(cpu)} | ×${f2(cpu / floor.medianCpu)} | ${f2(run.mainUsPerPoint)} + ${f2(run.cpuUsPerPoint - run.mainUsPerPoint)} | ${f1(run.batchP50Ms)} / ${f1(run.batchP99Ms)} | ${held} | ${verdict} |`;
}

export function ingestSection(ingest: IngestBenchResult | undefined): string[] {
  if (ingest === undefined) return [];
  const { plan, batch, memory, durable, floor, query } = ingest;
  const [vMemory, vDurable, vQuery] = ingestVerdicts(ingest).map((v) => (v.pass ? 'PASS' : 'MISS'));
  const loads = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const mem = memory.median.pointsPerSecond;
  const dur = durable.median.pointsPerSecond;
  const p99 = query.busy.p99 / query.idle.p99;
  const busyCpu = query.busy.cpuPerRequest;
  return [
    INGEST_HEADING,
    '',
    `Measured ${new Date(ingest.measuredAt).toISOString()} (${f0(ingest.wallSeconds)} s; load average 1/5/15 min before ${loads(ingest.loadBefore)}, after ${loads(ingest.loadAfter)}: the machine's 2 cores are shared, rely on same-run ratios).`,
    '',
    `InfluxDB line protocol as Telegraf's InfluxDB v1 output sends it: ${plan.writers} writers, each a Telegraf relaying for ${plan.hostsPerWriter} hosts' cpu, mem and disk inputs (13 lines and 120 points per host per 10 s gather; ${f0(ingest.series)} series in all), POST \`/write?db=telegraf\` with the write token as the basic auth password, uncompressed, one batch in flight per writer on its own keep-alive connection. A batch is ${f0(batch.points)} points: ${batch.lines} lines, ${f1(batch.bytes / 1024)} KiB. Our server is the CLI (bench/ingest-server.ts runs src/process/server.ts) with \`--admin-token\` and \`--write-token\`, every other setting at its default (request log on); durable adds \`--data-dir\`, a fresh folder under .bench-tmp/ingest. Times start 7 days before the run and advance 10 s per gather, so every batch carries new, later points (inside the 30 d retention, ${f0(memory.held.acknowledged / ingest.series)} points per series at most against the cap of 300 000). The parse-only floor parses the same batch with parseLineProtocol in the benchmark process and stores nothing. ${plan.runs} × ${plan.seconds} s per mode after a ${plan.warmup} s warm-up, interleaved (memory, durable, floor), medians; server CPU is user + system time of the server process over the run (/proc), split into its main thread (the event loop) and the others (V8's GC helpers; with \`--data-dir\` also the store's SQLite worker thread); points per CPU-second is its inverse, what one core would do whatever else the machine runs.`,
    '',
    '| into | points/s | ÷ parse-only floor | points per CPU-second | ÷ floor per CPU-second | server CPU µs/point (main thread + others) | batch p50 / p99 ms | points held at the end | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    modeRow('memory', memory.median, floor, heldText(memory.held), `${vMemory} (≥ ${f0(MEMORY_TARGET)})`),
    modeRow(
      '`--data-dir` (SQLite, WAL, synchronous=FULL)',
      durable.median,
      floor,
      `${heldText(durable.held)}; ${f1(durable.diskBytes / Math.max(1, durable.held.held))} bytes/point on disk`,
      `${vDurable} (≥ ${f0(DURABLE_TARGET)})`,
    ),
    `| parse only (floor, in process) | ${f0(floor.median)} | ×1.00 | ${f0(floor.medianCpu)} | ×1.00 | ${f2(1e6 / floor.medianCpu)} | – | – | |`,
    '',
    `Per run (points/s): memory ${memory.runs.map((r) => f0(r.pointsPerSecond)).join(', ')}; durable ${durable.runs.map((r) => f0(r.pointsPerSecond)).join(', ')}; parse only ${floor.runs.map((r) => f0(r.pointsPerSecond)).join(', ')}. Newest point held: ${hoursAgo(memory.held.newestMs, memory.held.at)} before the end of the run (memory), ${hoursAgo(durable.held.newestMs, durable.held.at)} (durable).`,
    '',
    `\`/query\` while ingesting: a fresh server (same flags, memory) first takes ${f0(query.prefill)} points, the ${plan.hostsPerWriter} hosts of one writer for 1 h 5 min from 24 h ago. autocannon, ${plan.connections} connections, ${plan.seconds} s per run, asks \`/query\` for \`${query.target}\` over the first hour of it at maxDataPoints 500 (${query.series} series, ${f0(query.pointsInRange)} points, ${f1(query.answerBytes / 1024)} KiB): a pushed metric, because a dashboard over what Telegraf sends reads the very series being written. Idle, then while one writer pushes ${f0(query.busyRate)} points/s (${query.busyRate / batch.points} batches of ${f0(batch.points)} a second; it achieved ${f0(query.achievedRate)}) continuing the same series at later times, so the answer stays the same bytes (${query.sameAnswer ? 'checked: it did' : 'it did NOT: the comparison is off'}); ${plan.runs} runs interleaved, medians. The server held ${f0(query.held.held)} points at the end.`,
    '',
    '| /query | req/s | p50 ms | p99 ms | server CPU ms/req |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| idle | ${f0(query.idle.rps)} | ${f1(query.idle.p50)} | ${f1(query.idle.p99)} | ${f2(query.idle.cpuPerRequest)} |`,
    `| while ingesting ${f0(query.busyRate)} points/s | ${f0(query.busy.rps)} | ${f1(query.busy.p50)} | ${f1(query.busy.p99)} | ${f2(busyCpu)} (ingestion included) |`,
    `| while ingesting ÷ idle | ×${f2(query.busy.rps / query.idle.rps)} | ×${f2(query.busy.p50 / query.idle.p50)} | ×${f2(p99)} (${vQuery}: ≤ ×${P99_TARGET}) | |`,
    '',
    `What it shows: into memory one server process takes ${f0(mem)} points/s, ×${f2(mem / floor.median)} of what parsing alone does on this batch (×${f2(perCpuSecond(memory.median) / floor.medianCpu)} per CPU-second, which the other jobs on the machine disturb less); a batch costs the server ${f1((batch.points * memory.median.cpuUsPerPoint) / 1000)} ms of CPU (${f2(memory.median.cpuUsPerPoint)} µs a point), of which parsing is ${f0((100 * 1e6) / floor.medianCpu / memory.median.cpuUsPerPoint)} % (the floor's ${f2(1e6 / floor.medianCpu)} µs) and the rest storing the points in each series' columns, HTTP and garbage collection (analysis below). With \`--data-dir\` every batch is also one SQLite transaction, a row per point, committed with an fsync in the store's worker thread before the 204: ${f0(dur)} points/s, ×${f2(dur / mem)} of memory; the other threads' ${f2(durable.median.cpuUsPerPoint - durable.median.mainUsPerPoint)} µs a point, nearly all of it that worker, are the limit (${f0(1e6 / (durable.median.cpuUsPerPoint - durable.median.mainUsPerPoint))} points/s with a core of its own), and it shares the 2 cores with the main thread, the writers and whatever else runs. Ingesting ${f0(query.busyRate)} points/s beside a saturating dashboard load costs the queries ×${f2(query.busy.rps / query.idle.rps)} of their throughput and ×${f2(p99)} of their p99: the server is one event loop, so a query that arrives while a batch is handled waits for it. Where the time goes: [Push ingestion: where the time goes](#push-ingestion-where-the-time-goes) in the analysis below.`,
    '',
  ];
}

/**
 * Puts `section` (starting with its `## ` heading) in place of the markdown's section of that heading, or
 * before the first of `before` headings found, or at the end.
 */
export function spliceSection(
  markdown: string,
  section: readonly string[],
  before: readonly string[],
): string {
  const heading = section[0] ?? '';
  const lines = markdown.split('\n');
  const at = lines.indexOf(heading);
  if (at >= 0) {
    let end = lines.findIndex((l, i) => i > at && l.startsWith('## '));
    if (end < 0) end = lines.length;
    lines.splice(at, end - at, ...section);
    return lines.join('\n');
  }
  for (const h of before) {
    const i = lines.indexOf(h);
    if (i >= 0) {
      lines.splice(i, 0, ...section);
      return lines.join('\n');
    }
  }
  return [...lines, ...section].join('\n');
}
