import request from 'supertest';
import { valueAt } from '../../src/series/generators';
import type { GeneratorSpec } from '../../src/series/types';
import { body, FROM, HOUR, MINUTE, NOW, testApp } from '../helpers';

const berlin: GeneratorSpec = {
  type: 'sine',
  step: 10_000,
  period: HOUR,
  amplitude: 10,
  offset: 20,
  phase: 0,
};

const smallPoints = Array.from({ length: 10 }, (_, i) => [i === 4 ? null : i + 1, FROM + HOUR + i * MINUTE]);

type Series = { target: string; refId: string; datapoints: Array<[number | null, number]>; tags?: object };

/**
 * Points ascending, none after `to`; only the first may be before `from`: a bucket stamped at its start,
 * a multiple of `intervalMs` (src/series/buckets.ts).
 */
function expectInsideAndAscending(
  datapoints: Array<[number | null, number]>,
  from: number,
  to: number,
  intervalMs: number,
) {
  for (let i = 0; i < datapoints.length; i++) {
    const t = (datapoints[i] as [number | null, number])[1];
    if (t < from) expect({ index: i, onGrid: t % intervalMs === 0 }).toEqual({ index: 0, onGrid: true });
    expect(t).toBeLessThanOrEqual(to);
    if (i > 0) expect(t).toBeGreaterThan((datapoints[i - 1] as [number | null, number])[1]);
  }
}

