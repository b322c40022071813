import { openSqlite } from './macros-run';
import { pushdownSuite } from './pushdown-suite';

pushdownSuite('SQLite', async () => openSqlite(), { nul: true });
