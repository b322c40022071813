#!/usr/bin/env node
/**
 * The container health check (Dockerfile HEALTHCHECK): `GET /healthz` on this machine (the process
 * serves; a database that is down does not make the container unhealthy), with the credentials
 * the server itself was configured with, so the check passes with auth on and no route has to be left
 * open. Reads the same environment variables as the server (a probe cannot see the server's flags);
 * exits 0 on a 200 answer, 1 otherwise. Prints nothing on success and never prints a secret.
 */
import { parseConfig } from './config';

/** Where to reach a server listening on `host`: the wildcard addresses are reached through loopback. */
function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The Authorization header a client of this configuration sends: basic when set, else the first token. */
function probeAuthorization(auth: {
  readonly basic?: { readonly user: string; readonly password: string };
  readonly bearerTokens?: readonly string[];
}): string | undefined {
  if (auth.basic !== undefined) {
    return `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`;
  }
  const token = auth.bearerTokens?.[0];
  return token === undefined ? undefined : `Bearer ${token}`;
}

async function main(): Promise<number> {
  const command = parseConfig([], process.env);
  if (command.kind !== 'serve') return 1;
  const { config } = command;
  const authorization = probeAuthorization(config.auth);
  const res = await fetch(`http://${probeHost(config.host)}:${config.port}/healthz`, {
    headers: authorization === undefined ? {} : { authorization },
    signal: AbortSignal.timeout(2500),
  });
  await res.arrayBuffer();
  if (res.status !== 200) console.error(`health check: GET /healthz answered ${res.status}`);
  return res.status === 200 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`health check failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
