/**
 * Real databases for the driver tests: the machine's PostgreSQL and MariaDB when they answer, else an
 * PGlite (in a child process) served over the PostgreSQL wire protocol, and one "skipped" line for MariaDB.
 *
 * Env: TEST_PG_URL / TEST_MARIADB_URL point the probes elsewhere (a closed port shows the fallback and
 * the skip line); REQUIRE_DATABASES=1 (set by .ci/run) turns both into errors, so CI never passes on a
 * fallback.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietPort } from './ports';

/** How long a probe waits for a server to answer before falling back. */
const PROBE_MS = 1000;

/** The PostgreSQL URLs tried, in order, when TEST_PG_URL is unset (trust auth: `postgres` or `root`). */
const DEFAULT_PG_URLS = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
const DEFAULT_MARIADB_URL = 'mysql://root@127.0.0.1:3306/test';

function required(): boolean {
  return process.env['REQUIRE_DATABASES'] === '1';
}

export interface PostgresHandle {
  readonly url: string;
  /** `server`: a real PostgreSQL (statement_timeout, pg_cancel_backend, pg_stat_activity all work);
   * `pglite`: in-process, single-threaded, so a running statement blocks this process and cannot be cancelled. */
  readonly kind: 'server' | 'pglite';
  /** The PGlite child, to take it down and up (undefined for a server: use tcpProxy instead). */
  readonly pglite?: PgliteServer;
  close(): Promise<void>;
}

async function probePostgres(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_MS });
  // A refused connection emits 'error' as well as rejecting connect(): keep it from being unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A free TCP port on 127.0.0.1 that stays free while it is closed (support/ports.ts). */
export function freePort(): Promise<number> {
  return quietPort();
}

/** A PGlite behind its wire-protocol socket server, in a child process (jest's module VM cannot load
 * PGlite, and a statement running in it would block this process); `stop`/`start` take the port down and up. */
export interface PgliteServer {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface ChildReply {
  readonly ready?: boolean;
  readonly reply?: string;
  readonly error?: string;
}

function nextMessage(child: ChildProcess): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`PGlite server exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message: ChildReply) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

export async function startPglite(maxConnections = 32): Promise<PgliteServer> {
  const port = await freePort();
  // maxConnections: the socket server takes one client by default; a pool opens several.
  const child = fork(join(__dirname, 'pglite-server.js'), [String(port), String(maxConnections)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(child);
  if (ready.ready !== true) throw new Error(`PGlite server did not start: ${ready.error ?? 'unknown'}`);
  const ask = async (command: 'start' | 'stop'): Promise<void> => {
    const answer = nextMessage(child);
    child.send(command);
    const reply = await answer;
    if (reply.error !== undefined) throw new Error(`PGlite ${command}: ${reply.error}`);
  };
  return {
    // PGlite has one database, `postgres`; the user is not checked.
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => ask('start'),
    stop: () => ask('stop'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

/**
 * The PostgreSQL the tests run against: the machine's server if it answers within ~1 s, else PGlite
 * (or an error under REQUIRE_DATABASES=1).
 */
export async function postgresUrl(): Promise<PostgresHandle> {
  const override = process.env['TEST_PG_URL'];
  const candidates = override !== undefined && override !== '' ? [override] : DEFAULT_PG_URLS;
  const reasons: string[] = [];
  for (const url of candidates) {
    const reason = await probePostgres(url);
    if (reason === undefined) return { url, kind: 'server', close: async () => undefined };
    reasons.push(`${redact(url)}: ${reason}`);
  }
  if (required()) {
    throw new Error(`REQUIRE_DATABASES=1 but no PostgreSQL answers (${reasons.join('; ')})`);
  }
  const lite = await startPglite();
  return { url: lite.url, kind: 'pglite', pglite: lite, close: () => lite.close() };
}

let mariadbSkipPrinted = false;

function mariadbTarget(): string {
  const override = process.env['TEST_MARIADB_URL'];
  return override !== undefined && override !== '' ? override : DEFAULT_MARIADB_URL;
}

/**
 * Whether no other test file of this jest run printed the skip line yet: each file has its own module
 * registry, so a marker file keyed by the jest parent process (recent, so a reused pid does not count)
 * keeps it to one line a run.
 */
function firstSkipOfRun(): boolean {
  const marker = join(tmpdir(), `simplejson-mariadb-skip-${process.ppid}`);
  try {
    if (Date.now() - statSync(marker).mtimeMs < 15 * 60_000) return false;
    rmSync(marker, { force: true });
  } catch {
    // No marker yet.
  }
  try {
    writeFileSync(marker, '', { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** Undefined after the one skip line, or the error REQUIRE_DATABASES=1 asks for. */
function mariadbMissing(url: string, reason: string, cause?: unknown): undefined {
  if (required()) {
    throw new Error(`REQUIRE_DATABASES=1 but no MariaDB answers at ${redact(url)} (${reason})`, { cause });
  }
  if (!mariadbSkipPrinted && firstSkipOfRun()) {
    mariadbSkipPrinted = true;
    process.stdout.write(`MariaDB tests skipped: no server answers at ${new URL(url).host} (${reason})\n`);
  }
  return undefined;
}

/** The MariaDB URL if a server answers within ~1 s; else undefined after one printed line (or an error
 * under REQUIRE_DATABASES=1). */
export async function mariadbUrl(): Promise<string | undefined> {
  const url = mariadbTarget();
  try {
    const connection = await createConnection({ uri: url, connectTimeout: PROBE_MS });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end().catch(() => undefined);
    }
    return url;
  } catch (err) {
    return mariadbMissing(url, (err as { code?: string }).code ?? (err as Error).message, err);
  }
}

/**
 * mariadbUrl, answered synchronously (a probe in a child process), for a test file to decide while
 * jest collects its tests whether to declare them or mark them skipped.
 */
export function mariadbUrlSync(): string | undefined {
  const url = mariadbTarget();
  const probe = `
const { createConnection } = require('mysql2/promise');
createConnection({ uri: process.argv[1], connectTimeout: ${PROBE_MS} })
  .then((c) => c.query('SELECT 1').finally(() => c.end()))
  .then(() => process.exit(0), (e) => { process.stdout.write(String(e.code || e.message)); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', probe, url], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: PROBE_MS * 5,
  });
  if (result.status === 0) return url;
  const reason = result.stdout.trim() || (result.error?.message ?? `probe exited with ${result.status}`);
  return mariadbMissing(url, reason);
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}

