/**
 * `grafana provision`: find the data source by name, create it (404) or update it by uid with the
 * merged model, then health-check it. One output line per step.
 */
import { ConfigError } from '../errors';
import { describeAuth, GrafanaClient } from './client';
import { explain, type Step } from './explain';
import { checkHealth } from './health';
import type { Io } from './io';
import { changes, createBody, updateBody } from './model';
import type { ProvisionOptions } from './options';
import { type DesiredDataSource, type GrafanaDataSource, isPluginType } from './types';

interface Context {
  readonly client: GrafanaClient;
  readonly options: ProvisionOptions;
  readonly io: Io;
}

async function step<T>(ctx: Context, s: Step, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw explain(err, s, ctx.client.baseUrl);
  }
}

const summary = (ds: GrafanaDataSource) => `uid ${ds.uid}, ${ds.type}, ${ds.access} access, url ${ds.url}`;

/** Creates or updates one data source; answers it as Grafana stored it. */
async function upsert(ctx: Context, want: DesiredDataSource): Promise<GrafanaDataSource> {
  const { client, io } = ctx;
  const password = ctx.options.basicAuthPassword;
  const quoted = JSON.stringify(want.name);
  const have = await step(ctx, { kind: 'lookup', name: want.name }, () => client.findByName(want.name));

  if (have === undefined) {
    io.out(`no data source named ${quoted} yet: creating it`);
    if (want.basicAuthUser !== undefined && password === undefined) {
      throw new ConfigError(
        '--basic-auth-user needs a password for a new data source: --basic-auth-password, ' +
          '--basic-auth-password-file or SIMPLEJSON_BASIC_AUTH_PASSWORD',
      );
    }
    const answer = await step(ctx, { kind: 'create', name: want.name, uid: want.uid }, () =>
      client.create(createBody(want, password)),
    );
    io.out(`created data source ${quoted} (id ${answer.id}, ${summary(answer.datasource)})`);
    return answer.datasource;
  }

  io.out(`found data source ${quoted} (id ${have.id}, ${summary(have)}, version ${have.version ?? '?'})`);
  if (!isPluginType(have.type)) {
    throw new ConfigError(
      `data source ${quoted} exists with type ${JSON.stringify(have.type)}, not a SimpleJSON/JSON plugin; ` +
        'refusing to change it: choose another --name',
    );
  }
  if (have.readOnly === true) {
    throw new ConfigError(
      `data source ${quoted} is read-only in Grafana: it comes from a provisioning file; ` +
        'change that file (see "simplejson-server grafana yaml"), or choose another --name',
    );
  }
  if (
    want.basicAuthUser !== undefined &&
    password === undefined &&
    have.secureJsonFields?.basicAuthPassword !== true
  ) {
    throw new ConfigError(
      `data source ${quoted} has no basic auth password stored: give --basic-auth-password, ` +
        '--basic-auth-password-file or SIMPLEJSON_BASIC_AUTH_PASSWORD',
    );
  }
  const diff = changes(have, want, password);
  if (diff.length === 0) {
    io.out(`data source ${quoted} is up to date`);
    return have;
  }
  const answer = await step(ctx, { kind: 'update', name: want.name, uid: have.uid }, () =>
    client.update(have.uid, updateBody(have, want, password)),
  );
  const versions = `version ${have.version ?? '?'} → ${answer.datasource.version ?? '?'}`;
  io.out(`updated data source ${quoted} (${versions}): ${diff.join(', ')}`);
  return answer.datasource;
}

/** Runs the whole command; answers the exit status. Throws ConfigError or ProvisionError. */
export async function provision(options: ProvisionOptions, io: Io): Promise<number> {
  const client = new GrafanaClient({
    baseUrl: options.grafanaUrl,
    auth: options.auth,
    timeoutMs: options.timeoutMs,
  });
  const ctx: Context = { client, options, io };
  io.out(`Grafana at ${client.baseUrl}, logging in with a ${describeAuth(options.auth)}`);
  let confirmed = true;
  for (const want of options.dataSources) {
    const saved = await upsert(ctx, want);
    if (!options.healthCheck) continue;
    const user = want.basicAuthUser;
    const password = options.basicAuthPassword;
    const ok = await checkHealth(saved, {
      client,
      io,
      timeoutMs: options.timeoutMs,
      serverAuth: user === undefined || password === undefined ? undefined : { user, password },
    });
    confirmed &&= ok;
  }
  if (!confirmed && options.requireHealth) {
    io.err('health not confirmed, and --require-health was given');
    return 1;
  }
  io.out('done');
  return 0;
}
