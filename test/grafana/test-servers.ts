/** Small HTTP servers for the tests: this server's `GET /`, a hanging one, a closed port. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runGrafanaCommand } from '../../src/grafana/command';
import { quietPort } from '../support/ports';

export interface TestServer {
  readonly url: string;
  readonly seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function listen(server: Server, seen: IncomingHttpHeaders[]): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request with `status` and `body` (JSON unless a string), recording the headers. */
export function answering(
  status: number,
  body: unknown,
  contentType = 'application/json',
): Promise<TestServer> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  return listen(server, seen);
}

/** Accepts connections and never answers: for timeouts. */
export function hanging(): Promise<TestServer> {
  const seen: IncomingHttpHeaders[] = [];
  return listen(
    createServer((req) => seen.push(req.headers)),
    seen,
  );
}

/** A URL on 127.0.0.1 where nothing listens (a free port below the ephemeral range: support/ports.ts). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await quietPort()}`;
}

/** Runs `grafana …` in-process, collecting what it prints. */
export async function runCli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGrafanaCommand(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
