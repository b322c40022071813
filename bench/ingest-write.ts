/**
 * Writers of the ingestion benchmark: line-protocol batches POSTed to `/write` as Telegraf's InfluxDB v1
 * output sends them (`?db=telegraf`, text/plain, the write token as the basic auth password), each writer
 * on its own keep-alive connection, every batch answered 204 before the next (a Telegraf output flushes
 * one batch at a time). Either as fast as the server takes them, or paced at a fixed rate.
 */
import { Agent, request } from 'node:http';
import type { TelegrafFleet } from './ingest-parse';

export interface WriterFigures {
  /** Points acknowledged (204). */
  readonly points: number;
  readonly batches: number;
  readonly seconds: number;
  /** Milliseconds from sending a batch to its 204, every batch. */
  readonly latencies: readonly number[];
  /** Epoch ms of the newest point acknowledged. */
  readonly lastMs: number;
}

export interface Target {
  readonly port: number;
  readonly token: string;
}

class ReusedSocketReset extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

/** One Telegraf output: a keep-alive connection of its own and the basic auth header it sends. */
export class Writer {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly #auth: string;

  constructor(
    readonly target: Target,
    readonly fleet: TelegrafFleet,
    readonly batchPoints: number,
  ) {
    this.#auth = `Basic ${Buffer.from(`telegraf:${target.token}`).toString('base64')}`;
  }

  /** Sends the fleet's next batch; resolves on 204 with its points, fails on any other answer. */
  async send(): Promise<{ points: number; ms: number; lastMs: number }> {
    const batch = this.fleet.next(this.batchPoints);
    const body = Buffer.from(batch.body);
    const t0 = performance.now();
    try {
      await this.#post(body);
    } catch (err) {
      // A kept-alive connection the server closed while this writer was idle (its keepAliveTimeout), found
      // closed only as the batch went out: sent again once on a new one, as Node's docs advise.
      if (!(err instanceof ReusedSocketReset)) throw err;
      await this.#post(body);
    }
    return { points: batch.points, ms: performance.now() - t0, lastMs: batch.lastMs };
  }

  #post(body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.target.port,
          method: 'POST',
          path: '/write?db=telegraf',
          agent: this.#agent,
          headers: {
            authorization: this.#auth,
            'content-type': 'text/plain; charset=utf-8',
            'content-length': body.length,
            'user-agent': 'Telegraf/1.30',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 204) return resolve();
            const text = Buffer.concat(chunks).toString().slice(0, 300);
            reject(new Error(`POST /write answered ${res.statusCode}: ${text}`));
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && err.code === 'ECONNRESET' ? new ReusedSocketReset(err) : err),
      );
      req.end(body);
    });
  }

  /** Batches back to back for `seconds`. */
  async closedLoop(seconds: number): Promise<WriterFigures> {
    return this.#loop(seconds, () => 0);
  }

  /**
   * Batches at `pointsPerSecond` until `stop` resolves: batch i is sent at start + i × batch / rate, or at
   * once when the one before came back later than that.
   */
  async paced(pointsPerSecond: number, stop: Promise<unknown>): Promise<WriterFigures> {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const periodMs = (this.batchPoints / pointsPerSecond) * 1000;
    const began = performance.now();
    let i = 0;
    return this.#loop(Infinity, async () => {
      if (stopped) return -1;
      const due = began + i++ * periodMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return stopped ? -1 : 0;
    });
  }

  close(): void {
    this.#agent.destroy();
  }

  /** `before` answers -1 to end the loop (checked before each batch), as `seconds` passing does. */
  async #loop(seconds: number, before: () => number | Promise<number>): Promise<WriterFigures> {
    const latencies: number[] = [];
    let points = 0;
    let lastMs = Number.NaN;
    const began = performance.now();
    const deadline = began + seconds * 1000;
    while (performance.now() < deadline) {
      if ((await before()) < 0) break;
      const sent = await this.send();
      points += sent.points;
      latencies.push(sent.ms);
      lastMs = sent.lastMs;
    }
    return {
      points,
      batches: latencies.length,
      seconds: (performance.now() - began) / 1000,
      latencies,
      lastMs,
    };
  }
}

/** The rate of writers that ran side by side: their points over the longest of their times. */
export function combined(runs: readonly WriterFigures[]): WriterFigures {
  return {
    points: runs.reduce((n, r) => n + r.points, 0),
    batches: runs.reduce((n, r) => n + r.batches, 0),
    seconds: Math.max(...runs.map((r) => r.seconds)),
    latencies: runs.flatMap((r) => r.latencies),
    lastMs: Math.max(...runs.map((r) => r.lastMs)),
  };
}

/** The q-quantile (0..1) of `xs` by nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
