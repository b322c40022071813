/**
 * What the two network drivers (postgres.ts, mysql.ts) share: a statement, once it holds a slot of the
 * database's concurrency cap (slotted.ts), waits for a pooled connection, abort-aware; a connection gets its
 * session settings once, the first time it is handed out, and one whose session cannot be set is
 * dropped. A dialect says how to check a connection out, give it back or drop it, set its session, run a
 * statement and read its driver's errors.
 */
import type { AppError } from '../errors';
import { abortedError, raceAbort } from './driver-errors';
import { SlottedDatabase } from './slotted';
import type { ResultSet, Statement } from './types';

const noop = (): void => undefined;

export abstract class PooledDatabase<C extends object> extends SlottedDatabase {
  /** Connections whose session settings are applied. */
  readonly #ready = new WeakSet<C>();

  protected async execute(statement: Statement, cap: number, signal: AbortSignal): Promise<ResultSet> {
    const connection = await this.#connect(signal);
    return this.run(connection, statement, cap, signal);
  }

  /** A pooled connection with this database's session settings, or the abort / unavailable error. */
  async #connect(signal: AbortSignal): Promise<C> {
    const connecting = this.checkout();
    let connection: C;
    try {
      connection = await raceAbort(connecting, signal, () => abortedError(this.name));
    } catch (err) {
      // Aborted while connecting: hand the connection back once it arrives.
      connecting.then((late) => this.release(late), noop);
      throw this.mapError(err);
    }
    if (this.#ready.has(connection)) return connection;
    try {
      await this.prepareSession(connection);
    } catch (err) {
      this.discard(connection);
      throw this.mapError(err);
    }
    this.#ready.add(connection);
    return connection;
  }

  /** Takes a connection from the pool (the pool's own wait and connect timeout apply). */
  protected abstract checkout(): Promise<C>;
  /** Gives a connection back to the pool. */
  protected abstract release(connection: C): void;
  /** Drops a connection that cannot be used. */
  protected abstract discard(connection: C): void;
  /** Applies the session settings to a connection handed out for the first time. */
  protected abstract prepareSession(connection: C): Promise<void>;
  /** Runs one statement on the connection, at most `cap` rows, and releases it however it ends. */
  protected abstract run(
    connection: C,
    statement: Statement,
    cap: number,
    signal: AbortSignal,
  ): Promise<ResultSet>;
  /** The driver's error as the coded error naming the database. */
  protected abstract mapError(err: unknown): AppError;
}
