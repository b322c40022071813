import { createMariadbDatabase, mariadbUrl } from '../support/databases';
import { ROWS, shapeSuite } from './shape-suite';

shapeSuite('MariaDB', 'mysql', async () => {
  const url = await mariadbUrl();
  if (url === undefined) return undefined;
  const database = await createMariadbDatabase(url, 'shape');
  await database.exec(`SET time_zone = '+00:00'`);
  await database.exec('CREATE TABLE readings (ts DATETIME(3), room VARCHAR(20), temp DOUBLE)');
  const values = ROWS.map((r) => `(FROM_UNIXTIME(${r.ms / 1000}), '${r.room}', ${r.temp})`).join(', ');
  await database.exec(`INSERT INTO readings VALUES ${values}`);
  return {
    config: { name: 'plant', url: database.url },
    table: 'readings',
    close: () => database.drop(),
  };
});
