import { openMariadb } from './macros-run';
import { pushdownSuite } from './pushdown-suite';

pushdownSuite('MariaDB', () => openMariadb('pushdown'), { nul: true });
