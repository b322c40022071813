import { createPgSchema, postgresUrl } from '../support/databases';
import { ROWS, shapeSuite } from './shape-suite';

shapeSuite('PostgreSQL', 'postgres', async () => {
  const handle = await postgresUrl();
  const schema = await createPgSchema(handle.url, 'shape');
  await schema.exec('CREATE TABLE readings (ts timestamptz, room text, temp double precision)');
  const values = ROWS.map((r) => `(to_timestamp(${r.ms / 1000}), '${r.room}', ${r.temp})`).join(', ');
  await schema.exec(`INSERT INTO readings VALUES ${values}`);
  return {
    config: { name: 'plant', url: handle.url },
    table: `"${schema.schema}".readings`,
    close: async () => {
      await schema.drop();
      await handle.close();
    },
  };
});
