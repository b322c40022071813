import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROWS, shapeSuite } from './shape-suite';

// The file is written here, then opened read-only by the driver; ts holds epoch seconds (REAL).
shapeSuite('SQLite', 'sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shape-sqlite-'));
  const file = join(dir, 'readings.db');
  const db = new Database(file);
  db.exec('CREATE TABLE readings (ts REAL, room TEXT, temp REAL)');
  const insert = db.prepare('INSERT INTO readings VALUES (?, ?, ?)');
  for (const r of ROWS) insert.run(r.ms / 1000, r.room, r.temp);
  db.close();
  return {
    config: { name: 'plant', url: `sqlite:${file}` },
    table: 'readings',
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
