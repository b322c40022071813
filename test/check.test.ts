import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_USAGE, runCheck } from '../src/process/check';
import { fixedClock } from '../src/time/clock';
import { ROOT, runBin } from './support/bin';

// Each run loads the TypeScript compiler in the child (about 3 s).
jest.setTimeout(60_000);

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### Checking fixtures'));

/** The fenced blocks of `lang` in the README's `check` section, in order. */
function blocks(lang: string): string[] {
  return [...SECTION.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
}

async function inProcess(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const code = await runCheck(args, {}, io, fixedClock(Date.UTC(2024, 4, 14, 12)));
  return { code, out: `${lines.join('\n')}\n` };
}

describe('README: simplejson-server check', () => {
  it('shows the commands and the exact output of both examples', async () => {
    const commands = blocks('sh').map((b) => b.trim().replace(/\s+#.*$/, ''));
    expect(commands.slice(0, 2)).toEqual([
      'npm run build && node dist/process/server.js check',
      'node dist/process/server.js check test/fixtures/bad/first-steps',
    ]);
    const [demo, broken] = blocks('text');
    expect(await inProcess([])).toEqual({ code: 0, out: demo });
    expect(await inProcess(['test/fixtures/bad/first-steps'])).toEqual({ code: 2, out: broken });
  });
});

describe('simplejson-server check (the real binary)', () => {
  it('lists the bundled demo and exits 0', async () => {
    const result = await runBin(['check']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Fixtures: the bundled demo (4 JSON files)',
      'Metrics (19):',
      '  timeseries  temperature.Berlin  generated (sine)',
      '  timeseries  temperature.Paris   generated (sine)',
    ]);
    expect(lines.slice(-5)).toEqual([
      'Databases (1):',
      '  home  sqlite    answers',
      'Warnings (0):',
      'OK: the fixtures load',
      '',
    ]);
  });

  it('prints every error with line and column, the did-you-mean and the ; hint, and exits 2', async () => {
    const result = await runBin(['check', join('test', 'fixtures', 'bad', 'first-steps')]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(blocks('text')[1]);
  });

  it('takes FIXTURES_DIR, reads ISO times without an offset as UTC whatever TZ says, and lists warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    try {
      writeFileSync(
        join(dir, 'a.json'),
        JSON.stringify({
          series: [
            {
              name: 'door',
              timeUnit: 's',
              points: [
                [1, 1715677200],
                [1, '2024-05-14T10:00:00'],
              ],
            },
          ],
        }),
      );
      writeFileSync(join(dir, 'stray.csv'), 'time,value\n');
      const result = await runBin(['check'], { FIXTURES_DIR: dir, TZ: 'Asia/Tokyo' });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toBe(
        [
          `Fixtures: ${dir} (1 JSON file)`,
          'Metrics (1):',
          '  timeseries  door  stored, 2 points, 2024-05-14T09:00:00.000Z .. 2024-05-14T10:00:00.000Z',
          'Annotation sets (0):',
          '1 time series, 0 tables, 0 annotation sets',
          'Warnings (1):',
          '  stray.csv is not read by any fixture file (name it in a "csv" key of a series or table)',
          'OK: the fixtures load',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help prints the check usage and exits 0; a bad option exits 2', async () => {
    const help = await runBin(['check', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: `${CHECK_USAGE}\n`, stderr: '' });
    const bad = await runBin(['check', 'a', 'b']);
    expect(bad).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'simplejson-server check: expected one directory, got 2\n(see simplejson-server check --help)\n',
    });
  });
});
