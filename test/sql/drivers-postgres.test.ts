/**
 * @jest-environment ./test/sql/drivers-environment.js
 *
 * The PostgreSQL driver against the machine's server (or PGlite where none answers: see
 * test/support/databases.ts), through the shared driver contract.
 */
import { Client } from 'pg';
import {
  type PostgresHandle,
  type TcpProxy,
  createPgSchema,
  freePort,
  postgresUrl,
  startPglite,
  tcpProxy,
} from '../support/databases';
import type { TestSchema } from '../support/databases';
import { DatabaseUnavailableError } from '../../src/errors';
import { openDatabase } from '../../src/sql/databases';
import { driverContract, eventually } from './drivers-contract';

let handle: PostgresHandle;
let schema: TestSchema;
let proxy: TcpProxy | undefined;
let admin: Client;

driverContract(
  'postgres',
  async () => {
    handle = await postgresUrl();
    schema = await createPgSchema(handle.url, 'drivers_pg');
    const t = `"${schema.schema}".types`;
    await schema.exec(`
      CREATE TABLE ${t} (ts timestamp(3), tstz timestamptz, d date, amount numeric(12, 3), big bigint, n integer,
        label text, flag boolean, doc jsonb);
      INSERT INTO ${t} VALUES ('2024-03-01 12:00:00.250', '2024-03-01 12:00:00+02', '2024-03-01', 12345.678,
        9007199254740991, NULL, 'a', true, '{"k": 1}');
      CREATE TABLE "${schema.schema}".notes (body text);`);
    admin = new Client({ connectionString: handle.url });
    admin.on('error', () => undefined);
    await admin.connect();
    // Outages: PGlite's own socket server stops and starts; a real server sits behind a TCP proxy.
    let outage;
    if (handle.pglite !== undefined) {
      const lite = handle.pglite;
      outage = { url: handle.url, down: () => lite.stop(), up: () => lite.start() };
    } else {
      const p = await tcpProxy(handle.url);
      proxy = p;
      outage = { url: p.via(handle.url), down: () => p.down(), up: () => p.up() };
    }
    const closed = await freePort();
    return {
      url: handle.url,
      unreachableUrl: `postgres://postgres@127.0.0.1:${closed}/test`,
      outage,
      typesQuery: { text: `SELECT *, $1::text AS param FROM ${t}`, params: ['bound'] },
      types: {
        columns: [
          { name: 'ts', type: 'time' },
          { name: 'tstz', type: 'time' },
          { name: 'd', type: 'time' },
          { name: 'amount', type: 'number' },
          { name: 'big', type: 'number' },
          { name: 'n', type: 'number' },
          { name: 'label', type: 'string' },
          { name: 'flag', type: 'boolean' },
          { name: 'doc', type: 'other' },
          { name: 'param', type: 'string' },
        ],
        rows: [
          [
            Date.UTC(2024, 2, 1, 12, 0, 0, 250),
            Date.UTC(2024, 2, 1, 10, 0, 0),
            Date.UTC(2024, 2, 1),
            12345.678,
            9007199254740991,
            null,
            'a',
            true,
            '{"k": 1}',
            'bound',
          ],
        ],
      },
      sleep: (seconds, tag) => `SELECT pg_sleep(${seconds}) /* ${tag} */`,
      // PGlite runs one statement at a time and cannot cancel it: its sleeps stay short.
      longSeconds: handle.kind === 'pglite' ? 1 : 10,
      series: (n) => `SELECT generate_series(1, ${n})::int AS i`,
      write: `INSERT INTO "${schema.schema}".notes VALUES ('x')`,
      readOnlyMessage: /read-only transaction/,
      running: async (tag) => {
        if (handle.kind === 'pglite') return undefined;
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
          [tag],
        );
        return rows[0]?.n ?? 0;
      },
    };
  },
  async () => {
    try {
      await admin?.end().catch(() => undefined);
      // PGlite's outage test dropped every client, this schema's too; the whole database goes with the child.
      if (handle?.kind === 'server') await schema?.drop();
    } finally {
      await proxy?.close();
      await handle?.close();
    }
  },
);

describe('postgres driver: a server with no connection left', () => {
  it('answers DatabaseUnavailableError (too many clients), and recovers once one frees', async () => {
    const lite = await startPglite(1);
    const holder = new Client({ connectionString: lite.url });
    holder.on('error', () => undefined);
    const db = openDatabase(
      { name: 'plant', url: lite.url, connectTimeout: 1000 },
      { baseDir: '/', env: {} },
    );
    try {
      await holder.connect();
      const err = await db
        .query({ text: 'SELECT 1', params: [] }, { signal: new AbortController().signal, maxRows: 1 })
        .catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect((err as Error).message).toMatch(/^database "plant" is unreachable: /);
      await holder.end();
      const back = await eventually(
        () =>
          db
            .query(
              { text: 'SELECT 1 AS one', params: [] },
              { signal: new AbortController().signal, maxRows: 1 },
            )
            .then(
              () => true,
              () => false,
            ),
        (ok) => ok,
        3000,
      );
      expect(back).toBe(true);
    } finally {
      await db.close();
      await lite.close();
    }
  });
});

describe('postgres driver: where the tests ran', () => {
  it('names the PostgreSQL it used (server, or PGlite without in-database cancellation checks)', async () => {
    const probe = await postgresUrl();
    await probe.close();
    if (probe.kind === 'pglite') {
      process.stdout.write(
        'PostgreSQL driver tests ran on PGlite: in-database cancellation was not checked\n',
      );
    }
    expect(['server', 'pglite']).toContain(probe.kind);
  });
});
