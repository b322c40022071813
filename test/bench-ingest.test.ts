/**
 * The ingestion benchmark's own parts (bench/ingest*.ts): the batches it pushes, its figures' arithmetic,
 * its targets and how its section is merged into docs/benchmarks.md. The measuring itself is `npm run
 * bench -- --ingest-only`.
 */
import type { IngestBenchResult, IngestRun } from '../bench/ingest';
import { TelegrafFleet } from '../bench/ingest-parse';
import { ingestSection, ingestVerdicts, spliceSection } from '../bench/ingest-report';
import { combined, quantile } from '../bench/ingest-write';
import { parseLineProtocol } from '../src/ingest/line-protocol';

const START = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('TelegrafFleet', () => {
  const hosts = ['a', 'b', 'c'];

  it('writes 13 lines and 120 points per host per gather, one series per point of a gather', () => {
    const fleet = new TelegrafFleet({ hosts, startMs: START });
    expect(fleet.pointsPerGather).toBe(360);
    expect(fleet.series).toBe(360);
    const gather = fleet.next(360);
    expect({ lines: gather.lines, points: gather.points, lastMs: gather.lastMs }).toEqual({
      lines: 39,
      points: 360,
      lastMs: START,
    });
    const parsed = parseLineProtocol(gather.body, { precision: 'ns', now: 0 });
    expect(parsed.points).toBe(360);
    expect(parsed.series).toHaveLength(360);
    expect(fleet.nextMs).toBe(START + 10_000);
  });

  it('cuts 5 000-point batches on whole lines, each point later than the last of its series', () => {
    const fleet = new TelegrafFleet({ hosts: Array.from({ length: 10 }, (_, i) => `h${i}`), startMs: START });
    const last = new Map<string, number>();
    const notLater: string[] = [];
    let lines = 0;
    for (let b = 0; b < 7; b++) {
      const batch = fleet.next(5000);
      expect(batch.points).toBe(5000);
      lines += batch.lines;
      const parsed = parseLineProtocol(batch.body, { precision: 'ns', now: 0 });
      expect(parsed.points).toBe(5000);
      for (const s of parsed.series) {
        const key = `${s.metric} ${JSON.stringify(s.labels)}`;
        for (const t of s.times) {
          if (!(t > (last.get(key) ?? -Infinity))) notLater.push(`${key} ${t}`);
          last.set(key, t);
        }
      }
    }
    expect(notLater).toEqual([]);
    expect(last.size).toBe(1200);
    // 35 000 points = 29 gathers of 1 200 points and 200 more: 29 × 130 lines + one host's 13 + 8 cpu lines.
    expect(lines).toBe(29 * 130 + 13 + 8);
    expect(fleet.nextMs).toBe(START + 29 * 10_000);
  });

  it('gives the same body for the same seed and hosts', () => {
    const a = new TelegrafFleet({ hosts, startMs: START, seed: 3 }).next(5000).body;
    const b = new TelegrafFleet({ hosts, startMs: START, seed: 3 }).next(5000).body;
    const c = new TelegrafFleet({ hosts, startMs: START, seed: 4 }).next(5000).body;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('takes one line when a line alone is over the points asked', () => {
    const batch = new TelegrafFleet({ hosts, startMs: START }).next(3);
    expect({ lines: batch.lines, points: batch.points }).toEqual({ lines: 1, points: 10 });
  });
});

describe('writer figures', () => {
  it.each([
    [[5, 1, 3, 2, 4], 0.5, 3],
    [[5, 1, 3, 2, 4], 0.99, 5],
    [[5, 1, 3, 2, 4], 0.2, 1],
    [[7], 0.99, 7],
  ])('quantile(%j, %p) = %p', (xs, q, expected) => {
    expect(quantile(xs, q)).toBe(expected);
  });

  it('has no quantile of nothing', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('adds writers side by side over the longest time', () => {
    const one = { points: 10_000, batches: 2, seconds: 2.9, latencies: [4, 6], lastMs: 100 };
    const two = { points: 15_000, batches: 3, seconds: 3.1, latencies: [5, 5, 7], lastMs: 90 };
    expect(combined([one, two])).toEqual({
      points: 25_000,
      batches: 5,
      seconds: 3.1,
      latencies: [4, 6, 5, 5, 7],
      lastMs: 100,
    });
  });
});

function run(pointsPerSecond: number): IngestRun {
  return { pointsPerSecond, batchP50Ms: 10, batchP99Ms: 20, cpuUsPerPoint: 2, mainUsPerPoint: 1.5 };
}

function figures(p99: number) {
  return { rps: 300, p50: p99 / 2, p99, cpuPerRequest: 3, failures: 0 };
}

function result(memory: number, durable: number, idleP99: number, busyP99: number, same = true) {
  const held = { acknowledged: 1000, held: 1000, oldestMs: START, newestMs: START, at: START };
  const r: IngestBenchResult = {
    plan: {
      seconds: 3,
      runs: 3,
      warmup: 1,
      writers: 2,
      hostsPerWriter: 10,
      batchPoints: 5000,
      busyRate: 100_000,
      connections: 10,
    },
    measuredAt: START,
    loadBefore: [1, 1, 1],
    loadAfter: [2, 2, 2],
    wallSeconds: 60,
    batch: { lines: 541, points: 5000, bytes: 149_000 },
    series: 2400,
    memory: { runs: [run(memory)], median: run(memory), held },
    durable: { runs: [run(durable)], median: run(durable), held, diskBytes: 50_000 },
    floor: { runs: [{ pointsPerSecond: 1e6, pointsPerCpuSecond: 2e6 }], median: 1e6, medianCpu: 2e6 },
    query: {
      target: 'mem.used_percent',
      rangeMs: 3_600_000,
      answerBytes: 120_000,
      series: 10,
      pointsInRange: 3610,
      prefill: 470_000,
      idle: figures(idleP99),
      busy: figures(busyP99),
      idleRuns: [figures(idleP99)],
      busyRuns: [figures(busyP99)],
      busyRate: 100_000,
      achievedRate: 99_000,
      sameAnswer: same,
      held,
    },
  };
  return r;
}

describe('ingest targets', () => {
  it('passes at the targets and names the figures', () => {
    expect(ingestVerdicts(result(200_000, 50_000, 10, 20))).toEqual([
      {
        target: 'Push ingestion into memory ≥ 200,000 points/s (one server process)',
        pass: true,
        detail: '200,000 points/s, ×0.20 of parsing alone (1,000,000 points/s)',
      },
      {
        target: 'Push ingestion with --data-dir ≥ 50,000 points/s',
        pass: true,
        detail: '50,000 points/s, ×0.05 of parsing alone, ×0.25 of memory',
      },
      {
        target: '/query p99 while ingesting 100,000 points/s ≤ ×2 of idle',
        pass: true,
        detail: '20.0 vs 10.0 ms: ×2.00',
      },
    ]);
  });

  it('misses below them, and when the answer changed under ingestion', () => {
    expect(ingestVerdicts(result(199_999, 49_999, 10, 21)).map((v) => v.pass)).toEqual([false, false, false]);
    const changed = ingestVerdicts(result(300_000, 60_000, 10, 12, false))[2];
    expect(changed?.pass).toBe(false);
    expect(changed?.detail).toBe(
      '12.0 vs 10.0 ms: ×1.20 (the answer changed during the runs: not comparable)',
    );
  });

  it('has no targets and no section without figures', () => {
    expect(ingestVerdicts(undefined)).toEqual([]);
    expect(ingestSection(undefined)).toEqual([]);
  });

  it('writes the section with its rows, per-CPU figures and verdicts', () => {
    const lines = ingestSection(result(250_000, 40_000, 10, 15));
    expect(lines[0]).toBe('## Push ingestion');
    expect(lines).toContain(
      '| memory | 250,000 | ×0.25 | 500,000 | ×0.25 | 1.50 + 0.50 | 10.0 / 20.0 | all 1,000 acknowledged | PASS (≥ 200,000) |',
    );
    expect(lines).toContain(
      '| `--data-dir` (SQLite, WAL, synchronous=FULL) | 40,000 | ×0.04 | 500,000 | ×0.25 | 1.50 + 0.50 | 10.0 / 20.0 | all 1,000 acknowledged; 50.0 bytes/point on disk | MISS (≥ 50,000) |',
    );
    expect(lines).toContain('| while ingesting ÷ idle | ×1.00 | ×1.50 | ×1.50 (PASS: ≤ ×2) | |');
  });
});

describe('spliceSection', () => {
  const doc = ['# B', '', '## SQL sources', 'sql', '', '## Multi-core (`--workers`)', 'mc', ''].join('\n');
  const section = ['## Push ingestion', 'new', ''];

  it('goes before the first heading of the list it finds', () => {
    expect(spliceSection(doc, section, ['## Nothing', '## Multi-core (`--workers`)'])).toBe(
      [
        '# B',
        '',
        '## SQL sources',
        'sql',
        '',
        '## Push ingestion',
        'new',
        '',
        '## Multi-core (`--workers`)',
        'mc',
        '',
      ].join('\n'),
    );
  });

  it('replaces the section of the same heading, up to the next one', () => {
    const once = spliceSection(
      doc,
      ['## Push ingestion', 'old', 'older', ''],
      ['## Multi-core (`--workers`)'],
    );
    expect(spliceSection(once, section, ['## Multi-core (`--workers`)'])).toBe(
      spliceSection(doc, section, ['## Multi-core (`--workers`)']),
    );
  });

  it('goes at the end when none of the headings is there', () => {
    expect(spliceSection('# B\n', section, ['## Multi-core (`--workers`)'])).toBe(
      '# B\n\n## Push ingestion\nnew\n',
    );
  });
});
