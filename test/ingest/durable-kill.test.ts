/**
 * The durable store in a process of its own: killed with SIGKILL in the middle of a write load, every
 * batch it acknowledged is in the file afterwards, and no batch is there in part; left open, it lets its
 * process exit once its last write has committed.
 */
import Sqlite from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DATA_FILE, DurableStore } from '../../src/ingest/durable';
import { finished, ROOT, spawnScript } from '../support/bin';

const T0 = Date.UTC(2024, 4, 14, 9, 0, 0);
const SERIES = 5;
const PER_SERIES = 1000;

/**
 * Plain JS run under the TypeScript hook of test/support/bin.ts. `loop` writes batch 0, 1, 2, … and prints
 * `ack <id>` after each write() resolves; `once` writes one batch, `open` nothing, and neither closes the
 * store nor exits.
 * Batch `id`, series `s`, point `i`: time T0 + id*1000 + i, value id*1e6 + s*1000 + i.
 */
const CHILD = `
const [durable, dir, mode] = process.argv.slice(2);
const { DurableStore } = require(durable);
function batch(id) {
  const series = [];
  for (let s = 0; s < ${SERIES}; s++) {
    const times = [];
    const values = [];
    for (let i = 0; i < ${PER_SERIES}; i++) {
      times.push(${T0} + id * ${PER_SERIES} + i);
      values.push(id * 1e6 + s * 1000 + i);
    }
    series.push({ metric: 'load', labels: { s: String(s) }, times, values });
  }
  return { series, points: ${SERIES * PER_SERIES} };
}
DurableStore.open({ dir }).then(async (store) => {
  if (mode === 'open') {
    process.stdout.write('opened\\n');
    return;
  }
  if (mode === 'once') {
    store.write(batch(0)).then(() => process.stdout.write('ack 0\\n'));
    return;
  }
  for (let id = 0; ; id++) {
    await store.write(batch(id));
    process.stdout.write('ack ' + id + '\\n');
  }
});
`;

let dir: string;
let script: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplejson-durable-kill-'));
  script = join(dir, 'child.js');
  writeFileSync(script, CHILD);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function spawnChild(data: string, mode: 'loop' | 'once' | 'open'): ChildProcess {
  return spawnScript(relative(ROOT, script), [join(ROOT, 'src', 'ingest', 'durable.ts'), data, mode]);
}

/** The acknowledged ids, as complete `ack <id>` lines arrive. */
function acks(child: ChildProcess, onAck: (ids: number[]) => void): number[] {
  const ids: number[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) {
      const match = /^ack (\d+)$/.exec(line);
      if (match === null) throw new Error(`unexpected line from the child: ${line}`);
      ids.push(Number(match[1]));
    }
    onAck(ids);
  });
  return ids;
}

/** Points per batch id in a replay, after checking each point is the one its batch wrote. */
async function replayedBatches(data: string): Promise<Map<number, number>> {
  const store = await DurableStore.open({ dir: data });
  try {
    const replay = await store.changes();
    const counts = new Map<number, number>();
    for (const series of replay.points.series) {
      const s = Number(series.labels.s);
      expect(series.metric).toBe('load');
      series.times.forEach((t, index) => {
        const id = Math.floor((t - T0) / PER_SERIES);
        const i = t - T0 - id * PER_SERIES;
        expect(series.values[index]).toBe(id * 1e6 + s * 1000 + i);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      });
    }
    return counts;
  } finally {
    await store.close();
  }
}

describe('DurableStore in a killed process', () => {
  it('keeps every acknowledged batch whole after SIGKILL mid-load', async () => {
    const data = join(dir, 'data');
    const child = spawnChild(data, 'loop');
    const exit = finished(child);
    // Killed at the 20th to 29th acknowledgement, while the next write is under way.
    const killAt = 20 + Math.floor(Math.random() * 10);
    const acked = acks(child, (ids) => {
      if (ids.length >= killAt) child.kill('SIGKILL');
    });
    const result = await exit;
    expect(result.signal).toBe('SIGKILL');
    expect(result.stderr).toBe('');
    expect(acked.length).toBeGreaterThanOrEqual(20);
    expect(acked).toEqual(acked.map((_, index) => index));

    const counts = await replayedBatches(data);
    // Every acknowledged batch is there; the one in flight at the kill may be too (committed, not yet
    // acknowledged), and each batch that is there is whole: one transaction per batch.
    const last = acked[acked.length - 1] as number;
    expect([...counts.keys()].slice(0, acked.length)).toEqual(acked);
    expect(counts.size === acked.length || (counts.size === acked.length + 1 && counts.has(last + 1))).toBe(
      true,
    );
    for (const count of counts.values()) expect(count).toBe(SERIES * PER_SERIES);

    const db = new Sqlite(join(data, DATA_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 60_000);

  it.each([
    ['after its pending write has committed', 'once', 'ack 0\n', [[0, SERIES * PER_SERIES]]],
    ['with a store it has only opened', 'open', 'opened\n', []],
  ] as const)(
    'lets a process exit %s, without close()',
    async (_, mode, stdout, batches) => {
      const data = join(dir, 'data');
      const child = spawnChild(data, mode);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await finished(child);
      clearTimeout(timer);
      // Exited by itself (not killed by the timer), and only after the write had resolved.
      expect(result).toMatchObject({ code: 0, signal: null, stdout, stderr: '' });
      expect([...(await replayedBatches(data))]).toEqual(batches);
    },
    60_000,
  );
});
