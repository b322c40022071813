import request from 'supertest';
import { body, FROM, HOUR } from '../helpers';
import { pluginApp } from '../plugin-registry';

/** What simpod's VariableSupport reads as text/value pairs (docs/client-contract.md §3.5). */
const pairs = (...values: Array<string | [string, string]>) =>
  values.map((v) => (typeof v === 'string' ? { __text: v, __value: v } : { __text: v[0], __value: v[1] }));

const ALL_METRICS: Array<[string, string]> = [
  ['Temperature Berlin', 'temperature.Berlin'],
  ['temperature.Paris', 'temperature.Paris'],
  ['cpu.web-01', 'cpu.web-01'],
  ['stored.small', 'stored.small'],
  ['orders', 'orders'],
  ['servers', 'servers'],
  ['Kitchen', 'room.kitchen'],
  ['room.office', 'room.office'],
  ['room.attic', 'room.attic'],
];

describe('POST /variable (JSON data source >= 0.4)', () => {
  it('0.4: {payload: {target}, range} with label_values(key) → the label across every time series', async () => {
    const res = await request(pluginApp())
      .post('/variable')
      .send(body('simpod/variable-0.4.json'))
      .expect(200);
    expect(res.body).toEqual(pairs('Berlin', 'Paris'));
  });

  it('0.6.5 Raw JSON: the object the user wrote, read through `query`', async () => {
    const res = await request(pluginApp())
      .post('/variable')
      .send(body('simpod/variable-0.6.5-raw-json.json'))
      .expect(200);
    expect(res.body).toEqual(pairs('web-01', 'web-02'));
  });

  it.each<[string, string, ReturnType<typeof pairs>]>([
    ['metrics() lists every metric, its display name as text', 'metrics()', pairs(...ALL_METRICS)],
    [
      'metrics(text) keeps names containing it',
      'metrics(room)',
      pairs(['Kitchen', 'room.kitchen'], 'room.office', 'room.attic'),
    ],
    ['metrics(/regex/flags)', 'metrics(/^ROOM\\.(a|o)/i)', pairs('room.office', 'room.attic')],
    [
      'plain text is a metric search',
      'temperature',
      pairs(['Temperature Berlin', 'temperature.Berlin'], 'temperature.Paris'),
    ],
    ['an empty query lists every metric', '', pairs(...ALL_METRICS)],
    ['label_values(family, key)', 'label_values(room.*, floor)', pairs('1', '2')],
    [
      'label_values(metric, key) with a Grafana-escaped name',
      'label_values(room\\.kitchen, room)',
      pairs('kitchen'),
    ],
    ['label_values(/regex/, key)', 'label_values(/^room\\.(office|attic)$/, room)', pairs('attic', 'office')],
    ['label_values of a table column', 'label_values(servers, healthy)', pairs('false', 'true')],
    ['a key nothing has → no values', 'label_values(nope)', []],
    ['column_values in the range only', 'column_values(orders, City)', pairs('Berlin', 'Paris')],
    ['quoted arguments', `column_values("servers", 'cores')`, pairs('4', '8')],
    ['tag_keys()', 'tag_keys()', pairs('City', 'host', 'qty', 'cores', 'healthy', 'room', 'floor')],
  ])('%s', async (_name, target, expected) => {
    const res = await request(pluginApp())
      .post('/variable')
      .send({ payload: { target }, range: { from: FROM, to: FROM + 6 * HOUR } })
      .expect(200);
    expect(res.body).toEqual(expected);
  });

  it('column_values honours the dashboard range when the table has a time column', async () => {
    const res = await request(pluginApp())
      .post('/variable')
      .send({
        payload: { target: 'column_values(orders, City)' },
        range: { from: FROM + 1.5 * HOUR, to: FROM + 2.5 * HOUR },
      })
      .expect(200);
    expect(res.body).toEqual(pairs('Paris'));
  });

  it('Raw JSON may use `target` too', async () => {
    const res = await request(pluginApp())
      .post('/variable')
      .send({ payload: { target: 'label_values(stored.small, City)', other: { ignored: true } } })
      .expect(200);
    expect(res.body).toEqual([]);
  });
});

describe('POST /search with the variable query syntax', () => {
  it('legacy 1.4: a regex-interpolated multi-value metric variable → plain strings', async () => {
    const res = await request(pluginApp())
      .post('/search')
      .send(body('legacy/search-variable.json'))
      .expect(200);
    expect(res.body).toEqual(['Berlin', 'Paris']);
  });

  it('simpod 0.3: {target} → strings', async () => {
    const res = await request(pluginApp())
      .post('/search')
      .send(body('simpod/search-0.3-variable.json'))
      .expect(200);
    expect(res.body).toEqual(['web-01', 'web-02']);
  });

  it('simpod 0.3 Raw JSON: the user object, read through `query`', async () => {
    const res = await request(pluginApp())
      .post('/search')
      .send(body('simpod/search-0.3-raw-json.json'))
      .expect(200);
    expect(res.body).toEqual(['web-01', 'web-02']);
  });

  it('metrics() keeps the legacy shape: {text, value} where a display name differs', async () => {
    const res = await request(pluginApp()).post('/search').send({ target: 'metrics(room)' }).expect(200);
    expect(res.body).toEqual([{ text: 'Kitchen', value: 'room.kitchen' }, 'room.office', 'room.attic']);
  });

  it('without a range, column_values lists every row', async () => {
    const res = await request(pluginApp())
      .post('/search')
      .send({ target: 'column_values(orders, qty)' })
      .expect(200);
    expect(res.body).toEqual(['3', '5', '7', '100']);
  });
});
