import { familyPrefix, metricFamilies } from './family';

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
