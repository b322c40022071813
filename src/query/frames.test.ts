import { seriesFrame, tableFrame } from './frames';
import type { SeriesResult, TableResult } from './run';
import { serializeResults } from './serialize';

const series: SeriesResult = {
  kind: 'timeserie',
  refId: 'A',
  target: 'CPU',
  labels: { host: 'web-01' },
  unit: 'percent',
  points: { times: Float64Array.from([1000, 2000, 3000]), values: Float64Array.from([1.5, NaN, -0]) },
};

describe('data frames', () => {
  it('a series: Time and Value fields, gaps as null, labels and unit on the value field', () => {
    expect(seriesFrame(series)).toEqual({
      refId: 'A',
      name: 'CPU',
      fields: [
        { name: 'Time', type: 'time', values: [1000, 2000, 3000] },
        {
          name: 'Value',
          type: 'number',
          values: [1.5, null, -0],
          labels: { host: 'web-01' },
          config: { displayNameFromDS: 'CPU', unit: 'percent' },
        },
      ],
    });
  });

  it('a series without labels or unit leaves them out; a notice becomes meta.notices', () => {
    const frame = seriesFrame({ ...series, labels: {}, unit: undefined, notice: 'careful' });
    expect(frame.fields[1]).toEqual({
      name: 'Value',
      type: 'number',
      values: [1.5, null, -0],
      config: { displayNameFromDS: 'CPU' },
    });
    expect(frame.meta).toEqual({ notices: [{ severity: 'warning', text: 'careful' }] });
  });

  it('a table: one typed field per column, empty cells null', () => {
    const table: TableResult = {
      kind: 'table',
      refId: 'B',
      name: 'Servers',
      columns: [
        { text: 'at', type: 'time' },
        { text: 'host', type: 'string' },
        { text: 'ok', type: 'boolean' },
      ],
      rows: [
        [1000, 'a', true],
        [2000, null, false],
      ],
    };
    expect(tableFrame(table)).toEqual({
      refId: 'B',
      name: 'Servers',
      fields: [
        { name: 'at', type: 'time', values: [1000, 2000] },
        { name: 'host', type: 'string', values: ['a', null] },
        { name: 'ok', type: 'boolean', values: [true, false] },
      ],
    });
  });

  it('serializeResults answers a frame result as its frame, and leaves the other kinds as they were', () => {
    expect(serializeResults([{ kind: 'frame', source: series }, series])).toEqual([
      seriesFrame(series),
      {
        target: 'CPU',
        refId: 'A',
        datapoints: [
          [1.5, 1000],
          [null, 2000],
          [-0, 3000],
        ],
        tags: { host: 'web-01' },
        unit: 'percent',
      },
    ]);
  });
});
