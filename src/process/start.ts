import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Express } from 'express';
import { createApp } from './app';
import { loadFixtureObject, loadFixtures } from '../fixtures/load';
import { closeDatabasesOf, holdingProcess } from '../fixtures/databases';
import { type AppOptions, DEFAULTS, type Logger, resolveOptions } from '../http/options';
import { Registry } from '../registry/registry';
import { FixtureReloader, fixtureWarnings, type ReloadResult } from './reload';
import { type CloseResult, DEFAULT_SHUTDOWN_TIMEOUT, gracefulCloser } from './shutdown';
import { systemClock } from '../time/clock';

/** The demo data shipped with the package. */
export const BUNDLED_FIXTURES = resolve(__dirname, '..', '..', 'fixtures');

export interface StartOptions extends AppOptions {
  /** 0 (the default) picks a free port: read it back from `url`/`port`. */
  readonly port?: number;
  /** Default 127.0.0.1: a test harness should not listen on every interface. */
  readonly host?: string;
  /**
   * What to serve: a fixtures directory, a fixture object (the format of a fixture file), or a ready
   * Registry. Default: the bundled demo fixtures.
   */
  readonly fixtures?: string | object;
  readonly registry?: Registry;
  /** Milliseconds `close()` waits for requests in flight before closing their connections. Default 10000. */
  readonly shutdownTimeout?: number;
  /** Reload a fixtures directory when its files change (debounced). Default false. */
  readonly watch?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The registry being served now (a reload replaces it). */
  readonly registry: Registry;
  readonly app: Express;
  readonly server: Server;
  /**
   * Reloads the fixtures directory and swaps the registry when it loads; on a bad file the old data keeps
   * serving and the result carries the error. Rejects when the server was not started from a directory.
   */
  reload(): Promise<ReloadResult>;
  /**
   * Stops accepting connections, lets requests in flight finish (closing idle keep-alive connections at
   * once), and after `shutdownTimeout` closes what is left. Resolves when nothing is left running.
   */
  close(): Promise<CloseResult>;
}

async function registryFor(options: StartOptions, logger: Logger): Promise<Registry> {
  if (options.registry !== undefined) return options.registry;
  const clock = options.clock ?? systemClock;
  const fixtures = options.fixtures ?? BUNDLED_FIXTURES;
  if (typeof fixtures === 'string') {
    return loadFixtures(fixtures, { clock, ...fixtureWarnings(logger, fixtures) });
  }
  return loadFixtureObject(fixtures, { clock, registry: new Registry() });
}

/**
 * Node's own limits on slow clients, in step with the app's request timeout: headers must arrive within
 * it (the app cannot see a request before its headers), and Node's whole-request limit is a backstop a
 * little later than the app's JSON 408. Checked every second instead of Node's default 30.
 */
function serverTimeouts(requestTimeout: number) {
  if (requestTimeout <= 0) return {};
  return {
    headersTimeout: requestTimeout,
    requestTimeout: requestTimeout + 2000,
    connectionsCheckingInterval: 1000,
  };
}

/** Loads the fixtures, then listens. For test harnesses: `const s = await startServer(); …; await s.close()`. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { logger, clock } = resolveOptions(options);
  const initial = await registryFor(options, logger);
  const dir = options.registry === undefined ? (options.fixtures ?? BUNDLED_FIXTURES) : undefined;
  const reloader =
    typeof dir === 'string' ? new FixtureReloader(resolve(dir), initial, { clock, logger }) : undefined;
  const app = createApp({
    ...options,
    registry: reloader === undefined ? initial : () => reloader.current(),
  });
  const server = createServer(serverTimeouts(options.requestTimeout ?? DEFAULTS.requestTimeout), app);
  const closeGracefully = gracefulCloser(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  if (options.watch === true) reloader?.watch();
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    get registry() {
      return reloader === undefined ? initial : reloader.current();
    },
    app,
    server,
    reload: () =>
      reloader === undefined
        ? Promise.reject(new Error('nothing to reload: the server was not started from a fixtures directory'))
        : reloader.reload(),
    close: async () => {
      reloader?.unwatch();
      // Held open until the databases are closed, so the caller can still log that it stopped.
      return holdingProcess(async () => {
        const result = await closeGracefully(options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT);
        // The databases this server opened (a registry handed in by the caller stays the caller's).
        if (options.registry === undefined) await closeDatabasesOf(reloader?.current() ?? initial);
        return result;
      });
    },
  };
}
