import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Express } from 'express';
import { createApp } from './app';
import { inspectFixtures, loadFixtureObject } from '../fixtures/load';
import { closeDatabasesOf, holdingProcess } from '../fixtures/databases';
import { type AppOptions, DEFAULTS, type Logger, resolveOptions } from '../http/options';
import { Registry } from '../registry/registry';
import { FixtureReloader, fixtureWarnings, type ReloadResult } from './reload';
import { type CloseResult, DEFAULT_SHUTDOWN_TIMEOUT, gracefulCloser } from './shutdown';
import { systemClock } from '../time/clock';
import { AdminControl } from '../admin/control';
import { DurableStore } from '../ingest/durable';
import { DEFAULT_MAX_POINTS_PER_SERIES, DEFAULT_RETENTION_MS } from '../ingest/memory';
import { FaultTable } from '../runtime/faults';
import { RequestJournal } from '../runtime/journal';
import { RuntimeState } from '../runtime/state';
import type { FixtureReport } from '../ui/types';

/** The demo data shipped with the package. */
export const BUNDLED_FIXTURES = resolve(__dirname, '..', '..', 'fixtures');

export interface StartOptions extends Omit<AppOptions, 'journal' | 'faults'> {
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
  /** Tokens that open the admin API (`/admin/`, Bearer) and `/write`. Without any, `/admin/` is 404. */
  readonly adminTokens?: readonly string[];
  /** Tokens that open `POST /write` only. */
  readonly writeTokens?: readonly string[];
  /** Keep pushed points and runtime changes in this directory (SQLite, WAL), committed before acknowledged. */
  readonly dataDir?: string;
  /** Pushed points older than this (ms) are dropped. Default 30 days. */
  readonly retentionMs?: number;
  /** Most pushed points per series; the oldest go first. Default 300 000. */
  readonly maxPointsPerSeries?: number;
  /** Most pushed series (metric + labels); a batch that would add more gets 422. Default 10 000. */
  readonly maxSeries?: number;
  /**
   * Keep the last requests for `/admin/requests` and `admin.requests()`: true, or its bounds. Default: on
   * (1000 requests, 8 MiB) when there is an admin token, else off.
   */
  readonly journal?: boolean | { readonly maxEntries?: number; readonly maxBytes?: number };
  /** Allow fault injection (`/admin/faults`, `admin.addFault`). Default: on when there is an admin token. */
  readonly faults?: boolean;
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
   * Runtime control in code, the same operations as the admin API: replace/merge/put/remove/reset the
   * registry, write points, read the request journal, inject faults.
   */
  readonly admin: AdminControl;
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

/** The registry to serve, and what the explorer page's health view says was loaded (src/ui). */
async function registryFor(
  options: StartOptions,
  logger: Logger,
): Promise<{ readonly registry: Registry; readonly report: FixtureReport }> {
  const none = { files: [], warnings: [] };
  if (options.registry !== undefined) {
    return { registry: options.registry, report: { source: 'a registry built in code', ...none } };
  }
  const clock = options.clock ?? systemClock;
  const fixtures = options.fixtures ?? BUNDLED_FIXTURES;
  if (typeof fixtures === 'string') {
    // loadFixtures, keeping the files and warnings for the page.
    const { registry, files, warnings } = await inspectFixtures(fixtures, { clock });
    const { onWarning = (m: string) => process.emitWarning(m, 'FixtureWarning') } = fixtureWarnings(
      logger,
      fixtures,
    );
    for (const warning of warnings) onWarning(warning);
    return { registry, report: { source: resolve(fixtures), files, warnings } };
  }
  const registry = loadFixtureObject(fixtures, { clock, registry: new Registry() });
  return { registry, report: { source: 'a fixture object', ...none } };
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
  const { journal: _journal, faults: _faults, ...appOptions } = options;
  const { logger, clock } = resolveOptions(appOptions);
  const { registry: initial, report } = await registryFor(options, logger);
  const dir = options.registry === undefined ? (options.fixtures ?? BUNDLED_FIXTURES) : undefined;
  const reloader =
    typeof dir === 'string' ? new FixtureReloader(resolve(dir), initial, { clock, logger }) : undefined;
  const base = reloader === undefined ? () => initial : () => reloader.current();
  const durable =
    options.dataDir === undefined ? undefined : await DurableStore.open({ dir: options.dataDir });
  const state = await RuntimeState.open(base, {
    clock,
    logger,
    limits: {
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
      maxPointsPerSeries: options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS_PER_SERIES,
      ...(options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries }),
    },
    ...(durable === undefined ? {} : { durable }),
  });
  const adminOn = (options.adminTokens?.length ?? 0) > 0;
  const journalOption = options.journal ?? adminOn;
  const journal =
    journalOption === false
      ? undefined
      : new RequestJournal({ clock, ...(journalOption === true ? {} : journalOption) });
  const faults = (options.faults ?? adminOn) ? new FaultTable({ logger }) : undefined;
  const admin = new AdminControl(state, clock, journal, faults);
  const app = createApp({
    ...appOptions,
    registry: () => state.current(),
    ...(journal === undefined ? {} : { journal }),
    ...(faults === undefined ? {} : { faults }),
    control: { admin, tokens: { admin: options.adminTokens ?? [], write: options.writeTokens ?? [] } },
    // What was loaded at start, unless the caller tells the page something else or turned it off.
    ui: options.ui === false ? false : { fixtures: () => report, ...(options.ui === true ? {} : options.ui) },
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
      return state.current();
    },
    app,
    admin,
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
        await state.close();
        // The databases this server opened (a registry handed in by the caller stays the caller's).
        if (options.registry === undefined) await closeDatabasesOf(reloader?.current() ?? initial);
        return result;
      });
    },
  };
}
