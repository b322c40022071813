import { ValidationError } from '../errors';
import { quoteKnownColumn, quoteName } from './identifiers';
import type { Dialect } from './types';

describe('identifiers', () => {
  it.each<[Dialect, string, string]>([
    ['postgres', 'room', '"room"'],
    ['postgres', 'a"b', '"a""b"'],
    ['sqlite', 'Temp °C', '"Temp °C"'],
    ['mysql', 'room', '`room`'],
    ['mysql', 'a`b"c', '`a``b"c`'],
  ])('%s quotes %s as %s', (dialect, name, quoted) => {
    expect(quoteName(dialect, name)).toBe(quoted);
  });

  it.each(['', 'a\0b'])('refuses %j', (name) => {
    expect(() => quoteName('postgres', name)).toThrow(ValidationError);
  });

  it('quotes a known column and refuses any other name, naming the field', () => {
    expect(quoteKnownColumn('postgres', 'room', ['time', 'room'])).toBe('"room"');
    expect(() => quoteKnownColumn('postgres', 'Room', ['time', 'room'])).toThrow(
      'column "Room" is not one of the query\'s columns ("time", "room")',
    );
    try {
      quoteKnownColumn('mysql', 'x; DROP TABLE t', ['room'], 'orderBy');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('orderBy');
    }
    expect.assertions(4);
  });
});
