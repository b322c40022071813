/**
 * PostgreSQL through `pg`: a pool per database whose sessions are read-only (unless declared otherwise),
 * time out statements in the server (`statement_timeout`) and answer timestamps as UTC epoch ms. An
 * aborted request cancels its statement in the server (`pg_cancel_backend` from another connection).
 */
import { Client, type ClientConfig, Pool, type PoolClient, Query, type QueryArrayConfig } from 'pg';
import { AppError, DatabaseQueryError, DatabaseUnavailableError, RowLimitError } from '../errors';
import type { DriverSettings } from './databases';
import {
  abortedError,
  describeError,
  isNetworkError,
  statementTimeoutError,
  unavailableError,
} from './driver-errors';
import { numeric, timestampMs } from './driver-values';
import { PooledDatabase } from './pooled';
import type { Database, ResultColumn, ResultSet, Statement } from './types';

// Type OIDs of pg_type (src/include/catalog/pg_type.dat).
const TIME_OIDS = new Set([1082, 1114, 1184]); // date, timestamp, timestamptz
const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]); // int8, int2, int4, oid, float4, float8, numeric
const BOOL_OID = 16;
const STRING_OIDS = new Set([18, 19, 25, 1042, 1043]); // char, name, text, bpchar, varchar

const text = (value: string): string => value;
const bool = (value: string): boolean => value === 't';

/** The pool's own type parsers (never pg's global ones): anything not listed stays text (json, arrays). */
const TYPES = {
  getTypeParser: (oid: number): ((value: string) => unknown) =>
    TIME_OIDS.has(oid) ? timestampMs : NUMBER_OIDS.has(oid) ? numeric : oid === BOOL_OID ? bool : text,
};

function columnType(oid: number): ResultColumn['type'] {
  if (TIME_OIDS.has(oid)) return 'time';
  if (NUMBER_OIDS.has(oid)) return 'number';
  if (oid === BOOL_OID) return 'boolean';
  if (STRING_OIDS.has(oid)) return 'string';
  return 'other';
}

/** SQLSTATEs (and classes) that mean the database, not the statement, is the problem. */
const UNAVAILABLE_STATES = new Set(['28000', '28P01', '3D000', '53300', '57P01', '57P02', '57P03']);
const QUERY_CANCELED = '57014';

type Row = Array<string | number | boolean | null>;
const noop = (): void => undefined;

function connectionConfig(settings: DriverSettings): ClientConfig {
  const url = new URL(settings.target);
  const sslmode = url.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port === '' ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(sslmode === 'require' || sslmode === 'verify-full'
      ? { ssl: { rejectUnauthorized: sslmode === 'verify-full' } }
      : {}),
    connectionTimeoutMillis: settings.connectTimeout,
    types: TYPES,
  };
}

class PostgresDatabase extends PooledDatabase<PoolClient> implements Database {
  readonly dialect = 'postgres' as const;
  private readonly config: ClientConfig;
  private readonly pool: Pool;
  private readonly secrets: ReadonlyArray<string | undefined>;

  constructor(settings: DriverSettings) {
    super(settings);
    this.config = connectionConfig(settings);
    this.secrets = [settings.password];
    this.pool = new Pool({ ...this.config, max: settings.pool, idleTimeoutMillis: 30_000 });
    // An idle client whose server went away: the pool drops it; without a listener the process would crash.
    this.pool.on('error', noop);
    // Statements beyond the pool wait in the limiter (PooledDatabase), so pg's own queue (whose timeout
    // reads as "unreachable") stays empty.
  }

  stats(): { open: number; idle: number; waiting: number } {
    return {
      open: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.limiter.waiting + this.pool.waitingCount,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  protected checkout(): Promise<PoolClient> {
    return this.pool.connect();
  }

  protected release(client: PoolClient): void {
    client.release();
  }

  protected discard(client: PoolClient): void {
    client.release(true);
  }

  /** UTC, the statement timeout in the server, read-only (or not) transactions by default. */
  protected async prepareSession(client: PoolClient): Promise<void> {
    // A checked-out client's socket error would otherwise be an unhandled 'error' event.
    client.on('error', noop);
    const session = [
      `SET statement_timeout = ${this.settings.statementTimeout}`,
      "SET TimeZone = 'UTC'",
      // Set either way: a server (or PGlite's one shared session) may default to the other.
      `SET default_transaction_read_only = ${this.settings.readOnly ? 'on' : 'off'}`,
    ].join('; ');
    await client.query(session);
  }

  /** Streams the rows (never more than the cap into memory); settles once, whatever comes first. */
  protected run(
    client: PoolClient,
    statement: Statement,
    cap: number,
    signal: AbortSignal,
  ): Promise<ResultSet> {
    return new Promise<ResultSet>((resolve, reject) => {
      const rows: Row[] = [];
      let settled = false;
      const config: QueryArrayConfig = {
        text: statement.text,
        values: [...statement.params],
        rowMode: 'array',
      };
      const query = new Query(config);
      const pid = (client as unknown as { processID: number | null }).processID;

      /** Ends early: cancel the statement in the server, then drop the connection (it is mid-result). */
      const stop = (error: AppError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
        void this.cancel(pid).finally(() => client.release(true));
      };
      const aborted = (): void => stop(abortedError(this.name));
      const grace = Math.min(1000, Math.max(200, this.settings.statementTimeout / 2));
      // Backstop for a server that ignores statement_timeout (or a network that swallows its answer).
      const backstop = setTimeout(
        () => stop(statementTimeoutError(this.name, this.settings.statementTimeout)),
        this.settings.statementTimeout + grace,
      );
      const cleanup = (): void => {
        clearTimeout(backstop);
        signal.removeEventListener('abort', aborted);
      };
      signal.addEventListener('abort', aborted, { once: true });

      query.on('row', (row: Row) => {
        if (settled) return;
        if (rows.length >= cap) stop(new RowLimitError(this.name, cap));
        else rows.push(row);
      });
      query.on('error', (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        const mapped = this.mapError(err);
        // A statement error leaves the session usable; a broken connection does not.
        if (mapped instanceof DatabaseUnavailableError) client.release(true);
        else client.release();
        reject(mapped);
      });
      query.on('end', (result: { fields: Array<{ name: string; dataTypeID: number }> }) => {
        if (settled) return;
        settled = true;
        cleanup();
        client.release();
        resolve({
          columns: result.fields.map((field) => ({ name: field.name, type: columnType(field.dataTypeID) })),
          rows,
        });
      });
      client.query(query);
    });
  }

  /** `pg_cancel_backend` from a connection of its own (the pool may be full); best effort. */
  private async cancel(pid: number | null): Promise<void> {
    if (pid === null) return;
    const client = new Client(this.config);
    client.on('error', noop);
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The server is gone or refuses: dropping the connection is all that is left.
    } finally {
      await client.end().catch(noop);
    }
  }

  protected mapError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    if (code === QUERY_CANCELED) return statementTimeoutError(this.name, this.settings.statementTimeout, err);
    if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) {
      return unavailableError(this.name, err, this.secrets);
    }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !isNetworkError(err)) {
      return new DatabaseQueryError(this.name, describeError(err, this.secrets), err);
    }
    // Refused, unknown host, connect timeout, "Connection terminated unexpectedly".
    return unavailableError(this.name, err, this.secrets);
  }
}

export function openPostgres(settings: DriverSettings): Database {
  return new PostgresDatabase(settings);
}
