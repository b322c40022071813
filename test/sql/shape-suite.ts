/**
 * Macros, push-down and result shaping through the real drivers (openDatabase): a Grafana time-series
 * query's rows, as the driver normalises them, become the series Grafana's SQL data sources would show.
 * One suite, run by shape-{sqlite,postgres,mariadb}.test.ts.
 */
import { type DatabaseConfig, openDatabase } from '../../src/sql/databases';
import { expandMacros, type MacroContext } from '../../src/sql/macros';
import { pushDownFilters } from '../../src/sql/pushdown';
import { toSeries, toTable } from '../../src/sql/shape';
import type { Database, Dialect, Statement } from '../../src/sql/types';

export const T0 = Date.UTC(2024, 0, 1);
/** Per room, a reading every 20 s for 3 minutes: kitchen 20 + i, hall 10 + i. */
export const ROWS = ['kitchen', 'hall'].flatMap((room, r) =>
  Array.from({ length: 9 }, (_, i) => ({ room, ms: T0 + i * 20_000, temp: (r === 0 ? 20 : 10) + i })),
);

export interface ShapeSetup {
  readonly config: DatabaseConfig;
  /** `readings` as the SQL names it (schema-qualified where needed). */
  readonly table: string;
  close(): Promise<void>;
}

export function shapeSuite(
  name: string,
  dialect: Dialect,
  setup: () => Promise<ShapeSetup | undefined>,
): void {
  describe(`series and tables from ${name}`, () => {
    let ready: ShapeSetup | undefined;
    let db: Database | undefined;
    const context: MacroContext = {
      range: { from: T0, to: T0 + 179_999 },
      intervalMs: 60_000,
      payload: {},
    };
    const query = (statement: Statement) =>
      (db as Database).query(statement, { signal: new AbortController().signal, maxRows: 1000 });

    beforeAll(async () => {
      ready = await setup();
      if (ready !== undefined) db = openDatabase(ready.config, { baseDir: '/', env: {} });
    });
    afterAll(async () => {
      await db?.close();
      await ready?.close();
    });

    it('$__timeGroupAlias buckets become one series per room, times in epoch ms', async () => {
      if (db === undefined || ready === undefined) return;
      const sql = `SELECT $__timeGroupAlias(ts, $__interval), room, avg(temp) AS temp FROM ${ready.table} WHERE $__timeFilter(ts) GROUP BY 1, room ORDER BY 1`;
      const expanded = expandMacros(sql, dialect, context);
      const { series } = toSeries(await query(expanded), { metric: 'climate' });
      const byRoom = Object.fromEntries(series.map((s) => [s.labels['room'], s]));
      expect(series.map((s) => s.name)).toEqual(['temp', 'temp']);
      expect(byRoom['kitchen']).toEqual({
        name: 'temp',
        labels: { room: 'kitchen' },
        times: [T0, T0 + 60_000, T0 + 120_000],
        values: [21, 24, 27],
      });
      expect(byRoom['hall']?.values).toEqual([11, 14, 17]);
    });

    it('raw rows with a timestamp column, a pushed filter, and the table answer', async () => {
      if (db === undefined || ready === undefined) return;
      const sql = `SELECT ts AS time, room, temp FROM ${ready.table} WHERE $__timeFilter(ts)`;
      const expanded = expandMacros(sql, dialect, { ...context, range: { from: T0, to: T0 + 40_000 } });
      const probe = await query(expanded);
      const { statement, pushed } = pushDownFilters(
        expanded,
        dialect,
        probe.columns,
        [{ key: 'room', operator: '=', value: 'hall' }],
        { orderBy: ['time'] },
      );
      expect(pushed).toHaveLength(1);
      const result = await query(statement);
      expect(toSeries(result, { metric: 'climate' }).series).toEqual([
        {
          name: 'temp',
          labels: { room: 'hall' },
          times: [T0, T0 + 20_000, T0 + 40_000],
          values: [10, 11, 12],
        },
      ]);
      const table = toTable(result, { metric: 'climate' });
      expect(table).toEqual({
        columns: [
          { text: 'time', type: 'time' },
          { text: 'room', type: 'string' },
          { text: 'temp', type: 'number' },
        ],
        rows: [
          [T0, 'hall', 10],
          [T0 + 20_000, 'hall', 11],
          [T0 + 40_000, 'hall', 12],
        ],
      });
    });
  });
}
