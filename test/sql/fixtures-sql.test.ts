import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import request from 'supertest';
import { closeDatabasesOf, databasesOf, removeOrphanSeeds } from '../../src/fixtures/databases';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadFixtures } from '../../src/fixtures/load';
import { createApp } from '../../src/process/app';
import type { Registry } from '../../src/registry/registry';
import { fixedClock } from '../../src/time/clock';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const HOUR = 3_600_000;

/** A seed with two rooms, one reading a minute for the 6 hours before now_ms(). */
const SEED = `
CREATE TABLE readings (ts REAL NOT NULL, room TEXT NOT NULL, celsius REAL NOT NULL);
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 359)
INSERT INTO readings
  SELECT now_ms() / 1000 - 21600 + i * 60, 'kitchen', 20 + (i % 60) / 10.0 FROM m
  UNION ALL
  SELECT now_ms() / 1000 - 21600 + i * 60, 'cellar', 12.0 FROM m;
CREATE TABLE alarms (ts REAL, severity TEXT, message TEXT);
INSERT INTO alarms VALUES (now_ms() / 1000 - 3600, 'high', 'kitchen too warm'),
                          (now_ms() / 1000 - 7200, 'low', 'cellar door open');
`;

const SERIES_SQL =
  'SELECT $__unixEpochGroupAlias(ts, $__interval), avg(celsius) AS value, room FROM readings WHERE $__unixEpochFilter(ts) GROUP BY 1, room ORDER BY 1';

