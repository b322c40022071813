import { openPostgres } from './macros-run';
import { macroSuite } from './macros-suite';

macroSuite('PostgreSQL', () => openPostgres('macros'));
