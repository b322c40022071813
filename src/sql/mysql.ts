/**
 * MySQL and MariaDB through `mysql2`: a pool per database whose sessions are read-only (unless declared
 * otherwise), time out statements in the server (MariaDB `max_statement_time`, MySQL
 * `max_execution_time`) and answer timestamps as UTC epoch ms. An aborted request kills its statement
 * in the server (`KILL QUERY <thread id>` from another connection).
 */
import {
  type Connection,
  type FieldPacket,
  type Pool,
  type PoolConnection,
  createConnection,
  createPool,
} from 'mysql2';
import type { ConnectionOptions } from 'mysql2';
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

// Column types of the client/server protocol (include/mysql_com.h enum_field_types).
const TIME_TYPES = new Set([7, 10, 12, 14, 17, 18]); // TIMESTAMP, DATE, DATETIME, NEWDATE, TIMESTAMP2, DATETIME2
const NUMBER_TYPES = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 246]); // DECIMAL, TINY..DOUBLE, LONGLONG, INT24, YEAR, NEWDECIMAL
const STRING_TYPES = new Set([15, 247, 253, 254]); // VARCHAR, ENUM, VAR_STRING, STRING
const BINARY_CHARSET = 63;

/** Error codes meaning the server, not the statement, is the problem. */
const UNAVAILABLE_CODES = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_HOST_NOT_PRIVILEGED',
  'ER_HOST_IS_BLOCKED',
  'ER_SERVER_SHUTDOWN',
  'ER_NOT_SUPPORTED_AUTH_MODE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'POOL_CLOSED',
]);
/** MariaDB's max_statement_time, MySQL's max_execution_time, and KILL QUERY. */
const TIMEOUT_ERRNOS = new Set([1969, 3024, 1317]);
const UNKNOWN_SYSTEM_VARIABLE = 1193;

type Value = string | number | boolean | null;
const noop = (): void => undefined;

function columnType(field: FieldPacket): ResultColumn['type'] {
  const type = field.columnType ?? -1;
  if (TIME_TYPES.has(type)) return 'time';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (STRING_TYPES.has(type) && field.characterSet !== BINARY_CHARSET) return 'string';
  return 'other';
}

/** One value as the SQL layer answers it, by its column's type. */
function normalise(value: unknown, type: ResultColumn['type']): Value {
  if (value === null || value === undefined) return null;
  if (type === 'time') {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
    return typeof value === 'string' ? timestampMs(value) : null;
  }
  if (typeof value === 'bigint') return Number(value);
  if (type === 'number') return typeof value === 'number' ? value : numeric(String(value));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.getTime();
  return JSON.stringify(value);
}

function connectionOptions(settings: DriverSettings): ConnectionOptions {
  const url = new URL(settings.target);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    connectTimeout: settings.connectTimeout,
    // Values come back as text and are normalised by column type: UTC timestamps, numbers.
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
    // execute() prepares each statement text once per connection; a metric's text is fixed (request
    // values are parameters), so a small cache holds them all and bounds what the server keeps.
    maxPreparedStatements: 256,
  };
}

class MysqlDatabase extends PooledDatabase<PoolConnection> implements Database {
  readonly dialect = 'mysql' as const;
  private readonly options: ConnectionOptions;
  private readonly pool: Pool;
  private readonly secrets: ReadonlyArray<string | undefined>;

  constructor(settings: DriverSettings) {
    super(settings);
    this.options = connectionOptions(settings);
    this.secrets = [settings.password];
    this.pool = createPool({
      ...this.options,
      connectionLimit: settings.pool,
      maxIdle: settings.pool,
      idleTimeout: 30_000,
      waitForConnections: true,
      queueLimit: 0,
    });
    // Statements beyond the pool wait in the limiter (PooledDatabase), never in mysql2's own queue.
  }

  stats(): { open: number; idle: number; waiting: number } {
    // mysql2 keeps these counts on the pool without a public accessor.
    const inner = this.pool as unknown as {
      _allConnections: { length: number };
      _freeConnections: { length: number };
      _connectionQueue: { length: number };
    };
    return {
      open: inner._allConnections.length,
      idle: inner._freeConnections.length,
      waiting: this.limiter.waiting + inner._connectionQueue.length,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.pool.end(() => resolve()));
  }

  protected checkout(): Promise<PoolConnection> {
    return new Promise<PoolConnection>((resolve, reject) =>
      this.pool.getConnection((err, connection) => (err ? reject(err) : resolve(connection))),
    );
  }

  protected release(connection: PoolConnection): void {
    connection.release();
  }

  protected discard(connection: PoolConnection): void {
    connection.destroy();
  }

