/** The test support for real databases: which PostgreSQL and MariaDB the driver tests get. */
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import {
  createMariadbDatabase,
  createPgSchema,
  mariadbUrl,
  postgresUrl,
  startPglite,
  tcpProxy,
} from '../support/databases';

describe('test support: databases', () => {
  it('postgresUrl answers a URL a pg client can query (server or PGlite)', async () => {
    const handle = await postgresUrl();
    try {
      expect(['server', 'pglite']).toContain(handle.kind);
      const client = new Client({ connectionString: handle.url });
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1::int AS one');
      await client.end();
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });

  it('createPgSchema makes a schema the setup SQL lands in, dropped afterwards', async () => {
    const handle = await postgresUrl();
    try {
      const schema = await createPgSchema(handle.url, 'support');
      await schema.exec('CREATE TABLE t (a int); INSERT INTO t VALUES (7)');
      const client = new Client({ connectionString: handle.url });
      await client.connect();
      const { rows } = await client.query(`SELECT a FROM "${schema.schema}".t`);
      expect(rows).toEqual([{ a: 7 }]);
      await schema.drop();
      const gone = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        schema.schema,
      ]);
      await client.end();
      expect(gone.rows).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('tcpProxy takes a database down and brings it back on the same port', async () => {
    const handle = await postgresUrl();
    const proxy = await tcpProxy(handle.url);
    try {
      const query = async (): Promise<unknown> => {
        const client = new Client({ connectionString: proxy.via(handle.url), connectionTimeoutMillis: 1000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.query('SELECT 2::int AS two')).rows;
        } finally {
          await client.end().catch(() => undefined);
        }
      };
      await expect(query()).resolves.toEqual([{ two: 2 }]);
      await proxy.down();
      await expect(query()).rejects.toThrow(/ECONNREFUSED/);
      await proxy.up();
      await expect(query()).resolves.toEqual([{ two: 2 }]);
    } finally {
      await proxy.close();
      await handle.close();
    }
  });

  it('mariadbUrl answers a URL (or undefined after the one skip line) and createMariadbDatabase works', async () => {
    const url = await mariadbUrl();
    if (url === undefined) {
      expect(process.env['REQUIRE_DATABASES']).not.toBe('1');
      return;
    }
    const db = await createMariadbDatabase(url, 'support');
    await db.exec('CREATE TABLE t (a int); INSERT INTO t VALUES (9)');
    const connection = await createConnection({ uri: db.url });
    const [rows] = await connection.query('SELECT a FROM t');
    await connection.end();
    await db.drop();
    expect(rows).toEqual([{ a: 9 }]);
  });
});

describe('test support: REQUIRE_DATABASES=1 never falls back', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['REQUIRE_DATABASES', 'TEST_PG_URL', 'TEST_MARIADB_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('postgresUrl and mariadbUrl throw when nothing answers', async () => {
    process.env['REQUIRE_DATABASES'] = '1';
    process.env['TEST_PG_URL'] = 'postgres://postgres@127.0.0.1:1/test';
    process.env['TEST_MARIADB_URL'] = 'mysql://root@127.0.0.1:1/test';
    await expect(postgresUrl()).rejects.toThrow(/REQUIRE_DATABASES=1 but no PostgreSQL answers/);
    await expect(mariadbUrl()).rejects.toThrow(/REQUIRE_DATABASES=1 but no MariaDB answers at/);
  });
});

describe('test support: PGlite child', () => {
  it('serves the wire protocol and stops and starts on the same port', async () => {
    const lite = await startPglite(4);
    const query = async (): Promise<unknown> => {
      const client = new Client({ connectionString: lite.url, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.query('SELECT 3::int AS three')).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    try {
      await expect(query()).resolves.toEqual([{ three: 3 }]);
      await lite.stop();
      await expect(query()).rejects.toThrow(/ECONNREFUSED/);
      await lite.start();
      await expect(query()).resolves.toEqual([{ three: 3 }]);
    } finally {
      await lite.close();
    }
  });
});
