import { ParamList } from '../../src/sql/params';
import { pushDownFilters } from '../../src/sql/pushdown';
import { openPostgres, type TestDb } from './macros-run';
import { pushdownSuite } from './pushdown-suite';

// PostgreSQL text cannot hold NUL: the property leaves it out, the test below shows it is refused as a value.
pushdownSuite('PostgreSQL', () => openPostgres('pushdown'), { nul: false });

describe('a NUL in a value on PostgreSQL', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openPostgres('pushnul');
    await db.exec(
      'CREATE TABLE canary (id INTEGER); INSERT INTO canary VALUES (1); CREATE TABLE vals (v text)',
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('is refused by the database as a bound value; nothing else runs', async () => {
    const value = "a\0'; DROP TABLE canary; --";
    const params = new ParamList('postgres');
    const { statement } = pushDownFilters(
      { text: 'SELECT v FROM vals', params: params.params },
      'postgres',
      [{ name: 'v', type: 'string' }],
      [{ key: 'v', operator: '=', value }],
    );
    expect(statement.text).not.toContain('DROP');
    await expect(db.run(statement)).rejects.toThrow(/0x00/);
    expect(await db.run({ text: 'SELECT count(*)::int AS n FROM canary', params: [] })).toEqual([{ n: 1 }]);
  });
});
