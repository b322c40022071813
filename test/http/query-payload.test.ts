import request from 'supertest';
import { body, FROM, HOUR } from '../helpers';
import { pluginApp, ROOM_START } from '../plugin-registry';

const ORDERS_COLUMNS = [
  { text: 'Time', type: 'time' },
  { text: 'City', type: 'string' },
  { text: 'qty', type: 'number' },
];

/** The four minutes of stored room points, asked for as one bucket unless a test says otherwise. */
const ROOM_RANGE = { from: ROOM_START, to: ROOM_START + 3 * 60_000 };

function query(targets: unknown[], extra: Record<string, unknown> = {}) {
  return request(pluginApp())
    .post('/query')
    .send({ range: ROOM_RANGE, intervalMs: 60_000, maxDataPoints: 1, targets, ...extra });
}

describe('POST /query with a payload, JSON data source 0.1-0.6.5', () => {
  it('0.6.0 builder: label selection on a family, aggregation override, a declared unit transform, frames and a filtered table', async () => {
    const res = await request(pluginApp())
      .post('/query')
      .send(body('simpod/query-0.6.0-builder.json'))
      .expect(200);
    expect(res.body).toEqual([
      // floor 2 of room.*: office and attic, reduced by max instead of their own avg and last.
      {
        target: 'room.office',
        refId: 'A',
        datapoints: [[20, ROOM_START]],
        tags: { room: 'office', floor: '2' },
        unit: 'celsius',
      },
      {
        target: 'room.attic',
        refId: 'A',
        datapoints: [[13, ROOM_START]],
        tags: { room: 'attic', floor: '2' },
      },
      // The kitchen's average 21.5 °C, in °F through its declared `unit` option, as a data frame.
      {
        refId: 'B',
        name: 'Kitchen',
        fields: [
          { name: 'Time', type: 'time', values: [ROOM_START] },
          {
            name: 'Value',
            type: 'number',
            values: [21.5 * 1.8 + 32],
            config: { displayNameFromDS: 'Kitchen', unit: 'fahrenheit' },
            labels: { room: 'kitchen', floor: '1' },
          },
        ],
      },
      // A table selected by a regex-interpolated multi-value variable: only 10:00 is in range.
      {
        type: 'table',
        refId: 'C',
        name: 'orders',
        columns: ORDERS_COLUMNS,
        rows: [[FROM + HOUR, 'Berlin', 3]],
      },
    ]);
  });

  it('0.3: a payload sent as JSON text', async () => {
    const res = await request(pluginApp())
      .post('/query')
      .send(body('simpod/query-0.3-payload-json.json'))
      .expect(200);
    expect(res.body).toEqual([
      {
        target: 'room.office',
        refId: 'A',
        datapoints: [[18, ROOM_START]],
        tags: { room: 'office', floor: '2' },
        unit: 'celsius',
      },
    ]);
  });

  it('0.1: the old `data` field selects, with `type: timeseries` and `type: table`', async () => {
    const res = await request(pluginApp())
      .post('/query')
      .send(body('simpod/query-0.1-data.json'))
      .expect(200);
    expect(res.body).toEqual([
      {
        target: 'Kitchen',
        refId: 'A',
        datapoints: [20, 21, 22, 23].map((v, i) => [v, ROOM_START + i * 60_000]),
        tags: { room: 'kitchen', floor: '1' },
        unit: 'celsius',
      },
      {
        type: 'table',
        refId: 'B',
        name: 'servers',
        columns: [
          { text: 'host', type: 'string' },
          { text: 'City', type: 'string' },
          { text: 'cores', type: 'number' },
          { text: 'healthy', type: 'boolean' },
        ],
        rows: [['web-01', 'Berlin', 8, true]],
      },
    ]);
  });

  it.each([
    ['avg', 19],
    ['min', 18],
    ['max', 20],
    ['sum', 57],
    ['last', 20],
    ['count', 3],
  ])('aggregation %s reduces the office bucket (a gap skipped) to %d', async (aggregation, value) => {
    const res = await query([{ refId: 'A', target: 'room.office', payload: { aggregation } }]).expect(200);
    expect(res.body[0].datapoints).toEqual([[value, ROOM_START]]);
  });

  it('the same payload in code mode: numbers and booleans as text, values OR-ed, keys AND-ed', async () => {
    const res = await query(
      [
        {
          refId: 'A',
          target: '/^room/',
          editorMode: 'code',
          payload: { floor: 2, room: ['attic', 'kitchen'] },
        },
      ],
      { maxDataPoints: 10 },
    ).expect(200);
    expect(res.body.map((s: { target: string }) => s.target)).toEqual(['room.attic']);
  });

  it('a selector leaves out series without the label; ad hoc filters still apply on top', async () => {
    const res = await query([{ refId: 'A', target: '/^(room|cpu)/', payload: { floor: ['1', '2'] } }], {
      filters: [{ key: 'room', operator: '!=', value: 'office' }],
    }).expect(200);
    expect(res.body.map((s: { target: string }) => s.target)).toEqual(['Kitchen', 'room.attic']);
  });

  it('a payload key the metric does not know is ignored (the builder keeps it after a metric switch)', async () => {
    const res = await query([
      { refId: 'A', target: 'room.attic', payload: { City: 'Berlin', host: ['x'] } },
    ]).expect(200);
    expect(res.body).toEqual([
      {
        target: 'room.attic',
        refId: 'A',
        datapoints: [[13, ROOM_START]],
        tags: { room: 'attic', floor: '2' },
      },
    ]);
  });

  it('a table without a selecting column is left out; the others keep the rows whose cell is chosen', async () => {
    const res = await query([{ refId: 'A', target: '/^(orders|servers)$/', payload: { cores: 8 } }]).expect(
      200,
    );
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'A',
        name: 'servers',
        columns: [
          { text: 'host', type: 'string' },
          { text: 'City', type: 'string' },
          { text: 'cores', type: 'number' },
          { text: 'healthy', type: 'boolean' },
        ],
        rows: [['web-01', 'Berlin', 8, true]],
      },
    ]);
  });

  it('legacy 1.4: a family target, narrowed by an ad hoc filter (the legacy client sends no payload)', async () => {
    const res = await request(pluginApp())
      .post('/query')
      .send({
        ...body('legacy/query-timeserie.json'),
        range: { from: '2024-05-14T10:00:00.000Z', to: '2024-05-14T10:03:00.000Z' },
        targets: [{ target: 'room.*', refId: 'A', type: 'timeserie' }],
        adhocFilters: [{ key: 'floor', operator: '=', value: '2' }],
      })
      .expect(200);
    expect(res.body).toEqual([
      {
        target: 'room.office',
        refId: 'A',
        datapoints: [18, null, 19, 20].map((v, i) => [v, ROOM_START + i * 60_000]),
        tags: { room: 'office', floor: '2' },
        unit: 'celsius',
      },
      {
        target: 'room.attic',
        refId: 'A',
        datapoints: [10, 11, 12, 13].map((v, i) => [v, ROOM_START + i * 60_000]),
        tags: { room: 'attic', floor: '2' },
      },
    ]);
  });

  it('a family whose selection keeps nothing answers [] for that target, not an error', async () => {
    const res = await query([{ refId: 'A', target: 'room.*', payload: { room: 'cellar' } }]).expect(200);
    expect(res.body).toEqual([]);
  });

  it('the family form Grafana escapes a variable value into (`room\\.\\*`) names the same family', async () => {
    const res = await query([{ refId: 'A', target: 'room\\.\\*', payload: { room: 'attic' } }]).expect(200);
    expect(res.body.map((s: { target: string }) => s.target)).toEqual(['room.attic']);
  });

  it('a target-level `format: frames` answers tables as one typed field per column', async () => {
    const res = await query([{ refId: 'T', target: 'servers', format: 'frames' }]).expect(200);
    expect(res.body).toEqual([
      {
        refId: 'T',
        name: 'servers',
        fields: [
          { name: 'host', type: 'string', values: ['web-01', 'web-02'] },
          { name: 'City', type: 'string', values: ['Berlin', 'Paris'] },
          { name: 'cores', type: 'number', values: [8, 4] },
          { name: 'healthy', type: 'boolean', values: [true, false] },
        ],
      },
    ]);
  });

  it('payload format wins over the target format; gaps are null in frames', async () => {
    const res = await query(
      [{ refId: 'A', target: 'room.office', format: 'table', payload: { format: 'frames' } }],
      {
        maxDataPoints: 10,
      },
    ).expect(200);
    expect(res.body).toEqual([
      {
        refId: 'A',
        name: 'room.office',
        fields: [
          { name: 'Time', type: 'time', values: [0, 1, 2, 3].map((i) => ROOM_START + i * 60_000) },
          {
            name: 'Value',
            type: 'number',
            values: [18, null, 19, 20],
            config: { displayNameFromDS: 'room.office', unit: 'celsius' },
            labels: { room: 'office', floor: '2' },
          },
        ],
      },
    ]);
  });

  it('payload format table turns the selected series into one table, transformed values included', async () => {
    const res = await query(
      [{ refId: 'A', target: 'room.*', payload: { floor: '1', format: 'table', unit: 'fahrenheit' } }],
      { maxDataPoints: 10 },
    ).expect(200);
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'A',
        name: 'room.*',
        columns: [
          { text: 'Time', type: 'time' },
          { text: 'Metric', type: 'string' },
          { text: 'room', type: 'string' },
          { text: 'floor', type: 'string' },
          { text: 'Value', type: 'number' },
        ],
        rows: [20, 21, 22, 23].map((v, i) => [
          ROOM_START + i * 60_000,
          'Kitchen',
          'kitchen',
          '1',
          v * 1.8 + 32,
        ]),
      },
    ]);
  });

  it('an unknown target next to a known one gets a warning frame when frames were asked for', async () => {
    const res = await query([
      { refId: 'A', target: 'room.attic' },
      { refId: 'B', target: 'nope', format: 'frames' },
    ]).expect(200);
    expect(res.body[1]).toEqual({
      refId: 'B',
      name: 'nope',
      fields: [
        { name: 'Time', type: 'time', values: [] },
        { name: 'Value', type: 'number', values: [], config: { displayNameFromDS: 'nope' } },
      ],
      meta: { notices: [{ severity: 'warning', text: 'unknown metric "nope"' }] },
    });
  });
});
