/**
 * Child process: our server serving the SQL benchmark's fixture directory (its databases and SQL
 * metrics), at the CLI's defaults (every request logged at `info` to stdout), on 127.0.0.1, a free port.
 * Sends `{ type: 'ready', port }` over IPC once listening.
 * Usage: node sql-server.js <fixtures dir>
 */
import { createPino, pinoLogger } from '../src/process/logging';
import { startServer } from '../src/process/start';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: sql-server.js <fixtures dir>');
  const running = await startServer({
    fixtures: dir,
    host: '127.0.0.1',
    port: 0,
    logger: pinoLogger(createPino('info')),
    // A 365-day query over the raw table takes seconds; the benchmark measures it, it does not time it out.
    requestTimeout: 120_000,
  });
  process.on('SIGTERM', () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send?.({ type: 'ready', port: running.port });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
