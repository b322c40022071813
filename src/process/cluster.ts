/**
 * Serving with several processes (`--workers N`): the primary forks N workers, each of which runs the
 * ordinary server (loads the fixtures, listens); node:cluster shares one listening socket between them,
 * so they answer on the same port, even port 0 (one random port for all). The primary loads nothing: it
 * restarts a worker that dies, passes SIGTERM/SIGINT on so every worker closes gracefully, and exits when
 * the last one has.
 */
import cluster, { type Address, type Worker } from 'node:cluster';

export interface PrimaryOptions {
  /** How many workers to keep running, >= 1. */
  readonly workers: number;
  /** Where the primary reports workers starting, listening and dying. */
  readonly log: (message: string) => void;
}

function describeAddress(address: Address): string {
  const host = address.address ?? 'all interfaces';
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * Runs the primary: forks the workers (each re-runs this program's entry point with the same arguments
 * and environment) and supervises them. Resolves with the exit code once every worker has exited: 0
 * after SIGTERM/SIGINT, 1 when a worker died before it ever listened (a bad fixture or port would fail
 * the same way again, so it is not restarted: the others are stopped instead).
 */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { log } = options;
  const live = new Set<Worker>();
  const listened = new Set<Worker>();
  let stopping = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    const fork = (): void => {
      live.add(cluster.fork());
    };
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping ${live.size} worker(s)`);
      for (const worker of live) worker.process.kill(signal);
      if (live.size === 0) resolve(exitCode);
    };
    cluster.on('listening', (worker, address) => {
      if (listened.has(worker)) return;
      listened.add(worker);
      log(`worker ${worker.process.pid} listening on ${describeAddress(address)}`);
    });
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) resolve(exitCode);
        return;
      }
      const how = signal ?? `code ${code}`;
      if (!listened.has(worker)) {
        log(`worker ${worker.process.pid} exited (${how}) before listening; stopping`);
        exitCode = 1;
        stop('SIGTERM');
        return;
      }
      listened.delete(worker);
      log(`worker ${worker.process.pid} died (${how}); starting a replacement`);
      fork();
    });
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // SIGHUP reloads the fixtures (src/signals.ts). Each worker holds its own registry, so each reloads;
    // without this handler SIGHUP's default action would end the primary, and with it every worker.
    process.on('SIGHUP', () => {
      log(`SIGHUP: reloading the fixtures of ${live.size} worker(s)`);
      for (const worker of live) worker.process.kill('SIGHUP');
    });
    for (let i = 0; i < options.workers; i++) fork();
  });
}

/** True in the process that should supervise workers rather than serve. */
export function isPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}
