/**
 * A quick side-by-side of the SQL scenarios where the statement is cheap (1h and the 30d rollup), on
 * SQLite and PostgreSQL: ours (`/query` over HTTP, 4 closed-loop clients) against the floor (the bare
 * driver running the same expanded statement, as in sql.ts), interleaved round by round; medians. Not part
 * of `npm run bench`: for measuring one change to the SQL path at a time.
 *
 * Usage (after `tsc -p bench/tsconfig.json`): node .bench-tmp/build/bench/sql-ab.js
 *   [--seconds 3] [--rounds 3] [--engines sqlite,postgres] [--ranges 1h,30d] [--prof <file>]
 *   [--client cannon|http|fetch]
 * `--client` picks how ours is driven: autocannon (the default, as in bench/sql.ts), a closed loop over
 * node:http (sql-client.ts poster, the client before it) or one over fetch() (the client before that).
 * `--prof <file>` profiles our server's main thread into <file> (.cpuprofile, written as it stops).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Pool } from 'pg';
import { start } from './children';
import { median } from './drive';
import { cpuMs, processTree } from './proc';
import { linkDataFolders, repoRoot } from './paths';
import {
  body,
  closedLoop,
  fixture,
  floorOf,
  metricName,
  POOL,
  type Rate,
  SQL_RANGES,
  statementFor,
  tableFor,
} from './sql';
import { cannonLoop, poster } from './sql-client';
import { type Engine, postgresUrl, prepareSqlite, preparePostgres, QUERIES } from './sql-data';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    ranges: { type: 'string', default: '1h,30d' },
    prof: { type: 'string' },
    client: { type: 'string', default: 'cannon' },
  },
});

/** CPU ms per answer: our server's main thread, its SQLite workers, this process (the clients). */
interface Cpu {
  readonly server: number;
  /** Of which in the kernel. */
  readonly serverSystem: number;
  readonly workers: number;
  readonly clients: number;
  /** Share of the machine's CPU time that was busy during the run (every process, the databases too). */
  readonly machine: number;
}

/**
 * POSTs `body` with fetch() (`--client fetch`). A keep-alive connection the server closed while idle (after the long naive runs, say) can
 * fail as the request goes out, before any answer: that one request is sent again, once.
 */
async function post(url: string, body: string): Promise<Response> {
  const send = () => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  try {
    return await send();
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
    return send();
  }
}

/** System (kernel) CPU ms of one process so far, from /proc (CLK_TCK 100). */
function systemMs(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[12]) * 10;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1);
  const ticks = fields.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/** Runs `loop` and measures the CPU each side spent on it. */
async function measured(serverPid: number, loop: () => Promise<Rate>): Promise<{ rate: Rate; cpu: Cpu }> {
  const workers = processTree(serverPid).filter((pid) => pid !== serverPid);
  const server0 = cpuMs([serverPid]);
  const system0 = systemMs(serverPid);
  const workers0 = cpuMs(workers);
  const clients0 = process.cpuUsage();
  const machine0 = machineTicks();
  const rate = await loop();
  const machine1 = machineTicks();
  const clients = process.cpuUsage(clients0);
  const n = rate.answers;
  return {
    rate,
    cpu: {
      server: (cpuMs([serverPid]) - server0) / n,
      serverSystem: (systemMs(serverPid) - system0) / n,
      workers: (cpuMs(workers) - workers0) / n,
      clients: (clients.user + clients.system) / 1000 / n,
      machine: (machine1.busy - machine0.busy) / (machine1.total - machine0.total),
    },
  };
}

interface Case {
  readonly engine: Engine;
  readonly range: string;
  readonly ours: () => Promise<unknown>;
  readonly floor: () => Promise<unknown>;
  /** `--client cannon` (the default, as bench/sql.ts): one autocannon run. */
  readonly cannon: (() => Promise<Rate>) | undefined;
  readonly rates: Array<{ ours: Rate; floor: Rate; cpu: Cpu }>;
}

