import type { Logger } from '../http/options';
import type { RunningServer } from './start';

/** Extra time past the shutdown timeout before the process exits whatever is still pending. */
const EXIT_GRACE_MS = 5000;

/** Where signals come from: the process, or any EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalOptions {
  readonly logger: Logger;
  /** Milliseconds requests in flight get before their connections are closed (as given to startServer). */
  readonly shutdownTimeout: number;
  readonly exit: (code: number) => void;
  readonly source: SignalSource;
  /**
   * What holdReloadsDuringStart returned. It is called once this module's own SIGHUP listener is in
   * place: removing the last listener first would stop Node's signal watcher and drop a SIGHUP that
   * has arrived but not yet been dispatched. When a SIGHUP came during the start, reload at once.
   */
  readonly heldReloads?: () => boolean;
}

/**
 * Until handleSignals is in place, SIGHUP's default action would end the process: a reload asked for
 * while the fixtures load (or, under `--workers`, while a fresh worker starts) would kill the server.
 * Call this before starting; it notes such a SIGHUP instead. Pass the function it returns to
 * handleSignals as `heldReloads`: it stops listening and tells whether one came.
 */
export function holdReloadsDuringStart(source: SignalSource): () => boolean {
  let asked = false;
  const note = () => {
    asked = true;
  };
  source.on('SIGHUP', note);
  return () => {
    source.off('SIGHUP', note);
    return asked;
  };
}

/**
 * The process's signals, as a container runtime or an operator sends them:
 * - SIGTERM / SIGINT: stop accepting, let requests in flight finish, exit 0 (within `shutdownTimeout`,
 *   after which busy connections are closed). A second one closes every connection at once. If the
 *   close somehow hangs, the process exits 1 a few seconds after the timeout.
 * - SIGHUP: reload the fixtures directory; a bad file keeps the old data (src/reload.ts logs why).
 */
export function handleSignals(running: RunningServer, options: SignalOptions): void {
  const { logger, shutdownTimeout, exit, source } = options;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn?.('second signal: closing every connection now', { signal });
      running.server.closeAllConnections();
      return;
    }
    stopping = true;
    logger.info?.('stopping: finishing requests in flight', { signal, timeoutMs: shutdownTimeout });
    setTimeout(() => {
      logger.error('shutdown did not finish in time, exiting');
      exit(1);
    }, shutdownTimeout + EXIT_GRACE_MS).unref();
    running.close().then(
      ({ forced }) => {
        if (forced) logger.warn?.('stopped after closing connections still busy at the timeout', { signal });
        else logger.info?.('stopped', { signal });
        exit(0);
      },
      (err: unknown) => {
        logger.error('error while closing', err);
        exit(1);
      },
    );
  };
  source.on('SIGTERM', () => stop('SIGTERM'));
  source.on('SIGINT', () => stop('SIGINT'));
  const reload = (why: string) => {
    logger.info?.(why);
    running.reload().catch((err: unknown) => logger.error('reload failed', err));
  };
  source.on('SIGHUP', () => reload('SIGHUP: reloading fixtures'));
  if (options.heldReloads?.() === true) reload('SIGHUP during start: reloading fixtures');
}
