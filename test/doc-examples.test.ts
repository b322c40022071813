import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { loadFixtures } from '../src/fixtures/load';
import { createApp } from '../src/process/app';
import { BUNDLED_FIXTURES } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { type DocExample, docExamples, docJson, styleOf, withAnswers } from './support/doc-examples';

/**
 * Every curl example of the README, docs/grafana-plugins.md and docs/sql.md, sent to the bundled demo at a fixed
 * "now", must answer exactly what the docs print under it. An answer printed as `[a, b, …]` is the
 * first elements of a longer array: the demo's answer must start with exactly those. `npm run docs:examples` (UPDATE_DOC_EXAMPLES=1)
 * writes the demo's answers into the docs instead, after a change of the demo or of an answer's shape.
 */
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DOCS = ['README.md', join('docs', 'grafana-plugins.md'), join('docs', 'sql.md')];
/** Fewest examples each document holds (a parser that finds none would pass every test). */
const AT_LEAST: Record<string, number> = {
  'README.md': 15,
  [join('docs', 'grafana-plugins.md')]: 20,
  [join('docs', 'sql.md')]: 1,
};
const UPDATE = process.env.UPDATE_DOC_EXAMPLES === '1';

/** A printed answer; `[a, b, …]` (an ellipsis as the last element) is abbreviated to its first elements. */
function printed(text: string): { value: unknown; abbreviated: boolean } {
  const trimmed = text.trim();
  const abbreviated = /,\s*…\s*\]$/.test(trimmed);
  // Only the last element may be an ellipsis; any other one makes the comparison fail (and is rewritten).
  const json = trimmed.replace(/,\s*…/g, '');
  return { value: JSON.parse(json) as unknown, abbreviated };
}

async function demoApp() {
  const clock = fixedClock(NOW);
  return createApp({ registry: await loadFixtures(BUNDLED_FIXTURES, { clock }), clock });
}

async function answer(app: Awaited<ReturnType<typeof demoApp>>, ex: DocExample): Promise<unknown> {
  const agent = request(app);
  let req = ex.method === 'GET' ? agent.get(ex.path) : agent.post(ex.path);
  // curl -d without -H sends a form content type; the server must read the JSON anyway.
  const headers =
    ex.body !== undefined && ex.headers['content-type'] === undefined
      ? { ...ex.headers, 'content-type': 'application/x-www-form-urlencoded' }
      : ex.headers;
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = await (ex.body === undefined ? req : req.send(ex.body));
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(res.text) as unknown;
}

describe.each(DOCS)('the curl examples of %s', (doc) => {
  const path = join(__dirname, '..', doc);
  const text = readFileSync(path, 'utf8');
  const examples = docExamples(text);

  it('are found (a sh block with one curl command, directly followed by a json block)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(AT_LEAST[doc] ?? 1);
  });

  if (UPDATE) {
    it('are rewritten with the demo answers', async () => {
      const app = await demoApp();
      const answers: string[] = [];
      for (const ex of examples) {
        const style = styleOf(ex.answer);
        const got = await answer(app, ex);
        const shown = printed(ex.answer);
        if (shown.abbreviated && Array.isArray(got)) {
          const head = docJson(got.slice(0, (shown.value as unknown[]).length), style).replace(/\n?\]$/, '');
          const more = style === 'pretty' ? ',\n  …\n]' : style === 'spaced' ? ', …]' : ',…]';
          answers.push(`${head}${more}\n`);
        } else answers.push(`${docJson(got, style)}\n`);
      }
      writeFileSync(path, withAnswers(text, examples, answers));
    });
    return;
  }

  it.each(examples.map((ex) => [`${doc}:${ex.line} ${ex.method} ${ex.path}`, ex]))(
    '%s answers what the docs print',
    async (_name, ex) => {
      const shown = printed((ex as DocExample).answer);
      const got = await answer(await demoApp(), ex as DocExample);
      if (!shown.abbreviated) expect(got).toEqual(shown.value);
      else {
        const head = shown.value as unknown[];
        expect(Array.isArray(got) && got.length > head.length).toBe(true);
        expect((got as unknown[]).slice(0, head.length)).toEqual(head);
      }
    },
  );
});