function write(dir: string, file: string, value: unknown): void {
  writeFileSync(join(dir, file), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

function queryBody(target: string, extra: Record<string, unknown> = {}) {
  return {
    range: { from: new Date(NOW - 6 * HOUR).toISOString(), to: new Date(NOW).toISOString() },
    intervalMs: HOUR,
    maxDataPoints: 100,
    targets: [{ refId: 'A', target }],
    ...extra,
  };
}

describe('databases and SQL metrics in fixture files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fixtures-sql-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function load(): Promise<Registry> {
    return loadFixtures(dir, { clock: fixedClock(NOW), onWarning: () => undefined });
  }

  it('a series, a table and an annotation set read from a database declared in another file', async () => {
    mkdirSync(join(dir, 'db'));
    write(join(dir, 'db'), 'seed.sql', SEED);
    // The database is declared in db/databases.json; its relative paths resolve against that folder.
    write(join(dir, 'db'), 'databases.json', {
      databases: [{ name: 'plant', url: 'sqlite:plant.db', init: 'seed.sql' }],
    });
    write(dir, 'metrics.json', {
      series: [{ name: 'room.temperature', unit: 'celsius', sql: { database: 'plant', query: SERIES_SQL } }],
      tables: [
        {
          name: 'alarms',
          sql: {
            database: 'plant',
            query: 'SELECT ts * 1000 AS time, severity, message FROM alarms ORDER BY ts DESC',
          },
        },
      ],
      annotations: [
        {
          name: 'alarm-events',
          sql: {
            database: 'plant',
            query:
              "SELECT ts AS time, message AS title, severity AS text, 'alarm,' || severity AS tags FROM alarms WHERE $__unixEpochFilter(ts)",
          },
        },
      ],
    });
    const registry = await load();
    try {
      expect(databasesOf(registry).map((db) => [db.name, db.dialect])).toEqual([['plant', 'sqlite']]);
      const app = createApp({ registry, clock: fixedClock(NOW) });
      const series = await request(app).post('/query').send(queryBody('room.temperature')).expect(200);
      const byRoom = Object.fromEntries(
        (series.body as Array<{ tags: { room: string }; datapoints: [number, number][] }>).map((s) => [
          s.tags.room,
          s.datapoints,
        ]),
      );
      expect(Object.keys(byRoom).sort()).toEqual(['cellar', 'kitchen']);
      // Hourly buckets stamped on the hour, the cellar constant, the kitchen's hour averaging 20 + 2.95.
      expect(byRoom.cellar?.every(([v, t]) => v === 12 && t % HOUR === 0)).toBe(true);
      expect(byRoom.kitchen?.[1]?.[0]).toBeCloseTo(22.95, 10);

      // Ad hoc filter on a label column: pushed into the SQL, the answer holds only that room.
      const filtered = await request(app)
        .post('/query')
        .send(
          queryBody('room.temperature', { adhocFilters: [{ key: 'room', operator: '=', value: 'kitchen' }] }),
        )
        .expect(200);
      expect((filtered.body as Array<{ tags: { room: string } }>).map((s) => s.tags.room)).toEqual([
        'kitchen',
      ]);

      const table = await request(app).post('/query').send(queryBody('alarms')).expect(200);
      expect(table.body[0]).toMatchObject({ type: 'table' });
      expect(table.body[0].rows.map((r: unknown[]) => r[2])).toEqual([
        'kitchen too warm',
        'cellar door open',
      ]);

      const events = await request(app)
        .post('/annotations')
        .send({
          range: { from: new Date(NOW - 6 * HOUR).toISOString(), to: new Date(NOW).toISOString() },
          annotation: { name: 'alarms', query: 'alarm-events', enable: true },
        })
        .expect(200);
      expect(
        events.body.map((e: { time: number; title: string; tags: string[] }) => [e.time, e.title, e.tags]),
      ).toEqual(
        expect.arrayContaining([
          [NOW - HOUR, 'kitchen too warm', ['alarm', 'high']],
          [NOW - 2 * HOUR, 'cellar door open', ['alarm', 'low']],
        ]),
      );
    } finally {
      await closeDatabasesOf(registry);
    }
    expect(databasesOf(registry)).toEqual([]);
  });

  it('tag keys, tag values and variables come from the label columns (probed, declared or a declared query)', async () => {
    write(dir, 'seed.sql', SEED);
    write(dir, 'plant.json', {
      databases: [{ name: 'plant', url: 'sqlite:', init: 'seed.sql' }],
      series: [
        // Labels found from the query's text columns (a LIMIT 0 probe, then the answers' columns).
        { name: 'room.temperature', sql: { database: 'plant', query: SERIES_SQL } },
        {
          name: 'alarm.count',
          sql: {
            database: 'plant',
            query:
              'SELECT $__unixEpochGroupAlias(ts, $__interval), count(*) AS value, severity FROM alarms WHERE $__unixEpochFilter(ts) GROUP BY 1, severity ORDER BY 1',
            labels: ['severity'],
            tagValuesQuery: 'SELECT DISTINCT upper($__key) FROM alarms ORDER BY 1',
          },
        },
      ],
    });
    const registry = await load();
    try {
      const app = createApp({ registry, clock: fixedClock(NOW) });
      const keys = await request(app).post('/tag-keys').send({}).expect(200);
      expect(keys.body).toEqual(
        expect.arrayContaining([
          { type: 'string', text: 'room' },
          { type: 'string', text: 'severity' },
        ]),
      );
      const rooms = await request(app).post('/tag-values').send({ key: 'room' }).expect(200);
      expect(rooms.body).toEqual([{ text: 'cellar' }, { text: 'kitchen' }]);
      const severities = await request(app).post('/tag-values').send({ key: 'severity' }).expect(200);
      expect(severities.body).toEqual([{ text: 'HIGH' }, { text: 'LOW' }]);
      const variable = await request(app)
        .post('/variable')
        .send({ payload: { target: 'label_values(room.temperature, room)' } })
        .expect(200);
      expect(JSON.stringify(variable.body)).toMatch(/cellar.*kitchen/);
    } finally {
      await closeDatabasesOf(registry);
    }
  });

  it('the database is read-only: a statement that writes is refused, the file unchanged', async () => {
    const file = join(dir, 'plant.db');
    const seed = new BetterSqlite3(file);
    seed.exec(SEED.replace(/now_ms\(\)/g, String(NOW)));
    seed.close();
    write(dir, 'write.json', {
      databases: [{ name: 'plant', url: 'sqlite:plant.db' }],
      tables: [{ name: 'sneaky', sql: { database: 'plant', query: 'DELETE FROM alarms RETURNING *' } }],
      series: [{ name: 'ok', sql: { database: 'plant', query: SERIES_SQL } }],
    });
    const registry = await load();
    try {
      const app = createApp({ registry, clock: fixedClock(NOW) });
      const res = await request(app)
        .post('/query')
        .send({
          ...queryBody('sneaky'),
          targets: [
            { refId: 'A', target: 'sneaky' },
            { refId: 'B', target: 'ok' },
          ],
        })
        .expect(200);
      const failed = (
        res.body as Array<{ refId?: string; meta?: { notices?: Array<{ severity: string; text: string }> } }>
      )
        .flatMap((r) => r.meta?.notices ?? [])
        .filter((n) => n.severity === 'error');
      expect(failed.map((n) => n.text).join(' ')).toMatch(/database "plant"/);
      const check = new BetterSqlite3(file, { readonly: true });
      expect(check.prepare('SELECT count(*) AS n FROM alarms').get()).toEqual({ n: 2 });
      check.close();
    } finally {
      await closeDatabasesOf(registry);
    }
  });

  it.each([
    [
      'an undeclared database, with a did-you-mean',
      {
        databases: [{ name: 'plant', url: 'sqlite::memory:' }],
        series: [{ name: 'x', sql: { database: 'plnat', query: 'SELECT 1' } }],
      },
      /series\/0\/sql\/database: names no declared database "plnat" \(did you mean "plant"\?\)/,
    ],
    [
      'a database declared twice',
      {
        databases: [
          { name: 'plant', url: 'sqlite:a.db' },
          { name: 'plant', url: 'sqlite:b.db' },
        ],
      },
      /databases\/1\/name: database "plant" is already declared \(databases\/0\)/,
    ],
    [
      'a malformed macro, named with its line',
      {
        databases: [{ name: 'plant', url: 'postgres://grafana@127.0.0.1:1/plant' }],
        series: [
          { name: 'x', sql: { database: 'plant', query: 'SELECT $__timeGroup(ts) AS time, 1 AS value' } },
        ],
      },
      /series\/0\/sql\/query: .*\$__timeGroup/,
    ],
    [
      'a URL of no known database',
      { databases: [{ name: 'plant', url: 'oracle://db/plant' }] },
      /databases\/0\/url: must start with postgres:\/\/, mysql:\/\/, mariadb:\/\/ or sqlite:/,
    ],
    [
      'an init script that fails',
      {
        databases: [{ name: 'plant', url: 'sqlite:', init: 'bad.sql' }],
        series: [{ name: 'x', sql: { database: 'plant', query: SERIES_SQL } }],
      },
      /databases\/0\/init: bad.sql: .*syntax error/,
    ],
  ])('refuses %s, naming the file and field', async (_, fixture, message) => {
    write(dir, 'bad.sql', 'CREATE TABLE (;');
    write(dir, 'plant.json', fixture);
    await expect(load()).rejects.toThrow(message);
  });

  it('seeded databases left by a killed process are removed; a running process keeps its own', () => {
    // A pid that ran and is gone: a child that exited.
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    const orphan = mkdtempSync(join(tmpdir(), `simplejson-server-${gone}-`));
    const mine = mkdtempSync(join(tmpdir(), `simplejson-server-${process.pid}-`));
    const unrelated = mkdtempSync(join(tmpdir(), 'simplejson-server-notapid'));
    removeOrphanSeeds();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    rmSync(mine, { recursive: true });
    rmSync(unrelated, { recursive: true });
  });

  it('a reload closes the databases of the registry it replaced; close() closes the current ones', async () => {
    write(dir, 'seed.sql', SEED);
    write(dir, 'plant.json', {
      databases: [{ name: 'plant', url: 'sqlite:', init: 'seed.sql' }],
      series: [{ name: 'room.temperature', sql: { database: 'plant', query: SERIES_SQL } }],
    });
    const first = await load();
    const second = await load();
    expect(databasesOf(first)).toHaveLength(1);
    await closeDatabasesOf(first);
    // The second registry's database still answers.
    const app = createApp({ registry: second, clock: fixedClock(NOW) });
    const res = await request(app).post('/query').send(queryBody('room.temperature')).expect(200);
    expect(res.body).toHaveLength(2);
    await closeDatabasesOf(second);
  });
});
