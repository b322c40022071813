import { AppError } from '../errors';
import { type JournalFilter, RequestJournal } from './journal';

function refusal(fn: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
  throw new Error('accepted');
}

describe('RequestJournal', () => {
  it('starts empty with the defaults', () => {
    const journal = new RequestJournal({ clock: () => 0 });
    expect([journal.size, journal.bytes, journal.list(), journal.clear()]).toEqual([0, 0, [], 0]);
  });

  it.each<[string, { maxEntries?: number; maxBytes?: number }, string, string]>([
    ['no entries', { maxEntries: 0 }, 'maxEntries', 'maxEntries must be a positive integer, got 0'],
    [
      'fractional entries',
      { maxEntries: 1.5 },
      'maxEntries',
      'maxEntries must be a positive integer, got 1.5',
    ],
    ['no bytes', { maxBytes: -1 }, 'maxBytes', 'maxBytes must be a positive integer, got -1'],
  ])('refuses %s', (_name, options, field, message) => {
    expect(refusal(() => new RequestJournal({ clock: () => 0, ...options }))).toEqual({
      code: 'INVALID_BODY',
      field,
      message,
    });
  });

  it.each<[string, unknown, string, string]>([
    ['a negative limit', { limit: -1 }, 'limit', 'limit must be an integer of 0 or more, got -1'],
    ['a fractional limit', { limit: 0.5 }, 'limit', 'limit must be an integer of 0 or more, got 0.5'],
    [
      'a since that is no number',
      { since: 'yesterday' },
      'since',
      'since must be epoch milliseconds, got yesterday',
    ],
    ['an until of NaN', { until: Number.NaN }, 'until', 'until must be epoch milliseconds, got NaN'],
    ['a path that is no string', { path: 1 }, 'path', 'path must be a string'],
    ['a method that is no string', { method: ['GET'] }, 'method', 'method must be a string'],
  ])('refuses a filter with %s', (_name, filter, field, message) => {
    const journal = new RequestJournal({ clock: () => 0 });
    expect(refusal(() => journal.list(filter as JournalFilter))).toEqual({
      code: 'INVALID_BODY',
      field,
      message,
    });
  });
});
