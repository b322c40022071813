/**
 * The durable store behind `--data-dir`: pushed points and runtime registry changes in
 * `<dir>/simplejson-server.db` (SQLite, WAL), committed before they are acknowledged, replayed after a
 * restart, and shared by the processes of one host: each store object tails the file by seq, so it hands
 * its caller what the others wrote as well as its own.
 *
 * The SQLite work runs in one worker thread per store (src/ingest/durable-worker.ts), so a commit or an
 * fsync never blocks the event loop. The thread does not keep the process alive while it is idle.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, WriteError } from '../errors';
import type {
  OpEffect,
  PackedPoints,
  PackedSeries,
  WorkerAnswer,
  WorkerRequest,
  WorkerSettings,
} from './durable-worker';
import { type IngestBatch, type IngestSeries, type RegistryOp, seriesKey } from './types';

export const DATA_FILE = 'simplejson-server.db';

export interface DurableOptions {
  readonly dir: string;
  /** How long a write waits for another process's write lock before it fails; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

export interface StoredChanges {
  /** Registry changes since the last call (or since the start for the first), in the order made. */
  readonly ops: ReadonlyArray<{ readonly seq: number; readonly op: RegistryOp }>;
  /** Points since the last call, grouped like an IngestBatch (times/values in write order). */
  readonly points: IngestBatch;
}

/** A request before the channel numbers it (Omit of each member of the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Unnumbered<WorkerRequest>;
type Reply = Exclude<WorkerAnswer, { kind: 'ready' } | { kind: 'unavailable' }>;

/**
 * Under ts-jest (or any run from src/) this module is a .ts file and so is the worker's: its source is
 * transpiled here, with the TypeScript already loaded, and compiled in the thread as if it were loaded
 * from its own path. From dist/ the worker is a .js file and loads as it is.
 */