/** A name no other test file (or parallel jest worker) uses: `prefix_<pid>_<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
}

export interface TestSchema {
  readonly schema: string;
  /** Runs setup SQL (tables, rows) as the admin connection, with the schema first on the search path. */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** Creates a uniquely named PostgreSQL schema for one test file. */
export async function createPgSchema(url: string, prefix: string): Promise<TestSchema> {
  const schema = uniqueName(prefix);
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`SET search_path TO "${schema}", public`);
  return {
    schema,
    // PGlite has one session for all its clients: a driver's read-only setting would reach this one too.
    exec: async (sql) => {
      await client.query(`SET default_transaction_read_only = off; ${sql}`);
    },
    drop: async () => {
      try {
        await client.query(`SET default_transaction_read_only = off; DROP SCHEMA "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestDatabase {
  readonly database: string;
  /** The server URL with this database as its path. */
  readonly url: string;
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** Creates a uniquely named MariaDB database for one test file. */
export async function createMariadbDatabase(url: string, prefix: string): Promise<TestDatabase> {
  const database = uniqueName(prefix);
  const connection = await createConnection({ uri: url, multipleStatements: true });
  await connection.query(`CREATE DATABASE \`${database}\``);
  await connection.query(`USE \`${database}\``);
  const withDb = new URL(url);
  withDb.pathname = `/${database}`;
  return {
    database,
    url: withDb.toString(),
    exec: async (sql) => {
      await connection.query(sql);
    },
    drop: async () => {
      try {
        await connection.query(`DROP DATABASE \`${database}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/**
 * A TCP proxy in front of a database, to take it "down" and bring it "back" without touching the shared
 * server: `down()` closes the port and every proxied connection, `up()` listens again on the same port.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with host and port replaced by the proxy's. */
  via(url: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port);
  const targetHost = target.hostname;
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const up = async (): Promise<void> => {
    if (server !== undefined) return;
    const listening = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      sockets.add(client);
      sockets.add(upstream);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    server = listening;
  };
  const down = async (): Promise<void> => {
    const running = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (running !== undefined) await new Promise<void>((resolve) => running.close(() => resolve()));
  };
  await up();
  return {
    port,
    via: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    up,
    down,
    close: down,
  };
}