describe('POST /query, legacy client (grafana-simple-json-datasource 1.4)', () => {
  it('answers a recorded timeserie request: refIds echoed, range honoured, maxDataPoints respected', async () => {
    const res = await request(testApp()).post('/query').send(body('legacy/query-timeserie.json')).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const [a, b] = res.body as Series[];
    expect(res.body).toHaveLength(2);
    expect(a).toMatchObject({
      target: 'Temperature Berlin',
      refId: 'A',
      tags: { City: 'Berlin', host: 'web-01' },
      unit: 'celsius',
    });
    // 6 h of 10 s points (2161) reduced into 20 s buckets aligned to the epoch: 1081 of them.
    expect(a?.datapoints).toHaveLength(1081);
    expectInsideAndAscending(a?.datapoints ?? [], FROM, NOW, 20_000);
    const first = a?.datapoints[0] as [number, number];
    expect(first[1]).toBe(FROM);
    expect(first[0]).toBeCloseTo((valueAt(berlin, FROM) + valueAt(berlin, FROM + 10_000)) / 2, 10);
    // The stored series: its ten points in range, the gap as null, the old point left out.
    expect(b).toEqual({ target: 'stored.small', refId: 'B', datapoints: smallPoints });
  });

  it('matches regex-escaped, multi-value and /regex/ targets', async () => {
    const res = await request(testApp()).post('/query').send(body('legacy/query-variables.json')).expect(200);
    const got = (res.body as Series[]).map((s) => [s.refId, s.target]);
    expect(got).toEqual([
      ['A', 'Temperature Berlin'],
      ['B', 'Temperature Berlin'],
      ['B', 'temperature.Paris'],
      ['C', 'cpu.web-01'],
    ]);
  });

  it('answers a table target with range and ad hoc filters applied', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(body('legacy/query-table-adhoc.json'))
      .expect(200);
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'A',
        name: 'orders',
        columns: [
          { text: 'Time', type: 'time' },
          { text: 'City', type: 'string' },
          { text: 'qty', type: 'number' },
        ],
        rows: [
          [FROM + HOUR, 'Berlin', 3],
          [FROM + 3 * HOUR, 'Berlin', 7],
        ],
      },
    ]);
  });

  it('formats a time series as a table when the target asks for one', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        ...body('legacy/query-timeserie.json'),
        targets: [{ target: 'stored.small', refId: 'T', type: 'table' }],
      })
      .expect(200);
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'T',
        name: 'stored.small',
        columns: [
          { text: 'Time', type: 'time' },
          { text: 'Metric', type: 'string' },
          { text: 'Value', type: 'number' },
        ],
        rows: smallPoints.map(([v, t]) => [t, 'stored.small', v]),
      },
    ]);
  });

  it('applies ad hoc filters to series by their labels, and ignores a filter whose key a series lacks', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        ...body('legacy/query-variables.json'),
        adhocFilters: [{ key: 'City', operator: '!=', value: 'Berlin' }],
      })
      .expect(200);
    expect((res.body as Series[]).map((s) => [s.refId, s.target])).toEqual([
      ['B', 'temperature.Paris'],
      ['C', 'cpu.web-01'],
    ]);
  });

  it.each([
    ['=~', 'Ber.*', ['Temperature Berlin']],
    ['!~', 'Ber.*', ['temperature.Paris']],
    ['=|', '', ['temperature.Paris']],
  ])('ad hoc operator %s', async (operator, value, expected) => {
    const filter =
      operator === '=|'
        ? { key: 'City', operator, value, values: ['Paris', 'Rome'] }
        : { key: 'City', operator, value };
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [{ target: '/^temperature/', refId: 'A' }],
        range: { from: FROM, to: NOW },
        filters: [filter],
      })
      .expect(200);
    expect((res.body as Series[]).map((s) => s.target)).toEqual(expected);
  });

  it('takes < and > numerically on table columns', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [{ target: 'servers', refId: 'A', type: 'table' }],
        adhocFilters: [{ key: 'cores', operator: '>', value: '5' }],
      })
      .expect(200);
    expect(res.body[0].rows).toEqual([['web-01', 'Berlin', 8, true]]);
  });

  it('answers only the range: epoch ms and relative raw ranges are understood', async () => {
    const req = { targets: [{ target: 'stored.small', refId: 'A' }] };
    const epoch = await request(testApp())
      .post('/query')
      .send({ ...req, range: { from: FROM + HOUR + 2 * MINUTE, to: FROM + HOUR + 3 * MINUTE } })
      .expect(200);
    expect(epoch.body[0].datapoints).toEqual([
      [3, FROM + HOUR + 2 * MINUTE],
      [4, FROM + HOUR + 3 * MINUTE],
    ]);
    // The clock is 15:00: now-5h is 10:00 and now-4h-55m is 10:05; the stored points run 10:00-10:09.
    const relative = await request(testApp())
      .post('/query')
      .send({ ...req, range: { raw: { from: 'now-5h', to: 'now-4h-55m' } } })
      .expect(200);
    expect(relative.body[0].datapoints).toEqual(smallPoints.slice(0, 6));
  });

  it('skips hidden, empty and placeholder targets; no targets left answers []', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [
          { target: 'stored.small', refId: 'A', hide: true },
          { target: '', refId: 'B' },
          { target: 'select metric', refId: 'C' },
          { refId: 'D' },
        ],
      })
      .expect(200);
    expect(res.body).toEqual([]);
  });

  it('never returns more points than maxDataPoints, aggregated by the metric aggregation', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [{ target: 'stored.small', refId: 'A' }],
        range: { from: FROM, to: NOW },
        maxDataPoints: 3,
        intervalMs: MINUTE,
      })
      .expect(200);
    const points = res.body[0].datapoints as Array<[number | null, number]>;
    expect(points.length).toBeLessThanOrEqual(3);
    expectInsideAndAscending(points, FROM, NOW, MINUTE);
    // avg of every non-null value survives the bucketing (weighted by bucket sizes, checked via sum of counts).
    expect(points.map(([v]) => v)).not.toContain(undefined);
  });

  it('a target that matches nothing: 400 naming it when alone, a warning series when others matched', async () => {
    const alone = await request(testApp())
      .post('/query')
      .send({ targets: [{ target: 'upper_5O', refId: 'A' }] })
      .expect(400);
    expect(alone.body).toMatchObject({ code: 'UNKNOWN_METRIC', message: 'unknown metric "upper_5O"' });
    const mixed = await request(testApp())
      .post('/query')
      .send({
        targets: [
          { target: 'upper_5O', refId: 'A' },
          { target: 'stored.small', refId: 'B' },
        ],
      })
      .expect(200);
    expect(mixed.body[0]).toEqual({
      target: 'upper_5O',
      refId: 'A',
      datapoints: [],
      meta: { notices: [{ severity: 'warning', text: 'unknown metric "upper_5O"' }] },
    });
    expect(mixed.body[1].refId).toBe('B');
  });

  it('a hostile regex target answers fast on the linear-time engine', async () => {
    const started = Date.now();
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [
          { target: `/(a+)+$/`, refId: 'A' },
          { target: 'a'.repeat(200), refId: 'B' },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('UNKNOWN_METRIC');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('POST /query, successor client (simpod-json-datasource)', () => {
  it('0.6.5: skips hide:true, applies Grafana filters, accepts editorMode/datasource/payload', async () => {
    const res = await request(testApp()).post('/query').send(body('simpod/query-0.6.5.json')).expect(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ refId: 'A', target: 'Temperature Berlin' });
    expect(res.body[0].datapoints.length).toBeLessThanOrEqual(100);
    expectInsideAndAscending(res.body[0].datapoints, FROM, NOW, 20_000);
  });

  it('0.1: `type: timeseries`, the old `data` field, and a table metric', async () => {
    const res = await request(testApp()).post('/query').send(body('simpod/query-0.1.json')).expect(200);
    expect(res.body[0]).toEqual({ target: 'stored.small', refId: 'A', datapoints: smallPoints });
    expect(res.body[1]).toMatchObject({ type: 'table', refId: 'B', name: 'servers' });
    expect(res.body[1].rows).toHaveLength(2);
  });

  it('0.3-0.5: payload "" and a datasource name string', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(body('simpod/query-0.4-payload-string.json'))
      .expect(200);
    expect(res.body).toEqual([{ target: 'stored.small', refId: 'A', datapoints: smallPoints }]);
  });
});

describe('POST /query without intervalMs (curl, Infinity, test code)', () => {
  const from = Date.parse('2024-05-14T23:32:58.544Z');

  it('buckets at the nice interval Grafana would pick, so stamps fall on round multiples', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({
        targets: [{ target: 'temperature.Berlin', refId: 'A' }],
        range: { from: new Date(from).toISOString(), to: new Date(from + HOUR).toISOString() },
        maxDataPoints: 2,
      })
      .expect(200);
    const stamps = (res.body[0].datapoints as Array<[number, number]>).map(([, t]) =>
      new Date(t).toISOString(),
    );
    // 1 h / 2 points → 30 min; three aligned 30 min buckets touch the range, so 1 h buckets.
    expect(stamps).toEqual(['2024-05-14T23:00:00.000Z', '2024-05-15T00:00:00.000Z']);
  });

  it.each([
    [6 * HOUR, 100, 5 * MINUTE],
    [24 * HOUR, 50, 30 * MINUTE],
    [10 * MINUTE, 40, 15_000],
  ])(
    'a %d ms range at maxDataPoints %d: every stamp a multiple of %d ms',
    async (span, maxDataPoints, step) => {
      const res = await request(testApp())
        .post('/query')
        .send({
          targets: [{ target: 'temperature.Berlin', refId: 'A' }],
          range: { from: new Date(from).toISOString(), to: new Date(from + span).toISOString() },
          maxDataPoints,
        })
        .expect(200);
      const times = (res.body[0].datapoints as Array<[number, number]>).map(([, t]) => t);
      expect(times.length).toBeGreaterThan(1);
      expect(times.length).toBeLessThanOrEqual(maxDataPoints);
      expect(times.filter((t) => t % step !== 0)).toEqual([]);
    },
  );
});