const WORKER_FILE = join(__dirname, `durable-worker${extname(__filename) === '.ts' ? '.ts' : '.js'}`);
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const Module = require('node:module');
const { dirname } = require('node:path');
const { file, source } = workerData.boot;
const worker = new Module(file);
worker.filename = file;
worker.paths = Module._nodeModulePaths(dirname(file));
worker._compile(source, file);
`;
let transpiled: string | undefined;

async function workerSource(): Promise<string> {
  if (transpiled !== undefined) return transpiled;
  const ts = createRequire(__filename)('typescript') as typeof import('typescript');
  transpiled = ts.transpileModule(await readFile(WORKER_FILE, 'utf8'), {
    fileName: WORKER_FILE,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  return transpiled;
}

async function startWorker(durable: WorkerSettings): Promise<Worker> {
  if (!WORKER_FILE.endsWith('.ts')) return new Worker(WORKER_FILE, { workerData: { durable } });
  const boot = { file: WORKER_FILE, source: await workerSource() };
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { durable, boot } });
}

/**
 * A failure of the file (disk full, an I/O error, locked past the busy timeout) or of the thread. INTERNAL:
 * no code of src/errors names a failing local store yet.
 */
function storeError(file: string, doing: string, message: string, code: string | undefined): AppError {
  const cause = Object.assign(new Error(message), code === undefined ? {} : { code });
  const suffix = code === undefined ? '' : ` (${code})`;
  return new AppError('STORAGE_FAILED', `${file}: ${doing} failed: ${message}${suffix}`, { cause });
}

/** What an op deletes in its own transaction (see the ordering note in durable-worker.ts). */
function effectOf(op: RegistryOp): OpEffect {
  if (op.op === 'reset') return 'reset';
  if (op.op === 'remove' && op.kind === 'metric') return { metric: op.name };
  return 'none';
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key] as string;
  return sorted;
}

/** The batch as columns; every point checked (integer ms, finite value: SQLite would store NaN as NULL). */
function pack(batch: IngestBatch): PackedPoints & { keys: string[] } {
  let total = 0;
  for (const [index, series] of batch.series.entries()) {
    if (series.times.length !== series.values.length) {
      throw new WriteError(
        `series ${index} (${JSON.stringify(series.metric)}) has ${series.times.length} times and ${series.values.length} values`,
      );
    }
    total += series.times.length;
  }
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  const packed: PackedSeries[] = [];
  const keys: string[] = [];
  let at = 0;
  for (const series of batch.series) {
    for (let i = 0; i < series.times.length; i++, at++) {
      const t = series.times[i] as number;
      const v = series.values[i] as number;
      if (!Number.isSafeInteger(t)) {
        throw new WriteError(`${JSON.stringify(series.metric)}: time ${t} is not an integer epoch ms`);
      }
      if (!Number.isFinite(v))
        throw new WriteError(`${JSON.stringify(series.metric)}: value ${v} is not finite`);
      times[at] = t;
      values[at] = v;
    }
    const key = seriesKey(series.labels);
    keys.push(key);
    packed.push({
      metric: series.metric,
      key,
      labels: JSON.stringify(sortedLabels(series.labels)),
      count: series.times.length,
    });
  }
  return { series: packed, times, values, keys };
}

/** Groups the worker's columns back into series, then adds `own` (a batch just written) after them. */
function unpack(points: PackedPoints, own?: IngestBatch, ownKeys?: readonly string[]): IngestBatch {
  const groups = new Map<string, IngestSeries>();
  let total = 0;
  let at = 0;
  for (const packed of points.series) {
    const times = new Array<number>(packed.count);
    const values = new Array<number>(packed.count);
    for (let i = 0; i < packed.count; i++, at++) {
      times[i] = points.times[at] as number;
      values[i] = points.values[at] as number;
    }
    const labels = JSON.parse(packed.labels) as Record<string, string>;
    groups.set(packed.metric + '\u0001' + packed.key, { metric: packed.metric, labels, times, values });
    total += packed.count;
  }
  own?.series.forEach((series, index) => {
    const name = series.metric + '\u0001' + (ownKeys?.[index] as string);
    const group = groups.get(name);
    if (group === undefined) {
      const { metric, times, values } = series;
      groups.set(name, {
        metric,
        labels: sortedLabels(series.labels),
        times: times.slice(),
        values: values.slice(),
      });
    } else {
      for (let i = 0; i < series.times.length; i++) {
        group.times.push(series.times[i] as number);
        group.values.push(series.values[i] as number);
      }
    }
    total += series.times.length;
  });
  return { series: [...groups.values()], points: total };
}

/** One worker thread, its pending requests in the order sent (the thread answers them in that order). */
class Channel {
  private readonly pending: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  private nextId = 0;
  private failure: Error | undefined;
  readonly exited: Promise<void>;

  constructor(
    private readonly worker: Worker,
    private readonly file: string,
  ) {
    worker.on('message', (answer: WorkerAnswer) => {
      if (answer.kind === 'ready' || answer.kind === 'unavailable') return;
      this.pending.shift()?.resolve(answer);
      if (this.pending.length === 0) worker.unref();
    });
    worker.on('error', (err) => this.fail(err));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    void this.exited.then(() => this.fail(new Error('the worker thread exited')));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.splice(0)) {
      waiting.reject(storeError(this.file, 'the durable store', err.message, undefined));
    }
  }

  send(request: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure !== undefined) {
      return Promise.reject(storeError(this.file, 'the durable store', this.failure.message, undefined));
    }
    return new Promise<Reply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      // A pending request keeps the process alive until it is answered; an idle thread does not.
      if (this.pending.length === 1) this.worker.ref();
      this.worker.postMessage({ ...request, id: this.nextId++ }, transfer);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Pushed points and runtime registry changes on disk; see the file comment. */
export class DurableStore {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly channel: Channel,
    /** The database file, named in errors. */
    readonly file: string,
  ) {}

  /** Creates the directory, the database and its schema as needed (WAL, synchronous=FULL, a busy timeout). */
  static async open(options: DurableOptions): Promise<DurableStore> {
    const file = join(options.dir, DATA_FILE);
    try {
      await mkdir(options.dir, { recursive: true });
    } catch (err) {
      throw storeError(
        file,
        'creating the data directory',
        (err as Error).message,
        (err as { code?: string }).code,
      );
    }
    const worker = await startWorker({ file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
    const opened = await new Promise<WorkerAnswer | Error>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', resolve);
    });
    if (opened instanceof Error || opened.kind !== 'ready') {
      await worker.terminate();
      const message =
        opened instanceof Error ? opened.message : opened.kind === 'unavailable' ? opened.message : '';
      throw storeError(file, 'opening the durable store', message, undefined);
    }
    return new DurableStore(new Channel(worker, file), file);
  }

  private async request(doing: string, request: Request, transfer?: ArrayBuffer[]): Promise<Reply> {
    if (this.closing !== undefined) throw new AppError('INTERNAL', `${this.file}: ${doing} after close()`);
    const reply = await this.channel.send(request, transfer);
    if (reply.kind === 'failed') throw storeError(this.file, doing, reply.message, reply.code);
    return reply;
  }

  private async changesOf(
    doing: string,
    request: Request,
    transfer?: ArrayBuffer[],
    own?: IngestBatch,
    ownKeys?: string[],
  ) {
    const reply = await this.request(doing, request, transfer);
    if (reply.kind !== 'changes')
      throw new AppError('INTERNAL', `${this.file}: ${doing}: unexpected ${reply.kind}`);
    const ops = reply.ops.map(({ seq, op }) => ({ seq, op: JSON.parse(op) as RegistryOp }));
    return { ops, points: unpack(reply, own, ownKeys) };
  }

  /**
   * Writes and commits the batch (one transaction); resolves only after the commit. Then returns every
   * change (ops and points, its own included) since the previous changes()/write/appendOp call of THIS
   * store object, so the caller applies them all in order to its memory. The batch must not change until
   * then: its own points in the answer are copied from it.
   */
  async write(batch: IngestBatch): Promise<StoredChanges> {
    const { keys, ...packed } = pack(batch);
    return this.changesOf(
      'writing points',
      { kind: 'write', ...packed },
      [packed.times.buffer as ArrayBuffer, packed.values.buffer as ArrayBuffer],
      batch,
      keys,
    );
  }

  /**
   * Appends a registry change, in the same transaction deleting the points it removes: a remove of a
   * metric deletes that metric's points, a reset all points (and the earlier ops, which it makes moot).
   * Returns the changes since the last call, like write().
   */
  async appendOp(op: RegistryOp): Promise<StoredChanges> {
    return this.changesOf('storing a registry change', {
      kind: 'op',
      op: JSON.stringify(op),
      effect: effectOf(op),
    });
  }

  /** The changes since the last call: the first call after open returns everything stored (the replay). */
  async changes(): Promise<StoredChanges> {
    return this.changesOf('reading changes', { kind: 'changes' });
  }

  /** Deletes points older than `cutoffMs` and, per series, all but the newest `maxPointsPerSeries` (by time). */
  async trim(cutoffMs: number, maxPointsPerSeries: number): Promise<{ deleted: number }> {
    if (Number.isNaN(cutoffMs)) throw new AppError('INTERNAL', `trim: cutoffMs is NaN`);
    if (
      maxPointsPerSeries !== Infinity &&
      !(Number.isSafeInteger(maxPointsPerSeries) && maxPointsPerSeries >= 0)
    ) {
      throw new AppError('INTERNAL', `trim: maxPointsPerSeries ${maxPointsPerSeries} is not a count`);
    }
    const reply = await this.request('trimming points', { kind: 'trim', cutoffMs, max: maxPointsPerSeries });
    if (reply.kind !== 'trimmed')
      throw new AppError('INTERNAL', `${this.file}: trim: unexpected ${reply.kind}`);
    return { deleted: reply.deleted };
  }

  /** Finishes the pending requests, then closes the database (SQLite checkpoints the WAL) and the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const reply = await this.channel.send({ kind: 'close' }).catch(() => undefined);
      // undefined: the thread had already stopped (its requests were rejected then), nothing is left to close.
      if (reply?.kind !== 'closed') await this.channel.terminate();
      await this.channel.exited;
      if (reply?.kind === 'failed') {
        throw storeError(this.file, 'closing the durable store', reply.message, reply.code);
      }
    })();
    return this.closing;
  }
}
