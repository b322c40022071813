/**
 * The SQL scenarios' HTTP client: POSTs over node:http on a keep-alive agent, the answer read whole and
 * dropped. It replaced fetch(), whose per-request work (undici's streams, Headers, a Response and its text
 * decoded) cost this process 1.0 ms of CPU per 1h answer and 2.1–2.9 ms per 30d answer, on the same two
 * cores as the server it measures; node:http costs 0.3–0.4 and 0.7–1.2 ms (bench/sql-ab.ts figures).
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

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

/** Answers per second and the median latency of one run (bench/sql.ts's Rate). */
export interface CannonRate {
  readonly rate: number;
  readonly answers: number;
  readonly p50: number;
}

/**
 * Ours under load with autocannon, the load generator of the HTTP scenarios: POSTs `body` on
 * `connections` keep-alive connections for about `seconds`, at least `minimum` answers. It costs this
 * process about half of what node:http does per answer (a 1h answer: 0.26 ms of CPU against 0.52–0.68),
 * on the 2 cores the server under test shares. An answer slower than `seconds / 10` (the year-long scans)
 * sets a count of requests instead of a duration, so none is cut off at the end.
 */
export async function cannonLoop(
  url: string,
  body: string,
  plan: { readonly seconds: number; readonly minimum: number },
  connections: number,
  warmMs: number,
): Promise<CannonRate> {
  const slow = warmMs > (plan.seconds * 1000) / 10;
  const amount = Math.max(plan.minimum, connections * Math.ceil((plan.seconds * 1000) / warmMs));
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    ...(slow ? { amount } : { duration: plan.seconds }),
    // A year of raw rows takes seconds per answer; autocannon's default would time it out at 10 s.
    timeout: 600,
    // autocannon checks for the end of a run at each sample: with its default 1 s, 0.5 s would last 1 s.
    sampleInt: 250,
    pipelining: 1,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `autocannon: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`,
    );
  }
  const answers = result.requests.total;
  return { rate: answers / result.duration, answers, p50: result.latency.p50 };
}
