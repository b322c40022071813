/**
 * The worker thread behind one DurableStore (src/ingest/durable.ts): better-sqlite3 is synchronous, so every
 * statement, commit and fsync runs here, off the server's event loop. Requests are answered one at a time,
 * in the order sent. Points cross as Float64Array columns (transferred, not copied) beside one small
 * descriptor per series. The thread keeps the store's tail cursor: the last op and point seq it has
 * handed back.
 *
 * This file imports nothing of the project at run time (only types), so it can be loaded on its own.
 */
import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export const SCHEMA_VERSION = 1;

export interface WorkerSettings {
  readonly file: string;
  readonly busyTimeoutMs: number;
}

/** One series of a packed batch: its points are the next `count` entries of the columns. */
export interface PackedSeries {
  readonly metric: string;
  /** seriesKey(labels). */
  readonly key: string;
  /** JSON of the labels, keys sorted. */
  readonly labels: string;
  readonly count: number;
}

export interface PackedPoints {
  readonly series: PackedSeries[];
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** What an op deletes besides being stored. */
export type OpEffect = 'none' | 'reset' | { readonly metric: string };

export type WorkerRequest =
  | ({ readonly id: number; readonly kind: 'write' } & PackedPoints)
  | { readonly id: number; readonly kind: 'op'; readonly op: string; readonly effect: OpEffect }
  | { readonly id: number; readonly kind: 'changes' }
  | { readonly id: number; readonly kind: 'trim'; readonly cutoffMs: number; readonly max: number }
  | { readonly id: number; readonly kind: 'close' };

export interface StoredOp {
  readonly seq: number;
  readonly op: string;
}

export type WorkerAnswer =
  | { readonly kind: 'ready' }
  | { readonly kind: 'unavailable'; readonly message: string }
  | ({ readonly id: number; readonly kind: 'changes'; readonly ops: StoredOp[] } & PackedPoints)
  | { readonly id: number; readonly kind: 'trimmed'; readonly deleted: number }
  | { readonly id: number; readonly kind: 'closed' }
  | {
      readonly id: number;
      readonly kind: 'failed';
      readonly message: string;
      readonly code: string | undefined;
    };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY, metric TEXT NOT NULL, key TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (metric, key)
);
CREATE TABLE IF NOT EXISTS points (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, series INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS points_series_t ON points (series, t);
CREATE TABLE IF NOT EXISTS ops (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL);
`;

interface SeriesRow {
  readonly metric: string;
  readonly key: string;
  readonly labels: string;
}

/** Pragmas and schema, checked: the file is in WAL mode and of this schema version, or this throws. */
function setUp(db: Sqlite.Database, settings: WorkerSettings): void {
  // Set first: the other pragmas and the schema may wait on another process opening the same file.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`);
  // WAL: readers never wait for a writer, and the processes of one host share the file. A file system
  // without the shared memory WAL needs would silently keep the rollback journal: refuse it instead.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
  // FULL: a commit is on the disk (the WAL fsynced) before write() resolves, so an acknowledged batch
  // survives a power cut, not only a killed process.
  db.pragma('synchronous = FULL');
  db.transaction(() => {
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(SCHEMA_VERSION),
    );
  }).immediate();
  const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
  if (version !== String(SCHEMA_VERSION)) {
    throw new Error(`schema version ${String(version)}, this server reads version ${SCHEMA_VERSION}`);
  }
}

