import { openMariadb } from './macros-run';
import { macroSuite } from './macros-suite';

macroSuite('MariaDB', () => openMariadb('macros'));
