import request from 'supertest';
import { createApp } from '../../src/process/app';
import { Registry } from '../../src/registry/registry';
import { columnsFromPoints } from '../../src/series/columnar';
import { body, FROM, HOUR, MINUTE, testApp } from '../helpers';

/**
 * `format: "rows"` for the Infinity data source. Infinity posts the body the user typed, after Grafana
 * replaced `${__from}`, `${__to}` and `${__interval_ms}` (docs/grafana-plugins.md, "Infinity"): epoch-ms
 * strings, no maxDataPoints, no refIds; its Go client sends `User-Agent: Go-http-client/1.1`.
 */
function infinity(sent: unknown) {
  return request(testApp())
    .post('/query')
    .set('User-Agent', 'Go-http-client/1.1')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(sent));
}

/** What Infinity's JSON parsers need with no root selector: an array of flat objects. */
function expectFlatRows(rows: unknown) {
  expect(Array.isArray(rows)).toBe(true);
  for (const row of rows as unknown[]) {
    expect(typeof row === 'object' && row !== null && !Array.isArray(row)).toBe(true);
    for (const value of Object.values(row as object)) {
      expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true);
    }
  }
}

describe('POST /query with format "rows" (Infinity)', () => {
  it('answers the recorded Infinity body: one flat object per point, then per table row', async () => {
    const res = await infinity(body('infinity/query-rows.json')).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expectFlatRows(res.body);
    const points = Array.from({ length: 10 }, (_, i) => ({
      target: 'stored.small',
      time: FROM + HOUR + i * MINUTE,
      value: i === 4 ? null : i + 1,
    }));
    expect(res.body).toEqual([
      ...points,
      { Time: FROM + HOUR, City: 'Berlin', qty: 3 },
      { Time: FROM + 2 * HOUR, City: 'Paris', qty: 5 },
      { Time: FROM + 3 * HOUR, City: 'Berlin', qty: 7 },
    ]);
  });

  it('puts labels beside time and value', async () => {
    const res = await infinity({
      targets: [{ target: 'temperature.Berlin' }],
      range: { from: '2024-05-14T09:00:00.000Z', to: '2024-05-14T09:00:20.000Z' },
      format: 'rows',
    }).expect(200);
    expect(res.body).toEqual([
      { target: 'Temperature Berlin', time: FROM, value: 20, City: 'Berlin', host: 'web-01' },
      {
        target: 'Temperature Berlin',
        time: FROM + 10_000,
        value: expect.any(Number),
        City: 'Berlin',
        host: 'web-01',
      },
      {
        target: 'Temperature Berlin',
        time: FROM + 20_000,
        value: expect.any(Number),
        City: 'Berlin',
        host: 'web-01',
      },
    ]);
  });

  it('renames a label that would hide target, time or value; a __proto__ label stays a plain key', async () => {
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'odd',
      labels: JSON.parse('{"time":"dawn","value":"high","target":"x","__proto__":"p"}') as Record<
        string,
        string
      >,
      source: { kind: 'stored', columns: columnsFromPoints([[1, FROM]]) },
    });
    const odd = await request(createApp({ registry }))
      .post('/query')
      .send({ targets: [{ target: 'odd' }], range: { from: FROM, to: FROM + 1 }, format: 'rows' })
      .expect(200);
    expect(odd.text).toBe(
      `[{"target":"odd","time":${FROM},"value":1,"label_time":"dawn","label_value":"high","label_target":"x","__proto__":"p"}]`,
    );
  });

  it('honours the ad hoc filters and the payload as a normal /query does', async () => {
    const res = await infinity({
      targets: [{ target: 'orders' }],
      range: { from: String(FROM), to: String(FROM + 6 * HOUR) },
      filters: [{ key: 'City', operator: '=', value: 'Berlin' }],
      format: 'rows',
    }).expect(200);
    expect(res.body).toEqual([
      { Time: FROM + HOUR, City: 'Berlin', qty: 3 },
      { Time: FROM + 3 * HOUR, City: 'Berlin', qty: 7 },
    ]);
  });

  it('a body format other than rows is the default format of targets that name none', async () => {
    const res = await infinity({
      targets: [{ target: 'servers' }],
      range: { from: String(FROM), to: String(FROM + HOUR) },
      format: 'frames',
    }).expect(200);
    expect(res.body[0]).toMatchObject({ refId: 'A', name: 'servers', fields: expect.any(Array) });
  });

  it('refuses an unknown body format with a 400 naming it', async () => {
    const res = await infinity({ targets: [{ target: 'servers' }], format: 'row' }).expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_BODY', field: 'body/format' });
    expect(res.body.message).toContain('body/format');
  });
});