/** The statements of a store, prepared once. */
function prepare(db: Sqlite.Database) {
  return {
    opsAfter: db.prepare<[number], { seq: number; op: string }>(
      'SELECT seq, op FROM ops WHERE seq > ? ORDER BY seq',
    ),
    pointsAfter: db
      .prepare<[number], [number, number, number, number]>(
        'SELECT seq, series, t, v FROM points WHERE seq > ? ORDER BY seq',
      )
      .raw(true),
    seriesById: db.prepare<[number], SeriesRow>('SELECT metric, key, labels FROM series WHERE id = ?'),
    seriesId: db
      .prepare<[string, string], number>('SELECT id FROM series WHERE metric = ? AND key = ?')
      .pluck(),
    insertSeries: db.prepare<[string, string, string]>(
      'INSERT INTO series (metric, key, labels) VALUES (?, ?, ?)',
    ),
    insertPoint: db.prepare<[number, number, number]>('INSERT INTO points (series, t, v) VALUES (?, ?, ?)'),
    insertOp: db.prepare<[string]>('INSERT INTO ops (op) VALUES (?)'),
    deleteMetricPoints: db.prepare<[string]>(
      'DELETE FROM points WHERE series IN (SELECT id FROM series WHERE metric = ?)',
    ),
    deleteMetricSeries: db.prepare<[string]>('DELETE FROM series WHERE metric = ?'),
    deleteAllPoints: db.prepare('DELETE FROM points'),
    deleteAllSeries: db.prepare('DELETE FROM series'),
    deleteOpsBefore: db.prepare<[number]>('DELETE FROM ops WHERE seq < ?'),
    allSeriesIds: db.prepare<[], number>('SELECT id FROM series').pluck(),
    deleteOlder: db.prepare<[number, number]>('DELETE FROM points WHERE series = ? AND t < ?'),
    nthNewest: db.prepare<[number, number], { t: number; seq: number }>(
      'SELECT t, seq FROM points WHERE series = ? ORDER BY t DESC, seq DESC LIMIT 1 OFFSET ?',
    ),
    deleteUpTo: db.prepare<{ series: number; t: number; seq: number }>(
      'DELETE FROM points WHERE series = :series AND t <= :t AND NOT (t = :t AND seq > :seq)',
    ),
  };
}

/** The open database, its prepared statements, and the tail cursor of the store it serves. */
class Store {
  private readonly db: Sqlite.Database;
  private readonly statements: ReturnType<typeof prepare>;
  private lastOp = 0;
  private lastPoint = 0;
  /** `metric \u0001 key` → series id, and back. Emptied whenever an op may have deleted series (see tail). */
  private readonly ids = new Map<string, number>();
  private readonly rows = new Map<number, SeriesRow>();

  constructor(settings: WorkerSettings) {
    this.db = new Sqlite(settings.file);
    try {
      setUp(this.db, settings);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.statements = prepare(this.db);
  }

  /** Runs `work` in a transaction; a failed one leaves the caches empty, as they may name rolled-back rows. */
  private inTransaction<T>(work: () => T, mode: 'deferred' | 'immediate'): T {
    try {
      return this.db.transaction(work)[mode]();
    } catch (err) {
      this.ids.clear();
      this.rows.clear();
      throw err;
    }
  }

  /**
   * Every op and point after the cursor, read inside the caller's transaction (one snapshot, so ops and
   * points agree). Returns the cursor to move to once the transaction has committed.
   *
   * Ops come before points, and that order is right: an op that removes points (remove of a metric, a
   * reset) deletes them in its own transaction, so a point read here was written either before every op
   * that could have removed it (and is then already gone) or after them all.
   */
  private tail(): { ops: StoredOp[]; points: PackedPoints; lastOp: number; lastPoint: number } {
    const ops = this.statements.opsAfter.all(this.lastOp);
    const lastOp = ops.length === 0 ? this.lastOp : (ops[ops.length - 1] as StoredOp).seq;
    // A remove or a reset deletes series rows, and SQLite may then hand their ids to new series.
    if (ops.length > 0) {
      this.ids.clear();
      this.rows.clear();
    }
    const groups = new Map<number, { times: number[]; values: number[] }>();
    let lastPoint = this.lastPoint;
    let total = 0;
    for (const [seq, series, t, v] of this.statements.pointsAfter.iterate(this.lastPoint)) {
      let group = groups.get(series);
      if (group === undefined) groups.set(series, (group = { times: [], values: [] }));
      group.times.push(t);
      group.values.push(v);
      lastPoint = seq;
      total++;
    }
    const packed: PackedSeries[] = [];
    const times = new Float64Array(total);
    const values = new Float64Array(total);
    let at = 0;
    for (const [id, group] of groups) {
      const row = this.seriesRow(id);
      packed.push({ metric: row.metric, key: row.key, labels: row.labels, count: group.times.length });
      times.set(group.times, at);
      values.set(group.values, at);
      at += group.times.length;
    }
    return { ops, points: { series: packed, times, values }, lastOp, lastPoint };
  }

  private seriesRow(id: number): SeriesRow {
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.statements.seriesById.get(id);
      if (row === undefined) throw new Error(`points of series ${id}, which is not in the series table`);
      this.rows.set(id, row);
    }
    return row;
  }

  private seriesId(series: PackedSeries): number {
    const name = series.metric + '\u0001' + series.key;
    let id = this.ids.get(name);
    if (id === undefined) {
      id =
        this.statements.seriesId.get(series.metric, series.key) ??
        Number(this.statements.insertSeries.run(series.metric, series.key, series.labels).lastInsertRowid);
      this.ids.set(name, id);
    }
    return id;
  }

