import request from 'supertest';
import { body } from '../helpers';
import { pluginApp } from '../plugin-registry';

/** The shapes simpod's DataSource.listMetrics parses (docs/client-contract.md §3.4), as this server fills them. */
type Field = Record<string, unknown>;

const aggregation = (placeholder: string): Field => ({
  name: 'aggregation',
  label: 'Aggregation',
  type: 'select',
  placeholder,
  width: 24,
  options: ['avg', 'min', 'max', 'sum', 'last', 'count'].map((a) => ({ label: a, value: a })),
});
const seriesFormat: Field = {
  name: 'format',
  label: 'Format',
  type: 'select',
  placeholder: 'Time series (default)',
  width: 24,
  options: [
    { label: 'Time series', value: 'timeserie' },
    { label: 'Table', value: 'table' },
    { label: 'Data frames', value: 'frames' },
  ],
};
const tableFormat: Field = {
  name: 'format',
  label: 'Format',
  type: 'select',
  placeholder: 'Table (default)',
  width: 24,
  options: [
    { label: 'Table', value: 'table' },
    { label: 'Data frames', value: 'frames' },
  ],
};
const selector = (name: string): Field => ({
  name,
  label: name,
  type: 'multi-select',
  placeholder: 'any',
  width: 30,
});
/** The declared room fields as the client gets them: the °F transform stays on the server. */
const declared: Field[] = [
  {
    name: 'unit',
    label: 'Unit',
    type: 'select',
    placeholder: '°C',
    width: 20,
    options: [
      { label: '°C', value: 'celsius' },
      { label: '°F', value: 'fahrenheit' },
    ],
  },
  { name: 'note', label: 'note', type: 'textarea', placeholder: 'free text', reloadMetric: true },
];
const roomFamily = [
  ...declared,
  selector('room'),
  selector('floor'),
  aggregation('per-series default'),
  seriesFormat,
];

const LIST = [
  {
    value: 'temperature.*',
    label: 'temperature.* (2 metrics)',
    payloads: [selector('City'), selector('host'), aggregation('avg (default)'), seriesFormat],
  },
  {
    value: 'temperature.Berlin',
    label: 'Temperature Berlin',
    payloads: [aggregation('avg (default)'), seriesFormat],
  },
  {
    value: 'temperature.Paris',
    label: 'temperature.Paris',
    payloads: [aggregation('avg (default)'), seriesFormat],
  },
  { value: 'cpu.web-01', label: 'cpu.web-01', payloads: [aggregation('max (default)'), seriesFormat] },
  { value: 'stored.small', label: 'stored.small', payloads: [aggregation('avg (default)'), seriesFormat] },
  { value: 'orders', label: 'orders', payloads: [selector('City'), tableFormat] },
  {
    value: 'servers',
    label: 'servers',
    payloads: [selector('host'), selector('City'), selector('healthy'), tableFormat],
  },
  { value: 'room.*', label: 'room.* (3 metrics)', payloads: roomFamily },
  {
    value: 'room.kitchen',
    label: 'Kitchen',
    payloads: [...declared, aggregation('avg (default)'), seriesFormat],
  },
  {
    value: 'room.office',
    label: 'room.office',
    payloads: [...declared, aggregation('avg (default)'), seriesFormat],
  },
  { value: 'room.attic', label: 'room.attic', payloads: [aggregation('last (default)'), seriesFormat] },
  // Annotation sets after the metrics, marked so the builder (also the annotation editor) tells them apart.
  { value: 'deploys', label: 'deploys (annotations)', payloads: [] },
  { value: 'maintenance', label: 'maintenance (annotations)', payloads: [] },
];

