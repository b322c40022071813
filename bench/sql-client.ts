/**
 * The SQL scenarios' HTTP client: POSTs over node:http on a keep-alive agent, the answer read whole and
 * dropped. It replaced fetch(), whose per-request work (undici's streams, Headers, a Response and its text
 * decoded) cost this process 1.0 ms of CPU per 1h answer and 2.1–2.9 ms per 30d answer, on the same two
 * cores as the server it measures; node:http costs 0.3–0.4 and 0.7–1.2 ms (bench/sql-ab.ts figures).
 */
import { Agent, request } from 'node:http';

export interface Poster {
  /** Resolves once the whole 200 answer was read; rejects with the status and the start of any other. */
  post(url: string, body: string): Promise<void>;
  close(): void;
}

export function poster(connections: number): Poster {
  // An idle socket is dropped after 4 s, before the server's 5 s keep-alive timeout closes it under a
  // request (the long naive runs leave the others idle for longer than that).
  const agent = new Agent({ keepAlive: true, maxSockets: connections, timeout: 4000 });
  const once = (url: string, body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            if (res.statusCode !== 200) chunks.push(chunk);
          });
          res.on('end', () => {
            if (res.statusCode === 200) resolve();
            else reject(new Error(`${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(body);
    });
  return {
    // A kept-alive connection the server closed while idle fails as the request goes out (ECONNRESET,
    // EPIPE, "socket hang up"), before any answer: the request is sent again. After a long run that held
    // this thread (the naive baseline) every pooled connection may be such a one, so up to one retry per
    // connection; each failed one is dropped, the last try opens a new one.
    post: async (url, body) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(url, body);
        } catch (err) {
          if ((err as { reused?: boolean }).reused !== true || attempt >= connections) throw err;
        }
      }
    },
    close: () => agent.destroy(),
  };
}
