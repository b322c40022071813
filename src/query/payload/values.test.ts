import { PayloadError } from '../../errors';
import { payloadEntries, payloadString, payloadStrings } from './values';

describe('payload values', () => {
  it.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    ['', []],
    [[], []],
    ['a', ['a']],
    [
      ['a', '', 'b'],
      ['a', 'b'],
    ],
    [5, ['5']],
    [
      [true, 0],
      ['true', '0'],
    ],
  ])('payloadStrings(%j) → %j', (value, expected) => {
    expect(payloadStrings(value, 'p/x')).toEqual(expected);
  });

  it.each<[unknown, string]>([
    [{ a: 1 }, 'p/x must be a string or a list of strings, got {"a":1}'],
    [['a', ['b']], 'p/x/1 must be a string or a list of strings, got ["b"]'],
  ])('payloadStrings(%j) refuses it', (value, message) => {
    expect(() => payloadStrings(value, 'p/x')).toThrow(new PayloadError(message, 'p/x'));
  });

  it('payloadString: one value or none; a one-element list is one value', () => {
    expect(payloadString(['max'], 'p/a')).toBe('max');
    expect(payloadString('', 'p/a')).toBeUndefined();
    expect(() => payloadString(['a', 'b'], 'p/a')).toThrow('p/a takes one value, got ["a","b"]');
  });

  it('payloadEntries reads own keys only, `__proto__` included as a plain key', () => {
    const payload = JSON.parse('{"__proto__": "x", "a": 1}') as Record<string, unknown>;
    expect(payloadEntries(payload)).toEqual([
      ['__proto__', 'x'],
      ['a', 1],
    ]);
  });
});
