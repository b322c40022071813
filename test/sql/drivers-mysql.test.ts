/**
 * @jest-environment ./test/sql/drivers-environment.js
 *
 * The MySQL / MariaDB driver against the machine's MariaDB, through the shared driver contract; where
 * no server answers, test/support/databases.ts prints one "MariaDB tests skipped" line (CI forbids that).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, createConnection } from 'mysql2/promise';
import { DatabaseUnavailableError } from '../../src/errors';
import { openDatabase } from '../../src/sql/databases';
import type { Database } from '../../src/sql/types';
import {
  type TcpProxy,
  type TestDatabase,
  createMariadbDatabase,
  freePort,
  mariadbUrlSync,
  tcpProxy,
} from '../support/databases';
import { driverContract } from './drivers-contract';

let db: TestDatabase | undefined;
let proxy: TcpProxy | undefined;
let admin: Connection | undefined;

async function setup(url: string) {
  const created = await createMariadbDatabase(url, 'drivers_my');
  db = created;
  // Stored TIMESTAMPs are UTC; one written in +02:00 reads back two hours earlier in UTC.
  await created.exec(`
    CREATE TABLE types (ts DATETIME(3), tsz TIMESTAMP NULL, d DATE, amount DECIMAL(12, 3), big BIGINT, n INT,
      label VARCHAR(10), flag BOOLEAN, doc BLOB);
    SET time_zone = '+02:00';
    INSERT INTO types VALUES ('2024-03-01 12:00:00.250', '2024-03-01 12:00:00', '2024-03-01', 12345.678,
      9007199254740991, NULL, 'a', TRUE, 'bin');
    SET time_zone = '+00:00';
    CREATE TABLE notes (body TEXT);`);
  admin = await createConnection({ uri: created.url });
  const p = await tcpProxy(created.url);
  proxy = p;
  const closed = await freePort();
  return {
    url: created.url,
    unreachableUrl: `mysql://root@127.0.0.1:${closed}/test`,
    outage: { url: p.via(created.url), down: () => p.down(), up: () => p.up() },
    typesQuery: { text: 'SELECT *, ? AS param FROM types', params: ['bound'] },
    types: {
      columns: [
        { name: 'ts', type: 'time' as const },
        { name: 'tsz', type: 'time' as const },
        { name: 'd', type: 'time' as const },
        { name: 'amount', type: 'number' as const },
        { name: 'big', type: 'number' as const },
        { name: 'n', type: 'number' as const },
        { name: 'label', type: 'string' as const },
        // BOOLEAN is TINYINT(1) in MySQL and MariaDB: a number.
        { name: 'flag', type: 'number' as const },
        { name: 'doc', type: 'other' as const },
        { name: 'param', type: 'string' as const },
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
          1,
          'bin',
          'bound',
        ],
      ],
    },
    sleep: (seconds: number, tag: string) => `SELECT SLEEP(${seconds}) /* ${tag} */`,
    longSeconds: 10,
    series: (n: number) => `SELECT CAST(seq AS SIGNED) AS i FROM seq_1_to_${n}`,
    write: `INSERT INTO notes VALUES ('x')`,
    readOnlyMessage: /READ ONLY transaction/i,
    running: async (tag: string) => {
      const [rows] = await (admin as Connection).query(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
          WHERE INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()`,
        [tag],
      );
      return Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
    },
  };
}

// jest collects tests synchronously: the probe answers now, and without a server the contract is
// declared skipped (jest counts it) after the one "MariaDB tests skipped" line.
const url = mariadbUrlSync();

describe('mysql driver: where the tests ran', () => {
  it('has a MariaDB to run against, or printed the one skip line (never under REQUIRE_DATABASES=1)', () => {
    if (url === undefined) expect(process.env['REQUIRE_DATABASES']).not.toBe('1');
    else expect(url).toMatch(/^mysql:\/\//);
  });
});

if (url === undefined) {
  describe.skip('mysql driver (shared contract): no MariaDB answers', () => {
    it('runs the shared driver contract', () => undefined);
  });
} else {
  const server = url;
  driverContract(
    'mysql',
    () => setup(server),
    async () => {
      await admin?.end().catch(() => undefined);
      await db?.drop();
      await proxy?.close();
    },
  );

  describe('mysql driver: passwords', () => {
    const user = `drv_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'drivers-mysql-'));
    let root: Connection;
    const opened: Database[] = [];

    beforeAll(async () => {
      root = await createConnection({ uri: server });
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, 'localhost', password]);
      writeFileSync(join(dir, 'password'), `${password}\n`);
    });
    afterAll(async () => {
      await Promise.all(opened.map((db) => db.close()));
      await root.query('DROP USER ?@?', [user, '%']);
      await root.query('DROP USER ?@?', [user, 'localhost']);
      await root.end();
      rmSync(dir, { recursive: true, force: true });
    });

    const userUrl = (): string => {
      const url = new URL(server);
      url.username = user;
      url.pathname = '/';
      return url.toString();
    };

    it('logs in with the password of passwordFile (its trailing newline dropped) and of passwordEnv', async () => {
      const fromFile = openDatabase(
        { name: 'plant', url: userUrl(), passwordFile: 'password' },
        { baseDir: dir, env: {} },
      );
      const fromEnv = openDatabase(
        { name: 'plant', url: userUrl(), passwordEnv: 'PLANT_PASSWORD' },
        { baseDir: dir, env: { PLANT_PASSWORD: password } },
      );
      opened.push(fromFile, fromEnv);
      for (const db of [fromFile, fromEnv]) {
        const result = await db.query(
          { text: 'SELECT CURRENT_USER() AS who', params: [] },
          { signal: new AbortController().signal, maxRows: 1 },
        );
        expect(result.rows[0]?.[0]).toMatch(new RegExp(`^${user}@`));
      }
    });

    it('answers a refused login as DatabaseUnavailableError that shows neither password', async () => {
      const wrong = `${password}-wrong`;
      const db = openDatabase(
        { name: 'plant', url: userUrl(), passwordEnv: 'PLANT_PASSWORD' },
        { baseDir: dir, env: { PLANT_PASSWORD: wrong } },
      );
      opened.push(db);
      const err = await db
        .query({ text: 'SELECT 1', params: [] }, { signal: new AbortController().signal, maxRows: 1 })
        .catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect((err as Error).message).toMatch(/^database "plant" is unreachable: Access denied for user/);
      expect((err as Error).message).not.toContain(password);
      expect(JSON.stringify(err)).not.toContain(password);
    });
  });
}
