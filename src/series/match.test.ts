import { PatternError } from '../errors';
import { alternativesOf, matchTarget, searchNames, unescapeRegex } from './match';

const NAMES = [
  'web.01',
  'web.02',
  'webx01',
  'db.01',
  'upper_50',
  'upper_75',
  'a+b',
  '/var/log',
  'Web.03',
  'web.01',
];

describe('unescapeRegex', () => {
  it.each([
    ['web\\.01', 'web.01'],
    ['\\\\', '\\'],
    ['\\^\\$\\*\\+\\?\\.\\(\\)\\|\\[\\]\\{\\}\\/', '^$*+?.()|[]{}/'],
    ['\\\\.', '\\.'],
    ['\\d\\w', '\\d\\w'],
    ['plain', 'plain'],
    ['trailing\\', 'trailing\\'],
  ])('%p → %p', (text, expected) => {
    expect(unescapeRegex(text)).toBe(expected);
  });
});

describe('alternativesOf', () => {
  it.each<[string, string[]]>([
    // Grafana's multi-value form: one group spanning the target, split at its top-level `|`.
    ['(a|b)', ['a', 'b']],
    ['(web\\.01|web\\.02|db\\.01)', ['web\\.01', 'web\\.02', 'db\\.01']],
    ['(temperature\\.\\*|temperature\\.Berlin)', ['temperature\\.\\*', 'temperature\\.Berlin']],
    ['(a\\|b|c)', ['a\\|b', 'c']],
    ['(a\\(|b\\))', ['a\\(', 'b\\)']],
    ['(a(b|c)|d)', ['a(b|c)', 'd']],
    ['([|(]x|y)', ['[|(]x', 'y']],
    ['([]|]x|y)', ['[]|]x', 'y']],
    ['([^]|]x|y)', ['[^]|]x', 'y']],
    ['(a|)', ['a', '']],
    // One alternative: the target itself.
    ['a|b', ['a|b']],
    ['(a)', ['(a)']],
    ['(?:a|b)', ['(?:a|b)']],
    ['(?i)a|b', ['(?i)a|b']],
    ['(a|b)+', ['(a|b)+']],
    ['x(a|b)', ['x(a|b)']],
    ['(a)|(b)', ['(a)|(b)']],
    ['(a|b\\)', ['(a|b\\)']],
    ['((a|b)', ['((a|b)']],
    ['([a|b)', ['([a|b)']],
    ['()', ['()']],
    ['', ['']],
  ])('%p → %p', (target, expected) => {
    expect(alternativesOf(target)).toEqual(expected);
  });
});

