import type { Server, ServerResponse } from 'node:http';

/** How long a shutdown waits for requests in flight before it closes their connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;

/** How often idle keep-alive connections are closed while a shutdown waits. */
const SWEEP_MS = 50;

export interface CloseResult {
  /** True when the timeout ran out and connections still busy were closed under their requests. */
  readonly forced: boolean;
}

/**
 * Tracks the responses in flight on `server` so that a later shutdown can tell their clients not to
 * reuse the connection. Call once, right after creating the server; returns the graceful close.
 *
 * The close stops accepting connections, lets requests in flight finish (each answered with
 * `Connection: close`), closes keep-alive connections as soon as they are idle, and after `timeoutMs`
 * closes whatever is left. It resolves when the server has closed.
 */
export function gracefulCloser(server: Server): (timeoutMs: number) => Promise<CloseResult> {
  const open = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  let closed: Promise<CloseResult> | undefined;
  return (timeoutMs) => {
    if (closed !== undefined) return closed; // a second signal waits for the same close
    closing = true;
    for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    closed = new Promise<CloseResult>((resolve, reject) => {
      let forced = false;
      const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
      const deadline = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, timeoutMs);
      server.close((err) => {
        clearInterval(sweep);
        clearTimeout(deadline);
        // ERR_SERVER_NOT_RUNNING: it was already closed, which is what was asked.
        if (err !== undefined && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING')
          reject(err);
        else resolve({ forced });
      });
      server.closeIdleConnections();
    });
    return closed;
  };
}
