import { Registry } from '../registry/registry';
import { resolveNames, selectMetrics } from './selection';

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
    // Multi-value variables: each value resolves as it would alone, the union in name order, each once.
    ['(temperature\\.\\*|temperature\\.Berlin)', ['temperature.Berlin', 'temperature.Paris']],
    ['(cpu|temperature\\.\\*)', ['temperature.Berlin', 'temperature.Paris', 'cpu']],
    ['(temperature\\.Paris|temperature\\.\\*)', ['temperature.Berlin', 'temperature.Paris']],
    // A family value among unknown ones still answers its members.
    ['(temperature\\.\\*|nosuch)', ['temperature.Berlin', 'temperature.Paris']],
    // A plain regex alternative keeps its regex reading (not a family: no dot before the star).
    ['(temperature.+|cpu)', ['temperature.Berlin', 'temperatures', 'temperature.Paris', 'cpu']],
    ['(cp.*|nosuch\\.\\*)', ['cpu']],
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
