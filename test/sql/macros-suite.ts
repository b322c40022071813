/**
 * The macros run against a real database: the expanded text must be valid SQL of the dialect and the
 * bound values must select what the macros mean. One suite, run by macros-{sqlite,postgres,mariadb}.test.ts.
 */
import { expandMacros, type MacroContext } from '../../src/sql/macros';
import { type Row, type TestDb, timeLiteral, TYPES } from './macros-run';

const T0 = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00Z
const MIN = 60_000;
/** Readings at T0 + 0, 30 s, 60 s, … 270 s; rooms alternate; u is the time as epoch seconds. */
const READINGS = Array.from({ length: 10 }, (_, i) => ({
  id: i + 1,
  ms: T0 + i * 30_000 + (i === 3 ? 123 : 0),
  room: i % 2 === 0 ? 'kitchen' : "o'brien's",
  v: i,
}));

const ids = (rows: Row[]): number[] => rows.map((r) => Number(r['id']));
const numbers = (rows: Row[], key: string): number[] => rows.map((r) => Number(r[key]));

export function macroSuite(name: string, open: () => Promise<TestDb | undefined>): void {
  describe(`macros on ${name}`, () => {
    let db: TestDb | undefined;
    const context = (over: Partial<MacroContext> = {}): MacroContext => ({
      range: { from: T0 + 60_000, to: T0 + 90_123 },
      intervalMs: MIN,
      payload: {},
      ...over,
    });
    const query = async (sql: string, over: Partial<MacroContext> = {}): Promise<Row[]> => {
      if (db === undefined) throw new Error('no database');
      return db.run(expandMacros(sql, db.dialect, context(over)));
    };

    beforeAll(async () => {
      db = await open();
      if (db === undefined) return;
      const { time, text } = TYPES[db.dialect];
      await db.exec(
        `CREATE TABLE readings (id INTEGER PRIMARY KEY, ts ${time}, u BIGINT, room ${text}, v REAL)`,
      );
      const values = READINGS.map(
        (r) =>
          `(${r.id}, ${timeLiteral(db!.dialect, r.ms)}, ${Math.floor(r.ms / 1000)}, '${r.room.replace(/'/g, "''")}', ${r.v})`,
      );
      await db.exec(`INSERT INTO readings (id, ts, u, room, v) VALUES ${values.join(', ')}`);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('$__timeFilter keeps the rows inside the range, both ends included, to the ms', async () => {
      if (db === undefined) return;
      // T0+60 000 (id 3) … T0+90 123 (id 4, stamped at +90 123): both edges are rows.
      expect(ids(await query('SELECT id FROM readings WHERE $__timeFilter(ts) ORDER BY id'))).toEqual([3, 4]);
      expect(
        ids(
          await query('SELECT id FROM readings WHERE $__timeFilter(ts) ORDER BY id', {
            range: { from: T0 + 60_001, to: T0 + 90_122 },
          }),
        ),
      ).toEqual([]);
    });

    it('$__timeFrom() and $__timeTo() are the range as timestamps', async () => {
      if (db === undefined) return;
      const rows = await query(
        'SELECT count(*) AS n FROM readings WHERE ts >= $__timeFrom() AND ts <= $__timeTo()',
      );
      expect(numbers(rows, 'n')).toEqual([2]);
    });

    it('$__timeGroupAlias with $__interval buckets by the request interval; GROUP BY the same macro', async () => {
      if (db === undefined) return;
      const sql =
        'SELECT $__timeGroupAlias(ts, $__interval), count(*) AS n, sum(v) AS total FROM readings ' +
        'WHERE $__timeFilter(ts) GROUP BY $__timeGroup(ts, $__interval) ORDER BY 1';
      const rows = await query(sql, { range: { from: T0, to: T0 + 300_000 }, intervalMs: 2 * MIN });
      expect(numbers(rows, 'time')).toEqual([T0 / 1000, T0 / 1000 + 120, T0 / 1000 + 240]);
      expect(numbers(rows, 'n')).toEqual([4, 4, 2]);
      expect(numbers(rows, 'total')).toEqual([0 + 1 + 2 + 3, 4 + 5 + 6 + 7, 8 + 9]);
    });

    it("$__timeGroup with a literal interval ('1m') and GROUP BY 1", async () => {
      if (db === undefined) return;
      const rows = await query(
        "SELECT $__timeGroupAlias(ts, '1m'), count(*) AS n FROM readings GROUP BY 1 ORDER BY 1",
      );
      expect(numbers(rows, 'n')).toEqual([2, 2, 2, 2, 2]);
      expect(numbers(rows, 'time')[4]).toBe(T0 / 1000 + 240);
    });

    it('$__unixEpochFilter and $__unixEpochGroupAlias on an epoch-seconds column', async () => {
      if (db === undefined) return;
      const rows = await query(
        'SELECT $__unixEpochGroupAlias(u, $__interval), count(*) AS n FROM readings WHERE $__unixEpochFilter(u) GROUP BY 1 ORDER BY 1',
        { range: { from: T0 + 30_000, to: T0 + 150_000 }, intervalMs: MIN },
      );
      expect(numbers(rows, 'time')).toEqual([T0 / 1000, T0 / 1000 + 60, T0 / 1000 + 120]);
      expect(numbers(rows, 'n')).toEqual([1, 2, 2]);
    });

    it('$__payload, $__payloadIn and a default bind their values', async () => {
      if (db === undefined) return;
      const sql =
        'SELECT id FROM readings WHERE room = $__payload(room) AND id IN $__payloadIn(ids) AND v >= $__payload(min, 0) ORDER BY id';
      expect(ids(await query(sql, { payload: { room: "o'brien's", ids: [2, 3, 4, 6] } }))).toEqual([2, 4, 6]);
      expect(ids(await query(sql, { payload: { room: 'kitchen', ids: [], min: 1 } }))).toEqual([]);
    });

    it('$__interval_ms and $__interval are bound values', async () => {
      if (db === undefined) return;
      const rows = await query('SELECT $__interval_ms AS ms, $__interval AS txt FROM readings WHERE id = 1', {
        intervalMs: 5 * MIN,
      });
      expect(numbers(rows, 'ms')).toEqual([300_000]);
      expect(rows.map((r) => String(r['txt']))).toEqual(['5m']);
    });

    it('$__adhocFilters puts the filters on its columns before GROUP BY', async () => {
      if (db === undefined) return;
      const sql =
        'SELECT room, count(*) AS n FROM readings WHERE $__adhocFilters(room, readings.id) GROUP BY room ORDER BY room';
      const filters: MacroContext['filters'] = [
        { key: 'room', operator: '!=', value: 'kitchen' },
        { key: 'id', operator: '>', value: '4' },
        { key: 'room', operator: '=~', value: '.*' },
        { key: 'site', operator: '=', value: 'x' },
      ];
      const rows = await query(sql, { filters });
      expect(rows.map((r) => [r['room'], Number(r['n'])])).toEqual([["o'brien's", 3]]);
      expect(await query(sql, { filters: [] })).toHaveLength(2);
    });
  });
}
