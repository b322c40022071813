/**
 * Ports for tests that close a port and expect it to stay closed (an unreachable database, a server that
 * is down) or listen on it again later (a proxy brought back up). A port from `listen(0)` comes from the
 * kernel's ephemeral range, from which every other process's `listen(0)` and the source port of every
 * outgoing connection are drawn too: with test files running in parallel such a port was taken while it
 * was closed (EADDRINUSE on the way back up; another test's server answering "the closed port"). These
 * ports lie below that range.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 20_000;

/** The first port of the kernel's ephemeral range (Linux), else the IANA one. */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > LOWEST + 1000 ? first : 49_152;
  } catch {
    return 49_152;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1 below the ephemeral range, picked at random. */
export async function quietPort(): Promise<number> {
  const top = ephemeralStart();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (top - LOWEST));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${top} on 127.0.0.1`);
}
