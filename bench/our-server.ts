/**
 * Child process: our server as the benchmark runs it. It loads the bundled demo fixtures, registers the
 * benchmark's stored series (built in memory, rollups included, timed), and listens on 127.0.0.1 on a
 * free port. `--log on` (the CLI's default) logs every request at `info` through the CLI's logger
 * (createPino + pinoLogger) to stdout, which the benchmark reads and discards as a log collector would;
 * `--log off` has the library defaults of startServer (no request log). With `--workers N` (N > 1) it is
 * the cluster primary of src/cluster.ts and every worker does all of the above.
 *
 * Talks to the benchmark over IPC: sends `{ type: 'ready', port, load }` once listening.
 * Usage: node our-server.js --points 10000000 --log on|off [--workers 2]
 */
import cluster from 'node:cluster';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isPrimary, runPrimary } from '../src/process/cluster';
import { loadFixtures } from '../src/fixtures/load';
import { createPino, pinoLogger } from '../src/process/logging';
import { rollupFor } from '../src/query/read';
import { startServer } from '../src/process/start';
import { repoRoot } from './paths';
import { END, STORED_METRIC } from './scenarios';
import { storedColumns } from './stored';

export interface LoadFigures {
  readonly points: number;
  /** Building the columns, registering them (the registry checks the order) and the rollups. */
  readonly ms: number;
  /** RSS growth over the same step. */
  readonly rssBytes: number;
}

export type ServerMessage = { type: 'ready'; port: number; load: LoadFigures | undefined };

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '10000000' },
    workers: { type: 'string', default: '1' },
    log: { type: 'string', default: 'on' },
  },
});
if (values.log !== 'on' && values.log !== 'off') throw new Error(`--log on|off, not ${values.log}`);
const logger = values.log === 'on' ? pinoLogger(createPino('info')) : undefined;
const points = Number(values.points);
const workers = Number(values.workers);

async function serve(): Promise<{ port: number; load: LoadFigures }> {
  const registry = await loadFixtures(join(repoRoot(), 'fixtures'));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const columns = storedColumns(points, END);
  registry.addTimeSeries({ name: STORED_METRIC, source: { kind: 'stored', columns } });
  rollupFor(columns);
  const load = { points, ms: performance.now() - t0, rssBytes: process.memoryUsage().rss - rss0 };
  const running = await startServer({
    registry,
    host: '127.0.0.1',
    port: 0,
    ...(logger === undefined ? {} : { logger }),
  });
  process.on('SIGTERM', () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  return { port: running.port, load };
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

if (isPrimary(workers)) {
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === workers) send({ type: 'ready', port: address.port, load: undefined });
  });
  runPrimary({ workers, log: () => undefined }).then((code) => process.exit(code));
} else {
  serve().then(
    ({ port, load }) => {
      if (cluster.isPrimary) send({ type: 'ready', port, load });
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
