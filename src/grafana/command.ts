/**
 * `simplejson-server grafana <command>`: the entry `server.ts` hands `argv` to. Answers an exit
 * status; never exits the process, so tests run it in-process.
 */
import { ConfigError } from '../errors';
import { ProvisionError } from './errors';
import { type Io, redacting } from './io';
import { type Env, parseProvision, parseYaml } from './options';
import { provision } from './provision';
import { GROUP_USAGE, PROVISION_USAGE, YAML_USAGE } from './usage';
import { provisioningYaml } from './yaml';

export { consoleIo, type Io } from './io';

/** Prints a failure in one line (two for bad options); answers the exit status. */
function report(err: unknown, prefix: string, io: Io): number {
  if (err instanceof ConfigError) {
    io.err(`${prefix}: ${err.message}\n(see ${prefix} --help)`);
    return 2;
  }
  if (err instanceof ProvisionError) {
    io.err(`${prefix}: ${err.message}`);
    return 1;
  }
  io.err(`${prefix}: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

async function run(command: string, argv: readonly string[], env: Env, io: Io): Promise<number> {
  if (command === 'provision') {
    const parsed = parseProvision(argv, env);
    if (parsed.kind === 'help') {
      io.out(PROVISION_USAGE);
      return 0;
    }
    const { options } = parsed;
    const secrets = [
      options.basicAuthPassword,
      options.auth.kind === 'token' ? options.auth.token : options.auth.password,
    ];
    const safeIo = redacting(io, secrets);
    try {
      return await provision(options, safeIo);
    } catch (err) {
      return report(err, 'simplejson-server grafana provision', safeIo);
    }
  }
  const parsed = parseYaml(argv, env);
  if (parsed.kind === 'help') {
    io.out(YAML_USAGE);
    return 0;
  }
  io.out(provisioningYaml(parsed.options.dataSources, parsed.options.passwordEnv).trimEnd());
  return 0;
}

/** Runs `grafana <command> [options]` (argv without `grafana`); answers the exit status. */
export async function runGrafanaCommand(argv: readonly string[], env: Env, io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(GROUP_USAGE);
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(GROUP_USAGE);
    return 0;
  }
  const prefix = `simplejson-server grafana ${command}`;
  if (command !== 'provision' && command !== 'yaml') {
    io.err(`simplejson-server grafana: unknown command ${JSON.stringify(command)}\n\n${GROUP_USAGE}`);
    return 2;
  }
  try {
    return await run(command, rest, env, io);
  } catch (err) {
    return report(err, prefix, io);
  }
}
