/**
 * Zone independence: the same inputs give the same instants whatever the host's time zone.
 *
 * Node on Linux honours a runtime change of process.env.TZ, but jest hands each test file a copy of
 * process.env, so assigning TZ here would never reach Node. The probe therefore runs in a child Node
 * process (loading the TypeScript sources through typescript's transpiler), which sets process.env.TZ to
 * each zone in turn, checks the zone really changed, and computes everything again.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];

const PROBE = `
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, filename) => {
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};
const { fixedClock } = require('./src/time/clock');
const { parseTime } = require('./src/time/parse');
const { resolveRange } = require('./src/time/range');
const { generate, generateBuckets } = require('./src/series/generators');

const at = (iso) => new Date(iso).getTime();
const INPUTS = ['2024-05-14', '2024-05-14T09:00:00', '2024-03-10T02:30:00', '2024-11-03T01:30', '2024-05-14T09:00:00+02:00',
  'now', 'now-6h', 'now-1M', 'now-1y', 'now/d', 'now-1d/d', 'now/w', 'now/M', 'now/y', 'now/d+8h'];
// Instants next to the DST changes of New York, and at a month end.
const CLOCKS = ['2024-03-10T06:30:00Z', '2024-11-03T05:30:00Z', '2024-03-31T23:45:00Z', '2024-05-14T09:30:00Z'];

function computeEverything() {
  const times = CLOCKS.flatMap((now) => INPUTS.flatMap((input) => [
    parseTime(input, fixedClock(at(now)), 'from'),
    parseTime(input, fixedClock(at(now)), 'to', { roundUp: true }),
  ]));
  const range = resolveRange(undefined, { from: 'now-1M/d', to: 'now/d' }, fixedClock(at(CLOCKS[0])));
  const walk = { type: 'randomWalk', step: 60000, seed: 7, start: 10, volatility: 1, min: 0, max: 20 };
  const sine = { type: 'sine', step: 60000, period: 86400000, amplitude: 2, offset: 1, phase: 0 };
  return {
    times,
    range,
    walk: Array.from(generate(walk, { from: range.to - 86400000, to: range.to }).values),
    sine: Array.from(generateBuckets(sine, range, 3600000, 'avg').values),
  };
}

const results = {};
for (const zone of JSON.parse(process.argv[1])) {
  process.env.TZ = zone;
  results[zone] = { offset: new Date(at('2024-05-14T09:30:00Z')).getTimezoneOffset(), result: computeEverything() };
}
process.stdout.write(JSON.stringify(results));
`;

interface ZoneResult {
  readonly offset: number;
  readonly result: unknown;
}

describe('zone independence', () => {
  let results: Record<string, ZoneResult>;

  beforeAll(() => {
    const child = spawnSync(process.execPath, ['-e', PROBE, JSON.stringify(ZONES)], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (child.status !== 0) throw new Error(`zone probe failed: ${child.stderr}`);
    results = JSON.parse(child.stdout) as Record<string, ZoneResult>;
  });

  it('the zone change really takes effect (otherwise this suite proves nothing)', () => {
    expect(Object.fromEntries(ZONES.map((zone) => [zone, results[zone]?.offset]))).toEqual({
      UTC: 0,
      'America/New_York': 240,
      'Asia/Kolkata': -330,
      'Pacific/Chatham': -765,
    });
  });

  it.each(ZONES.slice(1))('%s gives the same results as UTC', (zone) => {
    const utc = results.UTC?.result;
    expect(utc).toBeDefined();
    expect(results[zone]?.result).toEqual(utc);
  });
});
