import { PatternError } from '../errors';
import {
  compileSafeRegex,
  compileSlashRegex,
  DEFAULT_MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
  parseSlashRegex,
  type SafeRegexOptions,
} from './saferegex';

/** The PatternError `fn` throws (fails the test when it throws nothing or something else). */
function patternError(fn: () => unknown): PatternError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatternError);
    return error as PatternError;
  }
  throw new Error('expected a PatternError');
}

describe('compileSafeRegex', () => {
  it.each<[string, SafeRegexOptions, string, boolean]>([
    ['web', {}, 'my-web-01', true],
    ['web', { anchored: true }, 'my-web-01', false],
    ['web.*', { anchored: true }, 'web-01', true],
    ['a|ab', { anchored: true }, 'ab', true],
    ['(a|b)', { anchored: true }, 'b', true],
    ['(a|b)', { anchored: true }, 'ab', false],
    ['web\\.01', { anchored: true }, 'web.01', true],
    ['web\\.01', { anchored: true }, 'webx01', false],
    ['a\\/b', { anchored: true }, 'a/b', true],
    ['WEB', { caseInsensitive: true }, 'web', true],
    ['WEB', {}, 'web', false],
    ['^b$', {}, 'a\nb', false],
    ['^b$', { multiline: true }, 'a\nb', true],
    ['a.b', {}, 'a\nb', false],
    ['a.b', { dotAll: true }, 'a\nb', true],
    ['', {}, 'anything', true],
    ['', { anchored: true }, '', true],
  ])('%p %p on %p → %p', (pattern, opts, input, expected) => {
    const re = compileSafeRegex(pattern, opts);
    expect(re.source).toBe(pattern);
    expect(re.test(input)).toBe(expected);
  });

  it.each([
    ['a(', /not a valid regular expression: missing closing \)/],
    ['[', /missing closing \]/],
    ['(a)\\1', /not a valid regular expression/],
    ['(?<=a)b', /not a valid regular expression/],
    ['a{2000}', /not a valid regular expression/],
  ])('rejects %p', (pattern, message) => {
    const error = patternError(() => compileSafeRegex(pattern, { field: 'target' }));
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`target: ${JSON.stringify(pattern)}`);
    expect(error.field).toBe('target');
    expect(error.code).toBe('INVALID_PATTERN');
    expect(error.statusCode).toBe(400);
  });

  it('refuses an unbalanced pattern instead of letting anchoring change its meaning', () => {
    // Pasted into ^(?:…)$ this would read ^(?:a)|(.*)$ and match everything.
    expect(() => compileSafeRegex('a)|(.*', { anchored: true })).toThrow(PatternError);
  });

  it('rejects patterns longer than the limit, with a shortened pattern in the message', () => {
    const long = 'x'.repeat(DEFAULT_MAX_PATTERN_LENGTH + 1);
    const error = patternError(() => compileSafeRegex(long, { field: 'filters[2].value' }));
    expect(error.message).toMatch(
      /^filters\[2\]\.value: pattern "x+"… \(257 characters\) is too long \(257 > 256/,
    );
    expect(error.message.length).toBeLessThan(200);
    expect(error.field).toBe('filters[2].value');
    expect(compileSafeRegex(long.slice(1)).test(long)).toBe(true);
  });

  it('honours maxLength', () => {
    expect(() => compileSafeRegex('abcd', { maxLength: 3 })).toThrow(/pattern "abcd" is too long \(4 > 3/);
    expect(compileSafeRegex('abc', { maxLength: 3 }).test('abc')).toBe(true);
  });

  it('rejects patterns that compile to too large a program', () => {
    const error = patternError(() => compileSafeRegex('.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}'));
    expect(error.message).toMatch(new RegExp(`too complex \\(\\d+ > ${MAX_PROGRAM_SIZE} instructions\\)`));
  });

  it('names a default field when none is given', () => {
    expect(() => compileSafeRegex('(')).toThrow(/^pattern: "\(" is not a valid regular expression/);
  });

  it.each([
    ['(a+)+$', `${'a'.repeat(50_000)}!`, false],
    ['(a|a)*b', 'a'.repeat(50_000), false],
    ['(x+x+)+y', 'x'.repeat(50_000), false],
  ])('answers hostile pattern %p in linear time', (pattern, input, expected) => {
    // A safety test, not a benchmark: a backtracking engine would not finish at all.
    for (const anchored of [false, true]) {
      const re = compileSafeRegex(pattern, { anchored });
      const started = performance.now();
      expect(re.test(input)).toBe(expected);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe('parseSlashRegex', () => {
  it.each<[string, { pattern: string; flags: string } | undefined]>([
    ['/web.*/', { pattern: 'web.*', flags: '' }],
    ['/web.*/i', { pattern: 'web.*', flags: 'i' }],
    ['/a/b/ims', { pattern: 'a/b', flags: 'ims' }],
    ['/a\\/b/', { pattern: 'a\\/b', flags: '' }],
    ['web', undefined],
    ['/', undefined],
    ['//', undefined],
    ['//i', undefined],
    ['/web', undefined],
    ['web/x/', undefined],
    ['', undefined],
  ])('%p → %p', (text, expected) => {
    expect(parseSlashRegex(text)).toEqual(expected);
  });

  it.each(['/a/g', '/a/x', '/a/ I', '/var/log/app'])('rejects the flags of %p', (text) => {
    const error = patternError(() => parseSlashRegex(text, 'target'));
    expect(error.message).toMatch(/^target: unsupported regex flag ".*" in .* \(use i, m or s\)$/);
    expect(error.field).toBe('target');
  });
});

describe('compileSlashRegex', () => {
  it.each([
    ['/WEB/i', 'my-web', true],
    ['/WEB/', 'my-web', false],
    ['/^b/m', 'a\nb', true],
    ['/a.b/s', 'a\nb', true],
  ])('%p on %p → %p', (text, input, expected) => {
    const parsed = parseSlashRegex(text);
    expect(parsed).toBeDefined();
    if (parsed !== undefined) expect(compileSlashRegex(parsed).test(input)).toBe(expected);
  });

  it('names the field in errors', () => {
    expect(() => compileSlashRegex({ pattern: '(', flags: '' }, { field: 'target' })).toThrow(/^target: /);
  });
});
