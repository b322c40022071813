/**
 * What every driver's database shares (pooled.ts for PostgreSQL and MySQL/MariaDB in their thread,
 * threaded.ts on the server's side of it, sqlite.ts): a statement first waits for a slot of the
 * database's concurrency cap (abort-aware, at most `queueTimeout`), then runs with at most the smaller of
 * the caller's and the database's row cap; `ping` is `SELECT 1` through the same path.
 */
import type { DriverSettings } from './databases';
import { inSlot, Limiter } from './pool-limiter';
import type { QueryOptions, ResultSet, Statement } from './types';

export abstract class SlottedDatabase {
  readonly name: string;
  protected readonly settings: DriverSettings;
  /** Statements beyond the cap wait here (abort-aware, timed), never in a driver's own queue. */
  protected readonly limiter: Limiter;

  constructor(settings: DriverSettings) {
    this.name = settings.name;
    this.settings = settings;
    this.limiter = new Limiter(Math.min(settings.maxConcurrent, settings.pool));
  }

  query(statement: Statement, options: QueryOptions): Promise<ResultSet> {
    const { signal } = options;
    const cap = Math.min(options.maxRows, this.settings.maxRows);
    return inSlot(this.limiter, this.settings, signal, () => this.execute(statement, cap, signal));
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.query({ text: 'SELECT 1', params: [] }, { signal, maxRows: 1 });
  }

  /** Runs one statement, holding a slot: more than `cap` rows rejects with RowLimitError. */
  protected abstract execute(statement: Statement, cap: number, signal: AbortSignal): Promise<ResultSet>;
}
