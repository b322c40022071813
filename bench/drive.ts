/** One load run: autocannon against a server for a scenario, with the server's CPU time measured around it. */
import autocannon from 'autocannon';
import { cpuMs, processTree } from './proc';
import type { Scenario } from './scenarios';

export interface RunFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Server CPU milliseconds (user + system, whole process tree) per answered request. */
  readonly cpuPerRequest: number;
  /** Requests not answered with a 2xx, errors and timeouts: a run with any is not a valid figure. */
  readonly failures: number;
}

export async function drive(
  port: number,
  serverPid: number,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<RunFigures> {
  const pids = processTree(serverPid);
  const cpu0 = cpuMs(pids);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`,
    method: scenario.method,
    ...(scenario.body === undefined
      ? {}
      : { body: scenario.body, headers: { 'content-type': 'application/json' } }),
    connections,
    duration: seconds,
    // autocannon checks for the end of a run at each sample: with its default 1 s, 0.5 s would last 1 s.
    sampleInt: 250,
    pipelining: 1,
  });
  const cpu = cpuMs(pids) - cpu0;
  const answered = result.requests.total;
  return {
    rps: answered / (result.duration > 0 ? result.duration : seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: answered === 0 ? Number.NaN : cpu / answered,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median of each figure over repeated runs (failures are summed). */
export function medianFigures(runs: readonly RunFigures[]): RunFigures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
    failures: runs.reduce((s, r) => s + r.failures, 0),
  };
}