describe('matchTarget', () => {
  it.each<[string, string, string[]]>([
    ['exact name', 'upper_50', ['upper_50']],
    ['exact name with regex characters', 'a+b', ['a+b']],
    ['exact name shaped like a /regex/', '/var/log', ['/var/log']],
    ['escaped single value', 'web\\.01', ['web.01']],
    ['multi value', '(web\\.01|web\\.02)', ['web.01', 'web.02']],
    ['multi value, order of names kept', '(web\\.02|web\\.01)', ['web.01', 'web.02']],
    ['plain alternation', '(upper_50|upper_75)', ['upper_50', 'upper_75']],
    [
      'custom all-value',
      '.*',
      ['web.01', 'web.02', 'webx01', 'db.01', 'upper_50', 'upper_75', 'a+b', '/var/log', 'Web.03'],
    ],
    ['anchored: no partial matches', 'upper', []],
    ['anchored: unescaped dot is a wildcard', 'web.01', ['web.01']],
    ['regex that matches nothing', 'nope.*', []],
    ['/regex/ searches unanchored', '/upper/', ['upper_50', 'upper_75']],
    ['/regex/i', '/^WEB\\./i', ['web.01', 'web.02', 'Web.03']],
    ['/regex/ without i is case-sensitive', '/^WEB/', []],
    ['invalid regex falls back to the unescaped literal', 'a\\+b(', []],
    ['empty target', '', []],
  ])('%s: %p', (_name, target, expected) => {
    expect(matchTarget(target, NAMES)).toEqual(expected);
  });

  it.each([
    ['an escaped literal with an unbalanced parenthesis', ['cpu(total'], 'cpu\\(total', ['cpu(total']],
    ['an unescaped odd literal', ['cpu(total', 'x'], 'cpu(total', ['cpu(total']],
    ['an invalid regex whose unescaped form is no name', ['cpu(total'], 'cpu\\(total(', []],
    ['a literal with a bracket', ['[x'], '\\[x', ['[x']],
    ['an invalid regex whose unescaped form is a name', ['a(b(?'], 'a\\(b(?', ['a(b(?']],
    ['an unbalanced literal unescaped', ['a)b'], 'a\\)b', ['a)b']],
  ])('%s', (_name, names, target, expected) => {
    expect(matchTarget(target, names)).toEqual(expected);
  });

  describe('a multi-value target: each alternative as it would resolve alone', () => {
    const names = [
      'temperature.Berlin',
      'temperatures',
      'temperature.Paris',
      'a+b',
      'ab',
      'aab',
      'c',
      'x(y',
      'a+{2,1}',
    ];
    it.each<[string, string, string[], boolean]>([
      ['families, escaped', '(temperature\\.\\*|c)', ['temperature.Berlin', 'temperature.Paris', 'c'], true],
      ['families, typed', '(temperature.*|c)', ['temperature.Berlin', 'temperature.Paris', 'c'], true],
      [
        'family and its member once',
        '(temperature\\.\\*|temperature\\.Paris)',
        ['temperature.Berlin', 'temperature.Paris'],
        true,
      ],
      // Without family reading (label values) `temperature\.\*` is the regex "temperature." then "*".
      ['no family reading', '(temperature\\.\\*|c)', ['c'], false],
      [
        'no family reading, typed regex',
        '(temperature.*|c)',
        ['temperature.Berlin', 'temperatures', 'temperature.Paris', 'c'],
        false,
      ],
      // A name with regex characters is that name alone, as it is outside the group.
      ['a name with regex characters', '(a+b|c)', ['a+b', 'c'], false],
      ['its escaped form', '(a\\+b|c)', ['a+b', 'c'], false],
      ['a plain regex alternative', '(a+b.*|c)', ['ab', 'aab', 'c'], false],
      ['an invalid regex alternative is its unescaped literal', '(a{2,1}|c)', ['c'], false],
      ['an invalid regex alternative that unescapes to a name', '(a\\+{2,1}|c)', ['c', 'a+{2,1}'], false],
      ['an escaped literal alternative', '(x\\(y|c)', ['c', 'x(y'], false],
      // Unbalanced: no group, so the whole target is one odd literal.
      ['unbalanced', '(x(y|c)', [], false],
      ['nothing', '(nope|nada)', [], true],
      ['registry order, not alternative order', '(c|ab|a\\+b)', ['a+b', 'ab', 'c'], true],
    ])('%s: %p', (_name, target, expected, families) => {
      expect(matchTarget(target, names, { families })).toEqual(expected);
    });

    it('a /regex/ inside the group is no /regex/ (Grafana escapes `/` in values)', () => {
      expect(matchTarget('(/a/|c)', ['/a/', 'a', 'c'])).toEqual(['/a/', 'c']);
    });

    it('keeps the length cap on the whole target', () => {
      const target = `(${Array.from({ length: 30 }, (_, i) => `m${i}`).join('|')})`;
      expect(() => matchTarget(target, ['m1'], { maxPatternLength: 20 })).toThrow(/too long/);
      expect(matchTarget(target, ['m1', 'm29', 'm30'])).toEqual(['m1', 'm29']);
    });

    it('answers a hostile alternative quickly', () => {
      const hostile = [`${'a'.repeat(20_000)}!`];
      const started = performance.now();
      expect(matchTarget('((a+)+|(a|aa)+$)', hostile)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });

  it('falls back to the unescaped literal when the target does not compile', () => {
    // `\)` escapes, the lone `(` makes the regex invalid; the unescaped text is the name.
    expect(matchTarget('cpu\\)x(', ['cpu)x('])).toEqual(['cpu)x(']);
  });

  it.each(['/(/', '/a/g', '/var/lib/app'])('rejects the invalid /regex/ %p naming the target', (target) => {
    expect(() => matchTarget(target, NAMES)).toThrow(PatternError);
    try {
      matchTarget(target, NAMES);
    } catch (error) {
      expect((error as PatternError).field).toBe('target');
      expect((error as PatternError).message).toMatch(/^target: /);
    }
  });

  it('rejects a target longer than maxPatternLength unless it is a name', () => {
    expect(() => matchTarget('x'.repeat(11), NAMES, { maxPatternLength: 10 })).toThrow(/too long \(11 > 10/);
    expect(() => matchTarget('/x{11}/', NAMES, { maxPatternLength: 4 })).toThrow(PatternError);
    expect(matchTarget('x'.repeat(11), ['x'.repeat(11)], { maxPatternLength: 10 })).toEqual(['x'.repeat(11)]);
    expect(matchTarget('x'.repeat(10), NAMES, { maxPatternLength: 10 })).toEqual([]);
  });

  it('answers a hostile target quickly', () => {
    const names = [`${'a'.repeat(20_000)}!`];
    const started = performance.now();
    expect(matchTarget('(a+)+', names)).toEqual([]);
    expect(matchTarget('/(a+)+$/', names)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not mutate names', () => {
    const names = ['b', 'a'];
    matchTarget('.*', names);
    expect(names).toEqual(['b', 'a']);
  });
});

describe('searchNames', () => {
  it.each<[string, string, string[]]>([
    ['empty lists every name once', '', NAMES.slice(0, -1)],
    ['substring, ignoring case', 'WEB', ['web.01', 'web.02', 'webx01', 'Web.03']],
    ['substring with regex characters', '+b', ['a+b']],
    ['substring of a path', '/var/lo', ['/var/log']],
    ['escaped variable value', 'web\\.01', ['web.01']],
    ['multi value', '(db\\.01|upper_75)', ['db.01', 'upper_75']],
    ['an invalid regex still searches by substring', 'a+b(', []],
    ['/regex/', '/_\\d+$/', ['upper_50', 'upper_75']],
    ['/regex/i', '/^web\\.0[13]$/i', ['web.01', 'Web.03']],
    ['no match', 'zzz', []],
    [
      'multi value: each alternative by substring or regex',
      '(db\\.01|upper)',
      ['db.01', 'upper_50', 'upper_75'],
    ],
    ['multi value: an empty alternative adds nothing', '(db\\.01|)', ['db.01']],
    ['a family id without family reading is a regex', 'web\\.\\*', []],
  ])('%s: %p', (_name, query, expected) => {
    expect(searchNames(query, NAMES)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['web.*', ['web.01', 'web.02']],
    ['web\\.\\*', ['web.01', 'web.02']],
    ['(web\\.\\*|db\\.01)', ['web.01', 'web.02', 'db.01']],
    ['(web\\.\\*|upper)', ['web.01', 'web.02', 'upper_50', 'upper_75']],
    // A family id nothing has falls back to substring and regex.
    ['(zz\\.\\*|db)', ['db.01']],
  ])('with family reading %p → %p', (query, expected) => {
    expect(searchNames(query, NAMES, { families: true })).toEqual(expected);
  });

  it('rejects an invalid /regex/', () => {
    expect(() => searchNames('/(/', NAMES)).toThrow(PatternError);
  });

  it('searches by substring when the query is too long for a regex', () => {
    const name = `metric_${'x'.repeat(300)}`;
    expect(searchNames('x'.repeat(300), [name, 'other'])).toEqual([name]);
  });
});
