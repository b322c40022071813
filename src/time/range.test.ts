import { AppError, TimeParseError } from '../errors';
import { fixedClock } from './clock';
import { resolveRange } from './range';

const at = (iso: string): number => new Date(iso).getTime();
const NOW = at('2024-05-14T09:30:00.000Z');
const clock = fixedClock(NOW);
const HOUR = 3_600_000;

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('resolveRange', () => {
  it('uses the absolute range Grafana sends', () => {
    const range = {
      from: '2024-05-14T03:00:00.000Z',
      to: '2024-05-14T09:00:00.000Z',
      raw: { from: 'now-1h', to: 'now' },
    };
    expect(resolveRange(range, { from: 'now-2h', to: 'now' }, clock)).toEqual({
      from: at('2024-05-14T03:00:00Z'),
      to: at('2024-05-14T09:00:00Z'),
    });
  });

  it.each<[string, Parameters<typeof resolveRange>[0], Parameters<typeof resolveRange>[1], number, number]>([
    ['range.raw', { raw: { from: 'now-1h', to: 'now' } }, undefined, NOW - HOUR, NOW],
    ['rangeRaw', undefined, { from: 'now-2h', to: 'now-1h' }, NOW - 2 * HOUR, NOW - HOUR],
    ['rangeRaw after an empty range', {}, { from: 'now-2h', to: 'now' }, NOW - 2 * HOUR, NOW],
    ['defaults', undefined, undefined, NOW - 6 * HOUR, NOW],
    ['defaults after empty objects', { raw: {} }, {}, NOW - 6 * HOUR, NOW],
    ['per bound', { from: '2024-05-14T08:00:00Z' }, { to: 'now' }, NOW - 1.5 * HOUR, NOW],
    [
      'null as absent',
      { from: null, to: null, raw: { from: 'now-1h', to: null } },
      { to: 'now-30m' },
      NOW - HOUR,
      NOW - HOUR / 2,
    ],
    ['epoch ms', { from: NOW - HOUR, to: String(NOW) }, undefined, NOW - HOUR, NOW],
  ])('falls back: %s', (_name, range, rangeRaw, from, to) => {
    expect(resolveRange(range, rangeRaw, clock)).toEqual({ from, to });
  });

  it('takes custom defaults', () => {
    expect(resolveRange(undefined, undefined, clock, { from: 'now-1d', to: 'now-1h' })).toEqual({
      from: NOW - 24 * HOUR,
      to: NOW - HOUR,
    });
  });

  it('rounds `to` up and `from` down (`now/d` covers the whole day)', () => {
    expect(resolveRange(undefined, { from: 'now/d', to: 'now/d' }, clock)).toEqual({
      from: at('2024-05-14T00:00:00.000Z'),
      to: at('2024-05-14T23:59:59.999Z'),
    });
  });

  it('reads the clock once, so now-6h..now is exactly 6 h', () => {
    let t = NOW;
    const ticking = () => {
      t += 1_000;
      return t;
    };
    const range = resolveRange(undefined, undefined, ticking);
    expect(range.to - range.from).toBe(6 * HOUR);
  });

  it('accepts an empty range (from === to)', () => {
    expect(resolveRange({ from: NOW, to: NOW }, undefined, clock)).toEqual({ from: NOW, to: NOW });
  });

  it.each<[string, Parameters<typeof resolveRange>[0], Parameters<typeof resolveRange>[1], string]>([
    ['range.from', { from: 'yesterday', to: 'now' }, undefined, 'range.from'],
    ['range.to', { from: 'now-1h', to: true }, undefined, 'range.to'],
    ['range.raw.from', { raw: { from: 'now-1x', to: 'now' } }, undefined, 'range.raw.from'],
    ['range.raw.to', { raw: { from: 'now-1h', to: {} } }, undefined, 'range.raw.to'],
    ['rangeRaw.from', undefined, { from: '2024-02-30', to: 'now' }, 'rangeRaw.from'],
    ['rangeRaw.to', undefined, { from: 'now-1h', to: '' }, 'rangeRaw.to'],
    // A bad value is an error, not a reason to fall back to the next source.
    ['no fallback past a bad value', { from: 'bad' }, { from: 'now-1h' }, 'range.from'],
  ])('names the failing field: %s', (_name, range, rangeRaw, field) => {
    const error = thrown(() => resolveRange(range, rangeRaw, clock));
    expect(error).toBeInstanceOf(TimeParseError);
    expect(error.code).toBe('INVALID_TIME');
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: cannot parse `)).toBe(true);
  });

  it('names a bad default', () => {
    const error = thrown(() => resolveRange(undefined, undefined, clock, { from: 'soon', to: 'now' }));
    expect(error.field).toBe('defaults.from');
  });

  it('refuses from > to with INVALID_RANGE and both instants in ISO', () => {
    const error = thrown(() =>
      resolveRange({ from: '2024-05-14T10:00:00Z', to: '2024-05-14T09:00:00Z' }, undefined, clock),
    );
    expect(error).not.toBeInstanceOf(TimeParseError);
    expect(error.code).toBe('INVALID_RANGE');
    expect(error.statusCode).toBe(400);
    expect(error.field).toBe('range');
    expect(error.message).toBe(
      'range.from (2024-05-14T10:00:00.000Z) is after range.to (2024-05-14T09:00:00.000Z)',
    );
  });

  it('names the fields the inverted bounds came from', () => {
    const error = thrown(() => resolveRange(undefined, { from: 'now', to: 'now-1h' }, clock));
    expect(error.code).toBe('INVALID_RANGE');
    expect(error.message).toBe(
      'rangeRaw.from (2024-05-14T09:30:00.000Z) is after rangeRaw.to (2024-05-14T08:30:00.000Z)',
    );
  });
});