async function main(): Promise<void> {
  linkDataFolders();
  const plan = { seconds: Number(flags.seconds), minimum: 3, rounds: 1 };
  const dir = join(repoRoot(), '.bench-tmp', 'sql');
  const sqliteFile = join(dir, 'readings.db');
  prepareSqlite(sqliteFile);
  const pgUrl = await postgresUrl();
  if (pgUrl !== undefined) await preparePostgres(pgUrl);
  const fixtures = join(dir, 'fixtures-ab');
  mkdirSync(fixtures, { recursive: true });
  writeFileSync(join(fixtures, 'bench.json'), JSON.stringify(fixture(sqliteFile, pgUrl)));

  const profile = flags.prof === undefined ? [] : [resolve(flags.prof)];
  const server = await start<{ type: 'ready'; port: number }>(join(__dirname, 'sql-server.js'), [
    fixtures,
    ...profile,
  ]);
  const sqlite = new BetterSqlite3(sqliteFile, { readonly: true });
  const pg = pgUrl === undefined ? undefined : new Pool({ connectionString: pgUrl, max: POOL });
  const url = `http://127.0.0.1:${server.ready.port}/query`;
  const client = poster(POOL);
  const wanted = new Set((flags.ranges ?? '').split(','));
  const cases: Case[] = [];
  for (const engine of (flags.engines ?? '').split(',') as Engine[]) {
    if (engine === 'postgres' && pg === undefined) continue;
    for (const [range, spanMs] of SQL_RANGES) {
      if (!wanted.has(range)) continue;
      const table = tableFor('rollup', spanMs);
      const sql = table === 'readings_1h' ? QUERIES[engine].rollup : QUERIES[engine].raw;
      const text = body(metricName(engine, 'rollup'), spanMs);
      const ours =
        flags.client !== 'fetch'
          ? () => client.post(url, text)
          : async () => {
              const res = await post(url, text);
              const answer = await res.text();
              if (res.status !== 200)
                throw new Error(`${engine} ${range}: ${res.status} ${answer.slice(0, 300)}`);
            };
      const floor = floorOf(engine, statementFor(engine, sql, spanMs), sqlite, pg);
      await ours();
      const timed = performance.now();
      await ours();
      const warmMs = performance.now() - timed;
      await floor();
      const cannon = flags.client === 'cannon' ? () => cannonLoop(url, text, plan, POOL, warmMs) : undefined;
      cases.push({ engine, range, ours, floor, cannon, rates: [] });
    }
  }
  try {
    for (let round = 0; round < Number(flags.rounds); round++) {
      for (const c of cases) {
        const { rate: ours, cpu } = await measured(server.pid, () =>
          c.cannon === undefined ? closedLoop(c.ours, plan, POOL) : c.cannon(),
        );
        const floor = await closedLoop(c.floor, plan, c.engine === 'sqlite' ? 1 : POOL);
        c.rates.push({ ours, floor, cpu });
        console.log(
          `round ${round + 1} ${c.engine} ${c.range}: ours ${ours.rate.toFixed(1)}/s (p50 ${ours.p50.toFixed(1)} ms), floor ${floor.rate.toFixed(1)}/s, x${(ours.rate / floor.rate).toFixed(2)}; CPU ms/answer server ${cpu.server.toFixed(2)} (kernel ${cpu.serverSystem.toFixed(2)}), workers ${cpu.workers.toFixed(2)}, clients ${cpu.clients.toFixed(2)}; machine ${(cpu.machine * 100).toFixed(0)} % busy`,
        );
      }
    }
  } finally {
    sqlite.close();
    await pg?.end();
    client.close();
    await server.stop(30_000);
  }
  console.log(
    '\n| engine | range | ours /s | floor /s | ours ÷ floor (median of rounds) | ours p50 ms | CPU ms/answer: server / workers / clients |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const c of cases) {
    const ours = median(c.rates.map((r) => r.ours.rate));
    const floor = median(c.rates.map((r) => r.floor.rate));
    const ratio = median(c.rates.map((r) => r.ours.rate / r.floor.rate));
    const p50 = median(c.rates.map((r) => r.ours.p50));
    const cpu = (pick: (x: Cpu) => number) => median(c.rates.map((r) => pick(r.cpu))).toFixed(2);
    console.log(
      `| ${c.engine} | ${c.range} | ${ours.toFixed(1)} | ${floor.toFixed(1)} | ×${ratio.toFixed(2)} | ${p50.toFixed(1)} | ${cpu((x) => x.server)} / ${cpu((x) => x.workers)} / ${cpu((x) => x.clients)} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