  private answer(id: number, read: ReturnType<Store['tail']>): WorkerAnswer {
    this.lastOp = read.lastOp;
    this.lastPoint = read.lastPoint;
    return { id, kind: 'changes', ops: read.ops, ...read.points };
  }

  /**
   * Stores the batch and answers the changes of others since the cursor: the caller adds its own batch
   * after them (it has it already; nobody can write between, this transaction holds the write lock).
   */
  write(id: number, batch: PackedPoints): WorkerAnswer {
    const read = this.inTransaction(() => {
      const read = this.tail();
      const { insertPoint } = this.statements;
      let at = 0;
      let last = 0;
      for (const series of batch.series) {
        const seriesId = this.seriesId(series);
        for (const end = at + series.count; at < end; at++) {
          last = Number(
            insertPoint.run(seriesId, batch.times[at] as number, batch.values[at] as number).lastInsertRowid,
          );
        }
      }
      return at === 0 ? read : { ...read, lastPoint: last };
    }, 'immediate');
    return this.answer(id, read);
  }

  /** Stores the op and deletes what it removes, then answers every change since the cursor, the op included. */
  appendOp(id: number, op: string, effect: OpEffect): WorkerAnswer {
    const read = this.inTransaction(() => {
      const seq = Number(this.statements.insertOp.run(op).lastInsertRowid);
      if (effect === 'reset') {
        this.statements.deleteAllPoints.run();
        this.statements.deleteAllSeries.run();
        this.statements.deleteOpsBefore.run(seq);
      } else if (effect !== 'none') {
        this.statements.deleteMetricPoints.run(effect.metric);
        this.statements.deleteMetricSeries.run(effect.metric);
      }
      // After the deletions: a point of a removed metric that this store had not seen yet is not handed back.
      return this.tail();
    }, 'immediate');
    return this.answer(id, read);
  }

  changes(id: number): WorkerAnswer {
    return this.answer(
      id,
      this.inTransaction(() => this.tail(), 'deferred'),
    );
  }

  /** Per series (through the (series, t) index): points before the cutoff, then all but the newest `max`. */
  trim(cutoffMs: number, max: number): number {
    return this.inTransaction(() => {
      const { allSeriesIds, deleteOlder, nthNewest, deleteUpTo } = this.statements;
      let deleted = 0;
      for (const series of allSeriesIds.all()) {
        if (cutoffMs > -Infinity) deleted += deleteOlder.run(series, cutoffMs).changes;
        if (max === Infinity) continue;
        const first = nthNewest.get(series, max);
        if (first !== undefined) deleted += deleteUpTo.run({ series, t: first.t, seq: first.seq }).changes;
      }
      return deleted;
    }, 'immediate');
  }

  close(): void {
    this.db.close();
  }
}

function handle(store: Store, request: WorkerRequest): WorkerAnswer {
  try {
    switch (request.kind) {
      case 'write':
        return store.write(request.id, request);
      case 'op':
        return store.appendOp(request.id, request.op, request.effect);
      case 'changes':
        return store.changes(request.id);
      case 'trim':
        return { id: request.id, kind: 'trimmed', deleted: store.trim(request.cutoffMs, request.max) };
      case 'close':
        store.close();
        return { id: request.id, kind: 'closed' };
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      id: request.id,
      kind: 'failed',
      message: (err as Error).message,
      code: typeof code === 'string' ? code : undefined,
    };
  }
}

function transfer(answer: WorkerAnswer): ArrayBuffer[] {
  return answer.kind === 'changes'
    ? [answer.times.buffer as ArrayBuffer, answer.values.buffer as ArrayBuffer]
    : [];
}

function serve(port: NonNullable<typeof parentPort>, settings: WorkerSettings): void {
  let store: Store;
  try {
    store = new Store(settings);
  } catch (err) {
    port.postMessage({ kind: 'unavailable', message: (err as Error).message } satisfies WorkerAnswer);
    return;
  }
  port.on('message', (request: WorkerRequest) => {
    const answer = handle(store, request);
    port.postMessage(answer, transfer(answer));
    // Nothing keeps the thread alive once its port is closed: it ends, and the store's close() resolves.
    if (answer.kind === 'closed') port.close();
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerAnswer);
}

if (parentPort !== null && (workerData as { durable?: WorkerSettings } | null)?.durable !== undefined) {
  serve(parentPort, (workerData as { durable: WorkerSettings }).durable);
}
