/**
 * Child process: the command line itself (src/process/server.ts) run in this process with the flags given,
 * on 127.0.0.1 and a free port, so the ingestion benchmark measures the server exactly as `simplejson-server
 * --write-token … [--data-dir …]` runs (bundled fixtures, request log at `info` to stdout, every default).
 * Sends `{ type: 'ready', port }` over IPC once `/healthz` answers; SIGTERM is the CLI's own shutdown.
 * Usage: node ingest-server.js [CLI flags…]
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CLI = join(__dirname, '..', 'src', 'process', 'server.js');

/** A port nothing listens on now (the CLI takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function answers(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the server did not answer /healthz on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const [node = 'node'] = process.argv;
  process.argv = [node, CLI, '--host', '127.0.0.1', '--port', String(port), ...process.argv.slice(2)];
  createRequire(__filename)(CLI);
  await answers(port, 60_000);
  process.send?.({ type: 'ready', port });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
