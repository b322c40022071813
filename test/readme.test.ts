import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usage } from '../src/process/config';
import { loadFixtures } from '../src/fixtures/load';
import { fixedClock } from '../src/time/clock';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The first fenced block of `lang` after `heading`. */
function block(heading: string, lang: string): string {
  const section = README.slice(README.indexOf(heading));
  const match = section.match(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``));
  if (match?.[1] === undefined) throw new Error(`no ${lang} block after ${heading}`);
  return match[1];
}

describe('README', () => {
  it('the fixture example loads as written (with the demo CSV files beside it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-fixture-'));
    try {
      cpSync(join(__dirname, '..', 'fixtures', 'csv'), join(dir, 'csv'), { recursive: true });
      writeFileSync(join(dir, 'example.json'), block('## Fixtures', 'json'));
      const registry = await loadFixtures(dir, { clock: fixedClock(Date.UTC(2024, 4, 14, 12)) });
      expect(registry.names()).toEqual([
        'temperature.Berlin',
        'deploy_count',
        'humidity.Berlin',
        'servers',
        'cities',
      ]);
      expect(registry.annotationSets().map((s) => s.name)).toEqual(['deploys']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the quick start is two commands, and the test command is the one CI runs', () => {
    const quick = block('## Quick start', 'sh').trim().split('\n');
    expect(quick.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm start', 'npm test']);
    expect(readFileSync(join(__dirname, '..', '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});

describe('README configuration table', () => {
  it('lists every flag of `simplejson-server --help`', () => {
    const section = README.slice(README.indexOf('## Configuration'), README.indexOf('## Grafana set-up'));
    const documented = new Set([...section.matchAll(/^\| `--([a-z-]+)` \|/gm)].map((m) => m[1]));
    const flags = [...usage().matchAll(/^ {2}--([a-z-]+)/gm)]
      .map((m) => m[1])
      .filter((f) => f !== 'help' && f !== 'version');
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((f) => !documented.has(f))).toEqual([]);
  });
});
