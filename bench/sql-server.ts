/**
 * Child process: our server serving the SQL benchmark's fixture directory (its databases and SQL
 * metrics), at the CLI's defaults (every request logged at `info` to stdout), on 127.0.0.1, a free port.
 * Sends `{ type: 'ready', port }` over IPC once listening.
 * Usage: node sql-server.js <fixtures dir> [<CPU profile file>]
 * With a profile file (sql-ab.ts --prof) the server's main thread is profiled from start to SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createPino, pinoLogger } from '../src/process/logging';
import { startServer } from '../src/process/start';

/** Starts the V8 CPU profiler; the answer stops it and writes the profile (a .cpuprofile file). */
function profile(file: string): () => Promise<void> {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  return () =>
    new Promise((resolve, reject) => {
      session.post('Profiler.stop', (err, result) => {
        if (err !== null) return reject(err);
        writeFileSync(file, JSON.stringify(result.profile));
        resolve();
      });
    });
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: sql-server.js <fixtures dir> [<CPU profile file>]');
  const profileFile = process.argv[3];
  const stopProfile = profileFile === undefined ? undefined : profile(profileFile);
  const running = await startServer({
    fixtures: dir,
    host: '127.0.0.1',
    port: 0,
    logger: pinoLogger(createPino('info')),
    // A 365-day query over the raw table takes seconds; the benchmark measures it, it does not time it out.
    requestTimeout: 120_000,
  });
  process.on('SIGTERM', () => {
    Promise.resolve(stopProfile?.())
      .then(() => running.close())
      .then(
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
