/**
 * Parse-only cost of push ingestion: InfluxDB line protocol as Telegraf's cpu, mem and disk inputs send it
 * (one gather every 10 s: 8 cores and cpu-total, mem, 3 disks, tags sorted, nanosecond timestamps), parsed
 * in-process with nothing stored (telegrafBatch, parseOnlyPointsPerSecond); and a fleet of such hosts as
 * a stream of batches with ever later timestamps, which bench/ingest.ts pushes to the server (TelegrafFleet).
 */
import { performance } from 'node:perf_hooks';
import { parseLineProtocol } from '../src/ingest/line-protocol';

/** mulberry32: a small deterministic generator, so a seed always gives the same batch. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CPU_FIELDS = [
  'usage_guest',
  'usage_guest_nice',
  'usage_idle',
  'usage_iowait',
  'usage_irq',
  'usage_nice',
  'usage_softirq',
  'usage_steal',
  'usage_system',
  'usage_user',
] as const;
const CPUS = ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7', 'cpu-total'];
const DISKS = [
  { device: 'nvme0n1p2', fstype: 'ext4', path: '/' },
  { device: 'nvme0n1p1', fstype: 'vfat', path: '/boot/efi' },
  { device: 'sda1', fstype: 'xfs', path: '/var/lib/docker' },
];
const GIB = 1024 ** 3;
/** 2023-11-14T22:13:20Z in ns, as digits (past 2^53, so never a number). */
const START_S = 1_700_000_000;

function cpuLine(cpu: string, host: string, next: () => number, ns: string): string {
  let idle = 100;
  const values = CPU_FIELDS.map((field) => {
    if (field === 'usage_idle') return 0;
    const share = field === 'usage_user' || field === 'usage_system' ? next() * 8 : next() < 0.6 ? 0 : next();
    idle -= share;
    return share;
  });
  const fields = CPU_FIELDS.map((field, i) => `${field}=${field === 'usage_idle' ? idle : values[i]}`);
  return `cpu,cpu=${cpu},host=${host} ${fields.join(',')} ${ns}`;
}

function memLine(host: string, next: () => number, ns: string): string {
  const total = 32 * GIB;
  const used = Math.round(total * (0.35 + next() * 0.1));
  const cached = Math.round(total * 0.2 * next());
  const available = total - used;
  return (
    `mem,host=${host} active=${Math.round(used * 0.8)}i,available=${available}i,` +
    `available_percent=${(available / total) * 100},buffered=${Math.round(next() * 400e6)}i,cached=${cached}i,` +
    `free=${available - cached}i,total=${total}i,used=${used}i,used_percent=${(used / total) * 100} ${ns}`
  );
}

function diskLine(disk: (typeof DISKS)[number], host: string, next: () => number, ns: string): string {
  const total = 512 * GIB;
  const used = Math.round(total * (0.4 + next() * 0.01));
  const inodesTotal = 33_554_432;
  const inodesUsed = Math.round(inodesTotal * 0.03 + next() * 1000);
  return (
    `disk,device=${disk.device},fstype=${disk.fstype},host=${host},mode=rw,path=${disk.path} ` +
    `free=${total - used}i,inodes_free=${inodesTotal - inodesUsed}i,inodes_total=${inodesTotal}i,` +
    `inodes_used=${inodesUsed}i,total=${total}i,used=${used}i,used_percent=${(used / total) * 100} ${ns}`
  );
}

