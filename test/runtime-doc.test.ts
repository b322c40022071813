import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { shellWords } from './support/doc-examples';

/**
 * The worked examples of the README and docs/runtime.md: each ```sh block that starts with a `# ` comment
 * and holds one curl command is a step, run in order against one server started with
 * `--admin-token s3cret` at a fixed "now". A step directly followed by a ```json block must answer JSON
 * holding it (every field printed is in the answer with that value; arrays have the printed length); a
 * step without one must answer 2xx with an empty body.
 */
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DOCS = ['README.md', join('docs', 'runtime.md')];

interface Step {
  readonly line: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly answer: string | undefined;
}

function parseStep(command: string, line: number, answer: string | undefined): Step {
  const words = shellWords(
    command
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
  );
  const at = words.indexOf('curl');
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = at + 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-s') continue;
    if (w === '-X') method = words[++i];
    else if (w === '-H') {
      const h = words[++i] as string;
      headers[h.slice(0, h.indexOf(':')).trim().toLowerCase()] = h.slice(h.indexOf(':') + 1).trim();
    } else if (w === '-d' || w === '--data-binary') body = words[++i];
    else if (w.startsWith('-'))
      throw new Error(`line ${line}: curl option ${w} is not understood by this test`);
    else url = w;
  }
  if (url === undefined) throw new Error(`line ${line}: no URL`);
  const parsed = new URL(`http://${url.replace(/^https?:\/\//, '')}`);
  if (body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded'; // what curl sends with -d
  }
  return {
    line,
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    path: parsed.pathname + parsed.search,
    headers,
    body,
    answer,
  };
}

function steps(markdown: string): Step[] {
  const blocks = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] as string,
    text: m[2] as string,
    start: m.index,
    end: m.index + m[0].length,
  }));
  const out: Step[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'sh' || !/^# /.test(b.text) || !/\bcurl\s/.test(b.text)) return;
    const next = blocks[i + 1];
    const follows =
      next !== undefined && next.lang === 'json' && markdown.slice(b.end, next.start).trim() === '';
    out.push(
      parseStep(b.text, markdown.slice(0, b.start).split('\n').length, follows ? next.text : undefined),
    );
  });
  return out;
}

describe.each(DOCS)('the worked example of %s', (doc) => {
  const list = steps(readFileSync(join(__dirname, '..', doc), 'utf8'));
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      clock: fixedClock(NOW),
      adminTokens: ['s3cret'],
      logger: { error: () => undefined },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('has steps', () => {
    expect(list.length).toBeGreaterThanOrEqual(doc === 'README.md' ? 7 : 1);
  });

  it.each(list.map((s) => [s.line, s] as const))(
    'step at line %i answers what is printed',
    async (_line, step) => {
      const res = await fetch(`${server.url}${step.path}`, {
        method: step.method,
        headers: step.headers,
        ...(step.body === undefined ? {} : { body: step.body }),
      });
      const text = await res.text();
      if (step.answer === undefined) {
        expect([res.status, text]).toEqual([expect.any(Number), '']);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(300);
        return;
      }
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toMatchObject(JSON.parse(step.answer) as object);
    },
  );
});
