/**
 * Hostile regexes: the classic catastrophic-backtracking patterns and random nests of quantifiers, in
 * every place a request can carry a regex, against subjects built to trigger backtracking (a metric name
 * and a label value that are long runs of `a`). The engine is linear-time (RE2), so each answer is a
 * quick 200 or 400, never a 5xx or a hang. The time bound below is a generous safety net for a busy
 * machine, not a performance claim (a backtracking engine takes minutes on these).
 */
import fc from 'fast-check';
import type { Express } from 'express';
import { expectSaneAnswer, expectStillServes, fuzzApp, postRaw } from './support';

const SAFETY_BOUND_MS = 2000;

const CLASSIC = [
  '(a+)+$',
  '(a|aa)+$',
  '(a*)*b',
  '(.*a){25}',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '(x+x+)+y',
  '(\\w+\\s?)*$',
  '((a{0,30}){0,30}){0,30}$',
  'a{1000}{1000}',
  '(a|a?)+b',
  '(?:a+){50}!',
  '(a)\\1',
  '(?=a)a',
];

/** Random nests of groups and quantifiers over atoms that all match `a`. */
const nested: fc.Arbitrary<string> = fc
  .letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', '.', '\\w', '[a-z]', 'a?', '(a|aa)'),
      fc
        .tuple(tie('expr'), fc.constantFrom('*', '+', '?', '{2,}', '{1,30}', '{0,100}'))
        .map(([e, q]) => `(${e})${q}`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a}${b}`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a}|${b})`),
    ),
  }))
  .expr.map((e) => `${e}$`);

/** Every place a request can carry a regex, as [path, body]. */
function placements(pattern: string): [string, unknown][] {
  const range = { from: '2024-05-14T09:00:00.000Z', to: '2024-05-14T15:00:00.000Z' };
  return [
    ['/query', { range, targets: [{ target: `/${pattern}/`, refId: 'A' }] }],
    [
      '/query',
      {
        range,
        targets: [{ target: 'a'.repeat(60), refId: 'A' }],
        adhocFilters: [{ key: 'host', operator: '=~', value: pattern }],
      },
    ],
    [
      '/query',
      { range, targets: [{ target: 'servers' }], filters: [{ key: 'host', operator: '!~', value: pattern }] },
    ],
    ['/search', { target: `/${pattern}/` }],
    ['/tag-values', { key: 'host', filters: [{ key: 'host', operator: '=~', value: pattern }] }],
    ['/annotations', { range, annotation: { query: pattern } }],
    // The JSON data source's own places: the builder's metric, and template-variable queries.
    ['/metrics', { metric: `/${pattern}/` }],
    ['/variable', { payload: { query: `metrics(/${pattern}/)` }, range }],
    ['/variable', { payload: { query: `label_values(/${pattern}/, host)` }, range }],
    ['/search', { target: `metrics(/${pattern}/)` }],
  ];
}

async function timedAnswer(app: Express, path: string, body: unknown): Promise<void> {
  const started = performance.now();
  const res = await postRaw(app, path, JSON.stringify(body));
  const ms = performance.now() - started;
  expectSaneAnswer(res);
  if (ms > SAFETY_BOUND_MS) throw new Error(`${path} took ${Math.round(ms)} ms for ${JSON.stringify(body)}`);
}

describe('fuzz: hostile regexes answer fast', () => {
  const app = fuzzApp();

  it.each(CLASSIC)('%s in every placement', async (pattern) => {
    for (const [path, body] of placements(pattern)) await timedAnswer(app, path, body);
    await expectStillServes(app);
  });

  it('random nests of quantifiers, in every placement', async () => {
    await fc.assert(
      fc.asyncProperty(nested, async (pattern) => {
        for (const [path, body] of placements(pattern)) await timedAnswer(app, path, body);
      }),
      { numRuns: 50 },
    );
    await expectStillServes(app);
  });

  it('a pattern over the length limit is refused up front with 400 INVALID_PATTERN', async () => {
    const res = await postRaw(app, '/search', JSON.stringify({ target: `/${'(a+)+'.repeat(60)}$/` }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_PATTERN');
    expect(res.body.message).toMatch(/is too long \(301 > 256 characters\)/);
  });
});
