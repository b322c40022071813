import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Express } from 'express';
import { createApp } from './app';
import { loadFixtureObject, loadFixtures } from './fixtures/load';
import type { AppOptions } from './options';
import { Registry } from './registry/registry';
import { systemClock } from './time/clock';

/** The demo data shipped with the package. */
export const BUNDLED_FIXTURES = resolve(__dirname, '..', 'fixtures');

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
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  readonly app: Express;
  readonly server: Server;
  /** Stops listening and ends every open connection; resolves when nothing is left running. */
  close(): Promise<void>;
}

async function registryFor(options: StartOptions): Promise<Registry> {
  if (options.registry !== undefined) return options.registry;
  const clock = options.clock ?? systemClock;
  const fixtures = options.fixtures ?? BUNDLED_FIXTURES;
  if (typeof fixtures === 'string') return loadFixtures(fixtures, { clock });
  return loadFixtureObject(fixtures, { clock, registry: new Registry() });
}

/** Loads the fixtures, then listens. For test harnesses: `const s = await startServer(); …; await s.close()`. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const registry = await registryFor(options);
  const app = createApp({ ...options, registry });
  const server = createServer(app);
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
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    registry,
    app,
    server,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((err) => (err === undefined ? resolveClose() : reject(err)));
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
