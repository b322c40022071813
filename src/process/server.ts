#!/usr/bin/env node
/** The command line: the only file that reads argv/env and listens. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCheck } from './check';
import { isPrimary, runPrimary } from './cluster';
import { parseConfig, usage } from './config';
import { AppError, ConfigError, FixtureError } from '../errors';
import { consoleIo, runGrafanaCommand } from '../grafana/command';
import { fixtureAccessError } from './fixture-access';
import { createPino, pinoLogger } from './logging';
import { handleSignals, holdReloadsDuringStart } from './signals';
import { BUNDLED_FIXTURES, startServer } from './start';

function version(): string {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(): Promise<number> {
  // `simplejson-server grafana …` (src/grafana, docs/grafana.md): handled before the server's own flags.
  if (process.argv[2] === 'grafana') return runGrafanaCommand(process.argv.slice(3), process.env, consoleIo);
  // `simplejson-server check [dir]` (src/process/check.ts): loads the fixtures, prints them, never listens.
  if (process.argv[2] === 'check') return runCheck(process.argv.slice(3), process.env, consoleIo);
  const command = parseConfig(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    console.log(usage());
    return 0;
  }
  if (command.kind === 'version') {
    console.log(version());
    return 0;
  }
  const { config } = command;
  const fixtures = config.fixtures ?? BUNDLED_FIXTURES;
  const logger = pinoLogger(createPino(config.logLevel));
  // --workers N: this process only supervises; the N workers re-run this file and serve (src/cluster.ts).
  if (isPrimary(config.workers)) return runPrimary({ workers: config.workers, log: (m) => logger.info?.(m) });
  const reloadsAsked = holdReloadsDuringStart(process);
  const { control } = config;
  const running = await startServer({
    ...config,
    fixtures,
    logger,
    adminTokens: control.adminTokens,
    writeTokens: control.writeTokens,
    ...(control.dataDir === undefined ? {} : { dataDir: control.dataDir }),
    retentionMs: control.retentionMs,
    maxPointsPerSeries: control.maxPointsPerSeries,
    maxSeries: control.maxSeries,
    journal:
      control.adminTokens.length > 0 && control.journalSize > 0
        ? { maxEntries: control.journalSize, maxBytes: control.journalBytes }
        : false,
  }).catch((err: unknown) => {
    throw fixtureAccessError(err, fixtures) ?? err;
  });
  const { registry } = running;
  const ui = config.ui ? `${running.url}/ui/` : null;
  const page = ui === null ? '' : `, explorer page at ${ui}`;
  logger.info?.(`simplejson-server ${version()} listening on ${running.url}${page}`, {
    url: running.url,
    ui,
    version: version(),
    metrics: registry.size,
    annotationSets: registry.annotationSets().length,
    fixtures,
    auth: [
      config.auth.basic === undefined ? [] : ['basic'],
      config.auth.bearerTokens === undefined ? [] : ['bearer'],
    ].flat(),
    watch: config.watch,
    admin: control.adminTokens.length > 0,
    write: control.adminTokens.length + control.writeTokens.length > 0,
    dataDir: control.dataDir ?? null,
  });
  handleSignals(running, {
    logger,
    shutdownTimeout: config.shutdownTimeout,
    exit: (code) => process.exit(code),
    source: process,
    heldReloads: reloadsAsked,
  });
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const storage = err instanceof AppError && err.code === 'STORAGE_FAILED';
    if (err instanceof ConfigError || err instanceof FixtureError || storage) {
      console.error(`simplejson-server: ${err.message}`);
      process.exit(2);
    }
    console.error('simplejson-server: failed to start', err);
    process.exit(1);
  },
);
