import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/process/app';
import type { Registry } from '../../src/registry/registry';
import { fixedClock } from '../../src/time/clock';
import * as failingSource from '../../docs/examples/failing-source';
import * as longRows from '../../docs/examples/long-rows';
import * as preparedReader from '../../docs/examples/prepared-reader';
import * as provider from '../../docs/examples/provider';
import * as seriesFunction from '../../docs/examples/series-function';

const MODULES: Readonly<Record<string, { createRegistry: () => Registry }>> = {
  'docs/examples/failing-source.ts': failingSource,
  'docs/examples/long-rows.ts': longRows,
  'docs/examples/prepared-reader.ts': preparedReader,
  'docs/examples/provider.ts': provider,
  'docs/examples/series-function.ts': seriesFunction,
};

/**
 * docs/sources.md shows the example files of docs/examples/ (a ```ts block starting with the file's
 * path comment must be the file, byte for byte), each followed by requests (```json POST /path) and the
 * answers printed under them (```json answer), which an app serving the example must give exactly.
 */
const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'sources.md'), 'utf8');
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

interface Block {
  readonly info: string;
  readonly text: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    out.push({ info: (m[1] ?? '').trim(), text: m[2] ?? '' });
  }
  return out;
}

interface Example {
  readonly file: string;
  readonly code: string;
  readonly exchanges: Array<{ path: string; body: string; answer: string }>;
}

function examples(): Example[] {
  const out: Example[] = [];
  const list = blocks(DOC);
  list.forEach((block, i) => {
    const file = /^\/\/ (docs\/examples\/[\w-]+\.ts)\n/.exec(block.text)?.[1];
    if (block.info === 'ts' && file !== undefined) {
      out.push({ file, code: block.text, exchanges: [] });
      return;
    }
    const post = /^json POST (\/[\w-]+)$/.exec(block.info);
    if (post === null) return;
    const next = list[i + 1];
    const current = out[out.length - 1];
    if (current === undefined || next?.info !== 'json answer') {
      throw new Error(
        `docs/sources.md: request ${block.info} needs an example before it and an answer after it`,
      );
    }
    current.exchanges.push({ path: post[1] as string, body: block.text, answer: next.text });
  });
  return out;
}

const EXAMPLES = examples();

describe('docs/sources.md examples', () => {
  it('shows every file of docs/examples, each with at least one request', () => {
    const files = readdirSync(join(ROOT, 'docs', 'examples')).map((f) => `docs/examples/${f}`);
    expect(EXAMPLES.map((e) => e.file).sort()).toEqual(files.sort());
    expect(Object.keys(MODULES).sort()).toEqual(files.sort());
    for (const e of EXAMPLES)
      expect({ file: e.file, exchanges: e.exchanges.length > 0 }).toEqual({ file: e.file, exchanges: true });
  });

  describe.each(EXAMPLES.map((e) => [e.file, e] as const))('%s', (file, example) => {
    it('is shown exactly as the file holds it', () => {
      expect(example.code).toBe(readFileSync(join(ROOT, file), 'utf8'));
    });

    it.each(example.exchanges.map((x, i) => [i, x] as const))(
      'answers request %i as printed',
      async (_i, x) => {
        const { createRegistry } = MODULES[file] as { createRegistry: () => Registry };
        const logger = { error: () => undefined };
        const app = createApp({ registry: createRegistry(), clock: fixedClock(NOW), logger });
        const res = await request(app)
          .post(x.path)
          .send(JSON.parse(x.body) as object);
        expect(res.body).toEqual(JSON.parse(x.answer));
      },
    );
  });
});