  /** UTC, the statement timeout in the server, read-only transactions (autocommit statements too). */
  protected async prepareSession(connection: PoolConnection): Promise<void> {
    // A checked-out connection's socket error would otherwise be an unhandled 'error' event.
    connection.on('error', noop);
    const run = (sql: string): Promise<void> =>
      new Promise((resolve, reject) => connection.query(sql, (err) => (err ? reject(err) : resolve())));
    await run("SET SESSION time_zone = '+00:00'");
    const ms = this.settings.statementTimeout;
    try {
      await run(`SET SESSION max_statement_time = ${ms / 1000}`); // MariaDB: seconds, any statement
    } catch (err) {
      if ((err as { errno?: unknown }).errno !== UNKNOWN_SYSTEM_VARIABLE) throw err;
      await run(`SET SESSION max_execution_time = ${ms}`); // MySQL: ms, SELECT only
    }
    if (this.settings.readOnly) await run('SET SESSION TRANSACTION READ ONLY');
  }

  /** Streams the rows (never more than the cap into memory); settles once, whatever comes first. */
  protected run(
    connection: PoolConnection,
    statement: Statement,
    cap: number,
    signal: AbortSignal,
  ): Promise<ResultSet> {
    return new Promise<ResultSet>((resolve, reject) => {
      let columns: ResultColumn[] = [];
      const rows: Value[][] = [];
      let settled = false;
      const threadId = connection.threadId;

      const stop = (error: AppError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
        void this.kill(threadId).finally(() => connection.destroy());
      };
      const aborted = (): void => stop(abortedError(this.name));
      const grace = Math.min(1000, Math.max(200, this.settings.statementTimeout / 2));
      const backstop = setTimeout(
        () => stop(statementTimeoutError(this.name, this.settings.statementTimeout)),
        this.settings.statementTimeout + grace,
      );
      /** The connection died under the statement (mysql2 then tells the connection, not the command). */
      const lost = (err: unknown): void => {
        if (settled) return;
        settled = true;
        cleanup();
        connection.destroy();
        reject(unavailableError(this.name, err, this.secrets));
      };
      const ended = (): void => lost(new Error('the connection closed'));
      const cleanup = (): void => {
        clearTimeout(backstop);
        signal.removeEventListener('abort', aborted);
        connection.off('error', lost);
        connection.off('end', ended);
      };
      signal.addEventListener('abort', aborted, { once: true });
      connection.on('error', lost);
      connection.on('end', ended);
      const fatal = (connection as unknown as { _fatalError?: unknown })._fatalError;
      if (fatal !== undefined && fatal !== null) {
        lost(fatal);
        return;
      }

      const command = connection.execute({
        sql: statement.text,
        values: [...statement.params],
        rowsAsArray: true,
      });
      // A statement without rows (an INSERT) announces `undefined` fields.
      command.on('fields', (fields: FieldPacket[] | undefined) => {
        columns = (fields ?? []).map((field) => ({ name: field.name, type: columnType(field) }));
      });
      command.on('result', (row: unknown) => {
        if (settled || !Array.isArray(row)) return; // a ResultSetHeader (no rows) is not a row
        if (rows.length >= cap) {
          stop(new RowLimitError(this.name, cap));
          return;
        }
        rows.push(row.map((value, i) => normalise(value, columns[i]?.type ?? 'other')));
      });
      command.on('error', (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        const mapped = this.mapError(err);
        if (mapped instanceof DatabaseUnavailableError) connection.destroy();
        else connection.release();
        reject(mapped);
      });
      command.on('end', () => {
        if (settled) return;
        settled = true;
        cleanup();
        connection.release();
        resolve({ columns, rows });
      });
    });
  }

  /** `KILL QUERY` from a connection of its own (the pool may be full); best effort. */
  private async kill(threadId: number | null): Promise<void> {
    if (threadId === null || !Number.isInteger(threadId)) return;
    let connection: Connection | undefined;
    try {
      connection = createConnection(this.options);
      connection.on('error', noop);
      const open = connection;
      await new Promise<void>((resolve, reject) =>
        open.query(`KILL QUERY ${threadId}`, (err) => (err ? reject(err) : resolve())),
      );
    } catch {
      // The server is gone or refuses: dropping the connection is all that is left.
    } finally {
      connection?.destroy();
    }
  }

  protected mapError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const { code, errno, sqlMessage } = err as { code?: unknown; errno?: unknown; sqlMessage?: unknown };
    if (typeof errno === 'number' && TIMEOUT_ERRNOS.has(errno)) {
      return statementTimeoutError(this.name, this.settings.statementTimeout, err);
    }
    if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || isNetworkError(err)) {
      return unavailableError(this.name, err, this.secrets);
    }
    if (typeof sqlMessage === 'string') {
      return new DatabaseQueryError(this.name, describeError(err, this.secrets), err);
    }
    return unavailableError(this.name, err, this.secrets);
  }
}

export function openMysql(settings: DriverSettings): Database {
  return new MysqlDatabase(settings);
}
