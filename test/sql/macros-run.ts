/**
 * Real databases for the SQL layer's execution tests: an in-memory SQLite, the PostgreSQL of
 * test/support/databases.ts (a schema per file) and its MariaDB (a database per file, or undefined after
 * the printed skip line). Each runs a Statement with its values bound by the real driver, in a UTC session.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import type { Dialect, Statement } from '../../src/sql/types';
import { createMariadbDatabase, createPgSchema, mariadbUrl, postgresUrl } from '../support/databases';

export type Row = Record<string, unknown>;

export interface TestDb {
  readonly dialect: Dialect;
  /** Setup SQL (no values from the test's inputs). */
  exec(sql: string): Promise<void>;
  run(statement: Statement): Promise<Row[]>;
  close(): Promise<void>;
}

export function openSqlite(): TestDb {
  const db = new Database(':memory:');
  return {
    dialect: 'sqlite',
    exec: async (sql) => {
      db.exec(sql);
    },
    run: async (s) => {
      const statement = db.prepare(s.text);
      if (statement.reader) return statement.all(...s.params) as Row[];
      statement.run(...s.params);
      return [];
    },
    close: async () => {
      db.close();
    },
  };
}

export async function openPostgres(prefix: string): Promise<TestDb> {
  const handle = await postgresUrl();
  const schema = await createPgSchema(handle.url, prefix);
  const client = new Client({ connectionString: handle.url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`SET search_path TO "${schema.schema}"`);
  await client.query(`SET TIME ZONE 'UTC'`);
  return {
    dialect: 'postgres',
    exec: async (sql) => {
      await client.query(sql);
    },
    run: async (s) => (await client.query(s.text, [...s.params])).rows as Row[],
    close: async () => {
      await client.end();
      await schema.drop();
      await handle.close();
    },
  };
}

/** MariaDB, or undefined (test/support printed the skip line). Statements go through `execute`: server-side binding. */
export async function openMariadb(prefix: string): Promise<TestDb | undefined> {
  const url = await mariadbUrl();
  if (url === undefined) return undefined;
  const database = await createMariadbDatabase(url, prefix);
  const connection = await createConnection({ uri: database.url, timezone: 'Z', multipleStatements: false });
  await connection.query(`SET time_zone = '+00:00'`);
  return {
    dialect: 'mysql',
    exec: async (sql) => {
      await connection.query(sql);
    },
    run: async (s) => {
      const [rows] = await connection.execute(s.text, [...s.params]);
      return rows as Row[];
    },
    close: async () => {
      await connection.end();
      await database.drop();
    },
  };
}

/** The SQL types of the test tables per dialect: a timestamp, and exact-comparing text. */
export const TYPES: Readonly<Record<Dialect, { readonly time: string; readonly text: string }>> = {
  postgres: { time: 'timestamptz', text: 'text' },
  // nopad_bin: byte-exact, trailing spaces significant (utf8mb4_bin still ignores them in MariaDB).
  mysql: { time: 'DATETIME(3)', text: 'VARCHAR(400) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin' },
  sqlite: { time: 'REAL', text: 'TEXT' },
};

/** An epoch-ms time as the dialect's literal for setup SQL. */
export function timeLiteral(dialect: Dialect, ms: number): string {
  const seconds = (ms / 1000).toFixed(3);
  if (dialect === 'postgres') return `to_timestamp(${seconds})`;
  if (dialect === 'mysql') return `FROM_UNIXTIME(${seconds})`;
  return seconds;
}
