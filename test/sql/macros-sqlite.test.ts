import { openSqlite } from './macros-run';
import { macroSuite } from './macros-suite';

// SQLite's time macros read epoch seconds: the readings table stores them as REAL.
macroSuite('SQLite (better-sqlite3, in memory)', async () => openSqlite());