/** `lines` lines of Telegraf cpu/mem/disk output (13 lines per 10 s gather), the same for the same seed. */
export function telegrafBatch(lines: number, seed = 1): string {
  const next = random(seed);
  const host = 'server01';
  const out: string[] = [];
  for (let gather = 0; out.length < lines; gather++) {
    const ns = `${START_S + gather * 10}000000000`;
    for (const cpu of CPUS) out.push(cpuLine(cpu, host, next, ns));
    out.push(memLine(host, next, ns));
    for (const disk of DISKS) out.push(diskLine(disk, host, next, ns));
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** One batch of a TelegrafFleet: the body as sent, and what it holds. */
export interface FleetBatch {
  readonly body: string;
  readonly lines: number;
  readonly points: number;
  /** Epoch ms of the newest line in the batch. */
  readonly lastMs: number;
}

export interface FleetOptions {
  /** The hosts this sender relays for, each with Telegraf's cpu, mem and disk inputs. */
  readonly hosts: readonly string[];
  /** Epoch ms of the first gather. */
  readonly startMs: number;
  /** Time between two gathers of a host (Telegraf's `interval`); default 10 s. */
  readonly stepMs?: number;
  readonly seed?: number;
}

/** Different value sets per host, cycled gather by gather (the parse cost is in the text, not the values). */
const VARIANTS = 8;

/**
 * A stream of line-protocol batches from `hosts`, as a Telegraf relaying for them sends it: gather after
 * gather (13 lines, 120 points per host: 9 cpu lines of 10 fields, mem of 9, 3 disks of 7), each gather
 * `stepMs` after the last, so every batch has new, later timestamps. `next(points)` takes whole lines up
 * to `points`: with 120 points per host, 5 000-point batches always end on an exact 5 000.
 */
export class TelegrafFleet {
  /** `[variant][line]`: the line without its timestamp, ending with the space before it. */
  readonly #lines: string[][];
  readonly #pointsOf: number[];
  readonly #stepMs: number;
  readonly #startMs: number;
  #gather = 0;
  #line = 0;

  constructor(options: FleetOptions) {
    const next = random(options.seed ?? 1);
    this.#stepMs = options.stepMs ?? 10_000;
    this.#startMs = options.startMs;
    this.#lines = Array.from({ length: VARIANTS }, () =>
      options.hosts.flatMap((host) => [
        ...CPUS.map((cpu) => cpuLine(cpu, host, next, '')),
        memLine(host, next, ''),
        ...DISKS.map((disk) => diskLine(disk, host, next, '')),
      ]),
    );
    this.#pointsOf = (this.#lines[0] ?? []).map((line) => fieldsOf(line));
  }

  /** Points in one gather of every host. */
  get pointsPerGather(): number {
    return this.#pointsOf.reduce((a, b) => a + b, 0);
  }

  /** Series the fleet writes (one per host, input instance and field). */
  get series(): number {
    return this.pointsPerGather;
  }

  /** Epoch ms of the next line to be sent. */
  get nextMs(): number {
    return this.#startMs + this.#gather * this.#stepMs;
  }

  /** The next batch: whole lines, at most `points` points (at least one line). */
  next(points: number): FleetBatch {
    let body = '';
    let lines = 0;
    let taken = 0;
    let lastMs = this.nextMs;
    for (;;) {
      const count = this.#pointsOf[this.#line] as number;
      if (lines > 0 && taken + count > points) break;
      const ms = this.nextMs;
      const variant = this.#lines[this.#gather % VARIANTS] as string[];
      body += `${variant[this.#line] as string}${ms}000000\n`;
      lines += 1;
      taken += count;
      lastMs = ms;
      this.#line += 1;
      if (this.#line === this.#pointsOf.length) {
        this.#line = 0;
        this.#gather += 1;
      }
      if (taken === points) break;
    }
    return { body, lines, points: taken, lastMs };
  }

  /** Gathers until `untilMs` (exclusive) as batches of at most `points`, e.g. to fill an hour first. */
  *until(untilMs: number, points: number): Generator<FleetBatch> {
    while (this.nextMs < untilMs) yield this.next(points);
  }
}

/** Numeric fields of a generated line (its field set is the text between the first two spaces). */
function fieldsOf(line: string): number {
  const fields = line.slice(line.indexOf(' ') + 1, line.lastIndexOf(' '));
  return fields.split(',').length;
}

/**
 * Parses `body` again and again for about `seconds` (after a warm-up) and answers the points parsed per
 * second of wall time, per second of this process's CPU time (user + system: what one core does, whatever
 * else the machine runs), and the points of one parse.
 */
export function parseOnlyPointsPerSecond(
  body: string,
  seconds: number,
): { pointsPerSecond: number; pointsPerCpuSecond: number; points: number } {
  const options = { precision: 'ns', now: START_S * 1000 } as const;
  const points = parseLineProtocol(body, options).points;
  const warmUntil = performance.now() + Math.min(500, seconds * 200);
  while (performance.now() < warmUntil) parseLineProtocol(body, options);
  let parsed = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    parsed += parseLineProtocol(body, options).points;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    pointsPerSecond: Math.round(parsed / ((now - start) / 1000)),
    pointsPerCpuSecond: Math.round(parsed / ((cpu.user + cpu.system) / 1e6)),
    points,
  };
}
