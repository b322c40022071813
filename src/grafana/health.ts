/**
 * After saving: ask Grafana to health-check the data source. Both plugins are frontend-only, so
 * Grafana usually cannot (it answers 404 "Plugin not found", or 500/400 with a message, by version);
 * then this server's URL is checked directly with `GET /`, the request "Save & test" makes.
 */
import { authorizationHeader, fetchJson, type GrafanaClient, messageOf } from './client';
import { GrafanaApiError, NotJsonError, UnreachableError } from './errors';
import type { Io } from './io';
import type { GrafanaDataSource } from './types';

export interface HealthContext {
  readonly client: GrafanaClient;
  readonly io: Io;
  readonly timeoutMs: number;
  /** The basic auth Grafana sends to this server, when this run knows the password. */
  readonly serverAuth: { readonly user: string; readonly password: string } | undefined;
}

/** True when Grafana or a direct `GET /` confirmed the data source works. */
export async function checkHealth(ds: GrafanaDataSource, ctx: HealthContext): Promise<boolean> {
  const label = `data source ${JSON.stringify(ds.name)}`;
  let why: string;
  try {
    const answer = await ctx.client.health(ds.uid);
    const message = messageOf(answer.body, answer.statusText);
    const status = (answer.body as { status?: unknown } | undefined)?.status;
    if (answer.status === 200 && status === 'OK') {
      ctx.io.out(`Grafana health check of ${label}: OK${message === '' ? '' : ` (${message})`}`);
      return true;
    }
    why =
      status === 'ERROR'
        ? `Grafana's health check of ${label} failed (${answer.status} ${JSON.stringify(message)})`
        : `Grafana could not health-check ${label} (${answer.status} ${JSON.stringify(message)}): ` +
          `${ds.type} is a frontend-only plugin, without a backend health check`;
  } catch (err) {
    if (!(err instanceof UnreachableError || err instanceof NotJsonError || err instanceof GrafanaApiError)) {
      throw err;
    }
    why = `Grafana could not health-check ${label} (${err instanceof UnreachableError ? err.reason : err.message})`;
  }
  ctx.io.out(`${why}; checking ${ds.url} directly from here`);
  return probeServer(ds.url, ctx);
}

/** `GET {url}/` from this machine, as the plugins' "Save & test" does (only 200 counts). */
async function probeServer(url: string, ctx: HealthContext): Promise<boolean> {
  const target = `${url.replace(/\/+$/, '')}/`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (ctx.serverAuth !== undefined) {
    headers.Authorization = authorizationHeader({ kind: 'basic', ...ctx.serverAuth });
  }
  try {
    const answer = await fetchJson(target, { method: 'GET', headers }, ctx.timeoutMs);
    if (answer.status === 200) {
      const name = (answer.body as { name?: unknown } | undefined)?.name;
      ctx.io.out(`GET ${target} answered 200${name === 'simplejson-server' ? ' (simplejson-server)' : ''}`);
      return true;
    }
    ctx.io.err(
      `warning: GET ${target} answered ${answer.status} ${JSON.stringify(messageOf(answer.body, answer.statusText))}, ` +
        'not 200: "Save & test" in Grafana will fail',
    );
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    ctx.io.err(
      `warning: GET ${target} failed from here: ${err.reason}. Grafana may still reach it from its own ` +
        'network; press "Save & test" on the data source page to be sure',
    );
  }
  return false;
}