describe('POST /metrics (JSON data source >= 0.6.0)', () => {
  it.each([
    ['0.6.0 code editor on load: {}', 'simpod/metrics-0.6.0-code.json'],
    ['0.6.0 builder on load: {payload: {}}', 'simpod/metrics-0.6.0-builder.json'],
    ['0.6.5 after a metric and payload were picked', 'simpod/metrics-0.6.5-selected.json'],
  ])('%s → every metric and family with its fields', async (_name, file) => {
    const res = await request(pluginApp()).post('/metrics').send(body(file)).expect(200);
    expect(res.body).toEqual(LIST);
  });

  it('a target the list lacks (a regex from code mode) gets an entry first, so the builder finds its fields', async () => {
    const res = await request(pluginApp())
      .post('/metrics')
      .send({ metric: '/^room/', payload: {} })
      .expect(200);
    expect(res.body).toEqual([
      { value: '/^room/', label: '/^room/ (3 metrics)', payloads: roomFamily },
      ...LIST,
    ]);
  });

  it.each([['/(/'], ['no.such.metric'], ['   ']])(
    'metric %j adds nothing and is no error',
    async (metric) => {
      const res = await request(pluginApp()).post('/metrics').send({ metric }).expect(200);
      expect(res.body).toEqual(LIST);
    },
  );
});

describe('POST /metric-payload-options (JSON data source >= 0.6.0)', () => {
  const options = (...values: string[]) => values.map((value) => ({ label: value, value }));

  it('0.6.0: the values of a label among the family', async () => {
    const res = await request(pluginApp())
      .post('/metric-payload-options')
      .send(body('simpod/metric-payload-options-0.6.0.json'))
      .expect(200);
    expect(res.body).toEqual(options('Berlin', 'Paris'));
  });

  it('0.6.5: narrowed by the other payload choices (City = Paris leaves one host)', async () => {
    const res = await request(pluginApp())
      .post('/metric-payload-options')
      .send(body('simpod/metric-payload-options-0.6.5.json'))
      .expect(200);
    expect(res.body).toEqual(options('web-02'));
  });

  it.each<[string, Record<string, unknown>, Array<{ label: string; value: string }>]>([
    [
      'aggregations',
      { metric: 'room.*', name: 'aggregation' },
      options('avg', 'min', 'max', 'sum', 'last', 'count'),
    ],
    [
      'formats of a series',
      { metric: 'room.kitchen', name: 'format' },
      [
        { label: 'Time series', value: 'timeserie' },
        { label: 'Table', value: 'table' },
        { label: 'Data frames', value: 'frames' },
      ],
    ],
    [
      'formats of a table',
      { metric: 'orders', name: 'format' },
      [
        { label: 'Table', value: 'table' },
        { label: 'Data frames', value: 'frames' },
      ],
    ],
    [
      'a declared select',
      { metric: 'room.kitchen', name: 'unit' },
      [
        { label: '°C', value: 'celsius' },
        { label: '°F', value: 'fahrenheit' },
      ],
    ],
    ['a declared textarea has none', { metric: 'room.kitchen', name: 'note' }, []],
    [
      'a label narrowed by another',
      { metric: 'room.*', payload: { floor: '2' }, name: 'room' },
      options('attic', 'office'),
    ],
    [
      'its own value does not narrow it',
      { metric: 'room.*', payload: { room: 'attic' }, name: 'room' },
      options('attic', 'kitchen', 'office'),
    ],
    [
      'a table column given another',
      { metric: 'servers', payload: { City: ['Berlin'] }, name: 'host' },
      options('web-01'),
    ],
    ['numbers in numeric order', { metric: 'servers', payload: {}, name: 'cores' }, options('4', '8')],
    [
      'payload as JSON text',
      { metric: 'room.*', payload: '{"floor": "1"}', name: 'room' },
      options('kitchen'),
    ],
    [
      'a variable target stands for every metric',
      { metric: '$metric', payload: {}, name: 'City' },
      options('Berlin', 'Paris'),
    ],
    ['so does an empty one', { metric: '', name: 'floor' }, options('1', '2')],
  ])('%s', async (_name, req, expected) => {
    const res = await request(pluginApp()).post('/metric-payload-options').send(req).expect(200);
    expect(res.body).toEqual(expected);
  });
});
