import { Registry } from '../registry/registry';
import { familyPrefix, metricFamilies, resolveNames, selectMetrics } from './selection';

describe('familyPrefix', () => {
  it.each<[string, string | undefined]>([
    ['temperature.*', 'temperature.'],
    ['a.b.*', 'a.b.'],
    ['.*', '.'],
    // Grafana's regex formatter applied to a variable holding a family id.
    ['temperature\\.\\*', 'temperature.'],
    ['a\\.b\\.\\*', 'a.b.'],
    // Not families: regexes, partly escaped forms, no dot before the star.
    ['temperature*', undefined],
    ['temp.+', undefined],
    ['(a|b).*', undefined],
    ['a\\.b.*', undefined],
    ['temperature\\.*', undefined],
    ['temperature.Berlin', undefined],
    ['/^temp/', undefined],
  ])('%j → %j', (target, expected) => {
    expect(familyPrefix(target)).toBe(expected);
  });
});

describe('metricFamilies', () => {
  it('lists each dotted prefix shared by two or more names, by first member, outer first', () => {
    expect(metricFamilies(['x', 'a.b.c', 'q.1', 'a.b.d', 'a.e', 'q.2', 'lone.one', 'trailing.'])).toEqual([
      { id: 'a.*', prefix: 'a.', members: ['a.b.c', 'a.b.d', 'a.e'] },
      { id: 'a.b.*', prefix: 'a.b.', members: ['a.b.c', 'a.b.d'] },
      { id: 'q.*', prefix: 'q.', members: ['q.1', 'q.2'] },
    ]);
  });

  it('has none for names without shared prefixes', () => {
    expect(metricFamilies(['upper_25', 'upper_50', 'a.x'])).toEqual([]);
  });
});

describe('resolveNames', () => {
  const names = ['temperature.Berlin', 'temperatures', 'temperature.Paris', 'cpu'];

  it.each<[string, string[]]>([
    ['temperature.*', ['temperature.Berlin', 'temperature.Paris']],
    ['temperature\\.\\*', ['temperature.Berlin', 'temperature.Paris']],
    // Anything else resolves as before: the regex reading of `temperature*` includes `temperatures`.
    ['temperature.+', ['temperature.Berlin', 'temperatures', 'temperature.Paris']],
    ['cpu', ['cpu']],
    // A family id whose prefix nothing has falls through to the regex reading.
    ['cp.*', ['cpu']],
  ])('%j → %j', (target, expected) => {
    expect(resolveNames(names, target)).toEqual(expected);
  });
});

describe('selectMetrics', () => {
  it('splits by kind, in registry order', () => {
    const r = new Registry();
    const source = {
      kind: 'generated' as const,
      generator: { type: 'constant' as const, step: 1000, value: 1 },
    };
    r.addTable({ name: 'x.table', columns: [{ text: 'a', type: 'string' }], rows: [] });
    r.addTimeSeries({ name: 'x.series', source });
    r.addTimeSeries({ name: 'y', source });
    const selection = selectMetrics(r, 'x.*');
    expect(selection.series.map((m) => m.name)).toEqual(['x.series']);
    expect(selection.tables.map((m) => m.name)).toEqual(['x.table']);
  });
});
