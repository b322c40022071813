/**
 * `npm run soak [-- --seconds 180 --connections 64 --reload-every 2 --seed 1]`: the load and soak test.
 *
 * Builds and starts the server (`dist/process/server.js`) (127.0.0.1 only, basic auth on) in a child process, then for `seconds`
 * runs `connections` concurrent clients over keep-alive connections with the mixed workload of
 * workload.ts (requests cancelled mid-flight included), while the fixtures are rewritten and reloaded
 * with SIGHUP every `reload-every` seconds (every 5th rewrite is a broken file, which must keep the old
 * data serving). Samples the server's RSS every 5 s, stops it with SIGTERM at the end, and prints a
 * markdown report (also written to .soak-tmp/report.md). Bounded: at most 30 minutes and 512
 * connections, and it only ever talks to 127.0.0.1.
 *
 * Exits 1 when a valid request got anything but its 2xx answer, when a must-fail request got anything
 * but its 4xx, when RSS keeps growing after warm-up, or when the server does not exit 0 on SIGTERM.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type LatencySummary, type RssSample, rssVerdict, summarize } from './stats';
import { PASSWORD, startTarget, USER } from './target';
import { type Outcome, pick, random, SPECS, send } from './workload';

const ROOT = resolve(__dirname, '..', '..', '..');

function bounded(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be between ${min} and ${max}`);
  return n;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    connections: { type: 'string', default: '64' },
    'reload-every': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const SECONDS = bounded('seconds', values.seconds, 5, 1800);
const CONNECTIONS = bounded('connections', values.connections, 1, 512);
const RELOAD_EVERY = bounded('reload-every', values['reload-every'], 0.2, 600);
const SEED = bounded('seed', values.seed, 0, 2 ** 31);

interface Tally {
  sent: number;
  ok: number;
  failed: number;
  errors: Map<string, number>;
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

async function main(): Promise<number> {
  const target = await startTarget(ROOT);
  const base = new URL(target.url);
  if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load ${base.hostname}: loopback only`);
  const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const load = { start: loadavg(), cores: cpus().length };
  const tallies = new Map<string, Tally>();
  const latencies: number[] = [];
  const windows: { t: number; latencies: number[]; requests: number }[] = [];
  const rss: RssSample[] = [{ t: 0, rssMb: target.rssMb() }];
  const startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  const record = (o: Outcome) => {
    const tally = tallies.get(o.spec) ?? { sent: 0, ok: 0, failed: 0, errors: new Map<string, number>() };
    tallies.set(o.spec, tally);
    tally.sent++;
    if (o.ok) tally.ok++;
    else {
      tally.failed++;
      const key = o.error ?? `status ${o.status}`;
      tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
    }
    if (o.kind === 'valid' && o.ok) {
      latencies.push(o.ms);
      const w = windows[windows.length - 1];
      w?.latencies.push(o.ms);
    }
    const w = windows[windows.length - 1];
    if (w !== undefined) w.requests++;
  };

  console.error(
    `soak: ${SECONDS}s, ${CONNECTIONS} connections, reload every ${RELOAD_EVERY}s, seed ${SEED}, server pid ${target.pid} at ${target.url}`,
  );
  windows.push({ t: 0, latencies: [], requests: 0 });
  const windowTimer = setInterval(
    () => windows.push({ t: Math.round(elapsed()), latencies: [], requests: 0 }),
    30_000,
  );
  const rssTimer = setInterval(() => rss.push({ t: Math.round(elapsed()), rssMb: target.rssMb() }), 5_000);
  let reloads = 0;
  let brokenReloads = 0;
  const reloadTimer = setInterval(() => {
    reloads++;
    const broken = reloads % 5 === 0;
    if (broken) brokenReloads++;
    target.reload(reloads, broken);
  }, RELOAD_EVERY * 1000);

  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      const rand = random(SEED * 1000 + worker);
      while (performance.now() < deadline) record(await send(base, agent, authorization, pick(rand), rand));
    }),
  );
  clearInterval(reloadTimer);
  clearInterval(windowTimer);
  clearInterval(rssTimer);
  rss.push({ t: Math.round(elapsed()), rssMb: target.rssMb() });
  const loadEnd = loadavg();
  agent.destroy();
  const stop = await target.stop();
  const log = readFileSync(target.logFile, 'utf8');
  target.cleanup();

  const logLines = log.split('\n').filter((l) => l !== '');
  const logged = {
    lines: logLines.length,
    requests: logLines.filter((l) => l.includes('"msg":"request"')).length,
    reloaded: logLines.filter((l) => l.includes('"msg":"fixtures reloaded"')).length,
    reloadFailed: logLines.filter((l) => l.includes('fixture reload failed')).length,
    secrets: logLines.filter((l) => l.includes(PASSWORD) || l.includes(authorization.slice(6))).length,
    stopped: logLines.some((l) => l.includes('"msg":"stopped"')),
  };
  const all = [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b));
  const kindOf = (name: string) => SPECS.find((s) => s.name === name)?.kind ?? 'valid';
  const sum = (kind: string, field: 'sent' | 'ok' | 'failed') =>
    all.filter(([name]) => kindOf(name) === kind).reduce((s, [, t]) => s + t[field], 0);
  const total = summarize(latencies);
  const verdict = rssVerdict(rss);
  const validFailed = sum('valid', 'failed');
  const invalidFailed = sum('invalid', 'failed');
  const problems = [
    validFailed > 0 ? `${validFailed} valid requests did not get their 2xx answer` : '',
    invalidFailed > 0 ? `${invalidFailed} must-fail requests did not get their 4xx answer` : '',
    verdict.growing ? `RSS kept growing: ${fmt(verdict.slopeAfterWarmup)} MB/min after warm-up` : '',
    stop.code !== 0 ? `the server exited ${stop.code} on SIGTERM` : '',
    logged.secrets > 0 ? `${logged.secrets} log lines contain the password or the Authorization value` : '',
  ].filter((p) => p !== '');

  const row = (name: string, s: LatencySummary) =>
    `| ${name} | ${s.count} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.p99)} | ${fmt(s.p999)} | ${fmt(s.max)} |`;
  const report = [
    `## Soak run: ${new Date().toISOString()}`,
    '',
    `- ${SECONDS} s, ${CONNECTIONS} concurrent keep-alive clients, seed ${SEED}; server: \`node dist/process/server.js\` with basic auth, default limits, log level info (to a file).`,
    `- Machine: ${load.cores} cores; load average (1/5/15 min) ${load.start.map((l) => fmt(l, 2)).join(' / ')} at the start, ${loadEnd.map((l) => fmt(l, 2)).join(' / ')} at the end (client and server share the machine).`,
    `- Requests: ${sum('valid', 'sent') + sum('invalid', 'sent') + sum('abort', 'sent')} in all (${fmt((sum('valid', 'sent') + sum('invalid', 'sent') + sum('abort', 'sent')) / SECONDS, 0)}/s): ${sum('valid', 'sent')} valid, ${sum('invalid', 'sent')} must-fail, ${sum('abort', 'sent')} cancelled mid-flight.`,
    `- **Valid requests without their 2xx answer: ${validFailed}.** Must-fail requests without their 4xx: ${invalidFailed}.`,
    `- Reloads: ${reloads} SIGHUPs (${brokenReloads} with a broken file); the log shows ${logged.reloaded} reloads and ${logged.reloadFailed} refused ones.`,
    `- Shutdown: SIGTERM → exit ${stop.code} after ${stop.ms} ms; log: ${logged.lines} lines, ${logged.requests} request lines, ${logged.secrets} with a secret, "stopped" ${logged.stopped ? 'logged' : 'missing'}.`,
    '',
    '### Latency of valid requests (ms)',
    '',
    '| window | count | p50 | p90 | p99 | p99.9 | max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('whole run', total),
    ...windows.filter((w) => w.latencies.length > 0).map((w) => row(`from ${w.t} s`, summarize(w.latencies))),
    '',
    '### Requests by kind',
    '',
    '| request | kind | sent | as expected | not | errors |',
    '| --- | --- | --- | --- | --- | --- |',
    ...all.map(
      ([name, t]) =>
        `| ${name} | ${kindOf(name)} | ${t.sent} | ${t.ok} | ${t.failed} | ${[...t.errors].map(([e, n]) => `${e} ×${n}`).join('; ')} |`,
    ),
    '',
    '### Server RSS (MB)',
    '',
    `Warm-up (first quarter) left out: ${fmt(verdict.warmupMb)} MB after it, peak ${fmt(verdict.peakMb)}, final ${fmt(verdict.finalMb)}; slope after warm-up ${fmt(verdict.slopeAfterWarmup, 2)} MB/min → ${verdict.growing ? '**growing**' : 'bounded'}.`,
    '',
    '| t (s) | ' +
      rss
        .filter((_, i) => i % 3 === 0 || i === rss.length - 1)
        .map((s) => s.t)
        .join(' | ') +
      ' |',
    '| --- | ' +
      rss
        .filter((_, i) => i % 3 === 0 || i === rss.length - 1)
        .map(() => '---')
        .join(' | ') +
      ' |',
    '| RSS | ' +
      rss
        .filter((_, i) => i % 3 === 0 || i === rss.length - 1)
        .map((s) => fmt(s.rssMb))
        .join(' | ') +
      ' |',
    '',
    problems.length === 0 ? 'Verdict: **pass**.' : `Verdict: **fail**: ${problems.join('; ')}.`,
    '',
  ].join('\n');
  mkdirSync(join(ROOT, '.soak-tmp'), { recursive: true });
  writeFileSync(join(ROOT, '.soak-tmp', 'report.md'), report);
  console.log(report);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('soak failed:', err);
    process.exit(1);
  },
);
