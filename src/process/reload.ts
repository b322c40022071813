import { type FSWatcher, watch } from 'node:fs';
import { loadFixtures } from '../fixtures/load';
import { closeDatabasesOf } from '../fixtures/databases';
import type { Logger } from '../http/options';
import type { Registry } from '../registry/registry';
import type { Clock } from '../time/clock';

/**
 * Load warnings (a directory without metrics, a CSV no fixture reads) go to the server's log as
 * `fixture warning` lines; with a logger that has no `warn`, loadFixtures prints them on stderr itself.
 */
export function fixtureWarnings(logger: Logger, dir: string): { onWarning?: (message: string) => void } {
  const { warn } = logger;
  if (warn === undefined) return {};
  return { onWarning: (warning) => warn.call(logger, 'fixture warning', { dir, warning }) };
}

/** How long the databases of a replaced registry stay open for the requests still reading it. */
const RETIRE_DATABASES_MS = 60_000;

/** What a reload did: swapped in a new registry, or kept the old one and said why. */
export type ReloadResult =
  | {
      readonly reloaded: true;
      readonly metrics: number;
      readonly annotationSets: number;
      readonly ms: number;
    }
  | { readonly reloaded: false; readonly error: Error };

/** Quiet time after the last file event before a watched directory is reloaded (editors write in bursts). */
export const WATCH_DEBOUNCE_MS = 250;

/**
 * Holds the registry a server serves and replaces it whole from a fixtures directory on demand.
 *
 * A reload builds a complete new Registry off to the side (loadFixtures checks every file before adding
 * anything) and only then swaps one reference, so a request sees the old registry or the new one, never a
 * mix: handlers read `current()` once and run synchronously. A directory that fails to load leaves the
 * old registry serving and the error is logged and returned. Reloads never overlap: one asked for while
 * another runs is done after it (several such asks are merged into one).
 */
export class FixtureReloader {
  #registry: Registry;
  #running: Promise<ReloadResult> | undefined;
  #queued: Promise<ReloadResult> | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    initial: Registry,
    private readonly options: { readonly clock: Clock; readonly logger: Logger },
  ) {
    this.#registry = initial;
  }

  /** The registry to serve now: pass `() => reloader.current()` as the app's RegistrySource. */
  current(): Registry {
    return this.#registry;
  }

  /** Loads the directory again and swaps the registry if it loads; resolves with what happened. */
  reload(): Promise<ReloadResult> {
    if (this.#running === undefined) {
      this.#running = this.#load().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    if (this.#queued === undefined) {
      this.#queued = this.#running.then(() => {
        this.#queued = undefined;
        return this.reload();
      });
    }
    return this.#queued;
  }

  async #load(): Promise<ReloadResult> {
    const started = performance.now();
    const { logger, clock } = this.options;
    try {
      const next = await loadFixtures(this.dir, { clock, ...fixtureWarnings(logger, this.dir) });
      const previous = this.#registry;
      this.#registry = next;
      // Requests that read the previous registry may still be using its databases: close them later.
      setTimeout(() => void closeDatabasesOf(previous), RETIRE_DATABASES_MS).unref();
      const result = {
        reloaded: true as const,
        metrics: next.size,
        annotationSets: next.annotationSets().length,
        ms: Math.round(performance.now() - started),
      };
      logger.info?.('fixtures reloaded', { dir: this.dir, ...result });
      return result;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      logger.error(`fixture reload failed, still serving the previous data: ${error.message}`, error);
      return { reloaded: false, error };
    }
  }

  /**
   * Reloads after changes below the directory (fs.watch, recursive), debounced by WATCH_DEBOUNCE_MS.
   * A Kubernetes ConfigMap update swaps a `..data` symlink in the directory, which is seen too.
   */
  watch(debounceMs = WATCH_DEBOUNCE_MS): void {
    if (this.#watcher !== undefined) return;
    this.#watcher = watch(this.dir, { recursive: true, persistent: false }, () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.reload(), debounceMs);
    });
    this.#watcher.on('error', (err) => {
      this.options.logger.error(`stopped watching ${this.dir}; SIGHUP still reloads`, err);
      this.unwatch();
    });
  }

  /** Stops watching (pending debounced reloads are dropped). */
  unwatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
