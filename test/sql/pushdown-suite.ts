/**
 * Filter and payload values that would break a statement if spliced into it (quotes, backslashes, `;`,
 * comments, `$1`, `?`, NUL, unicode) are bound: the statement text never contains them, the database
 * returns exactly the rows whose value equals the input, and a canary table survives. One suite, run by
 * pushdown-{sqlite,postgres,mariadb}.test.ts.
 */
import fc from 'fast-check';
import type { AdhocFilter } from '../../src/series/types';
import { expandMacros } from '../../src/sql/macros';
import { pushDownFilters } from '../../src/sql/pushdown';
import type { ResultColumn, Statement } from '../../src/sql/types';
import { type Row, type TestDb, TYPES } from './macros-run';

const FRAGMENTS = [
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  ';',
  '--',
  '#',
  '/*',
  '*/',
  '$1',
  '$$',
  '?',
  '`',
  ']',
  '%',
  '_',
  ' ',
  '\n',
  "'); DROP TABLE canary; --",
  '" OR 1=1 --',
  '$__timeFrom()',
  'é',
  'ß',
  '😀',
  '\u202e',
];
/** No SQL text has the marker, so a value that shows up in a statement's text was spliced. */
const MARKER = 'ǂ';

export function nastyValue(withNul: boolean): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.constantFrom(...FRAGMENTS, ...(withNul ? ['\0'] : [])),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => withNul || !c.includes('\0')),
  );
  return fc.string({ unit, maxLength: 10 }).map((s) => MARKER + s);
}

const COLUMNS: ResultColumn[] = [
  { name: 'id', type: 'number' },
  { name: 'v', type: 'string' },
];

const ids = (rows: Row[]): number[] => rows.map((r) => Number(r['id'])).sort((a, b) => a - b);

export function pushdownSuite(
  name: string,
  open: () => Promise<TestDb | undefined>,
  options: { nul: boolean },
): void {
  describe(`bound filter and payload values on ${name}`, () => {
    let db: TestDb | undefined;
    const insert = (id: number, v: string): Statement =>
      db?.dialect === 'postgres'
        ? { text: 'INSERT INTO vals (id, v) VALUES ($1, $2)', params: [id, v] }
        : { text: 'INSERT INTO vals (id, v) VALUES (?, ?)', params: [id, v] };
    const context = { range: { from: 0, to: 1000 }, intervalMs: 1000 };

    beforeAll(async () => {
      db = await open();
      if (db === undefined) return;
      await db.exec('CREATE TABLE canary (id INTEGER)');
      await db.exec('INSERT INTO canary (id) VALUES (1)');
      await db.exec(`CREATE TABLE vals (id INTEGER, v ${TYPES[db.dialect].text})`);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('pushed filters (=, !=, =|) and $__payload select exactly the rows equal to the value', async () => {
      if (db === undefined) return;
      const run = db;
      await fc.assert(
        fc.asyncProperty(
          fc.array(nastyValue(options.nul), { minLength: 1, maxLength: 4 }),
          fc.nat(),
          nastyValue(options.nul),
          async (values, pick, other) => {
            await run.exec('DELETE FROM vals');
            for (const [i, v] of values.entries()) await run.run(insert(i + 1, v));
            const target = values[pick % values.length] as string;
            const matching = values.flatMap((v, i) => (v === target ? [i + 1] : []));
            const base = expandMacros('SELECT id, v FROM vals', run.dialect, { ...context, payload: {} });
            const check = async (filter: AdhocFilter, expected: number[]): Promise<void> => {
              const { statement, pushed } = pushDownFilters(base, run.dialect, COLUMNS, [filter]);
              expect(pushed).toEqual([filter]);
              for (const v of filter.values ?? [filter.value]) expect(statement.text).not.toContain(v);
              expect(ids(await run.run(statement))).toEqual(expected);
            };
            await check({ key: 'v', operator: '=', value: target }, matching);
            await check(
              { key: 'v', operator: '!=', value: target },
              values.flatMap((v, i) => (v !== target ? [i + 1] : [])),
            );
            await check(
              { key: 'v', operator: '=|', value: '', values: [target, other] },
              values.flatMap((v, i) => (v === target || v === other ? [i + 1] : [])),
            );
            const payload = expandMacros(
              'SELECT id FROM vals WHERE v = $__payload(k) OR v IN $__payloadIn(ks)',
              run.dialect,
              { ...context, payload: { k: target, ks: [other] } },
            );
            expect(payload.text).not.toContain(target);
            expect(payload.text).not.toContain(other);
            expect(ids(await run.run(payload))).toEqual(
              values.flatMap((v, i) => (v === target || v === other ? [i + 1] : [])),
            );
            const canary = await run.run({ text: 'SELECT count(*) AS n FROM canary', params: [] });
            expect(Number(canary[0]?.['n'])).toBe(1);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('the same through $__adhocFilters(v)', async () => {
      if (db === undefined) return;
      const run = db;
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(nastyValue(options.nul), { minLength: 1, maxLength: 3 }),
          async (values) => {
            await run.exec('DELETE FROM vals');
            for (const [i, v] of values.entries()) await run.run(insert(i + 1, v));
            const target = values[0] as string;
            const statement = expandMacros('SELECT id FROM vals WHERE $__adhocFilters(v)', run.dialect, {
              ...context,
              payload: {},
              filters: [{ key: 'v', operator: '=', value: target }],
            });
            expect(statement.text).not.toContain(target);
            expect(ids(await run.run(statement))).toEqual([1]);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
}
