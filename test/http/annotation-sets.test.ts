import request from 'supertest';
import { createApp } from '../../src/process/app';
import { fixedClock } from '../../src/time/clock';
import { body, EVENT_COLUMNS, FROM, HOUR, MINUTE, NOW, testApp, testRegistry } from '../helpers';

/**
 * Annotation sets in the JSON data source's editor: Grafana renders the data source's query editor for
 * annotations, so the builder's metric list (/metrics) and the old dropdown (/search) list the sets, an
 * annotation query on a set answers its events, and a panel query on it an events table (docs/client-contract.md §3.6).
 */

const DEPLOYS = [
  [FROM + HOUR, null, 'Deploy v1.2', 'web-01 to prod', 'deploy,web-01'],
  [FROM + 2 * HOUR, FROM + 2 * HOUR + 5 * MINUTE, 'Deploy v1.3', 'web-02', 'deploy,web-02'],
  [FROM + 3 * HOUR, null, 'Deploy db', 'db-01', 'deploy,db-01'],
];
const maintenance = (at: number) => [at, at + 15 * MINUTE, 'Maintenance', 'window', 'ops'];
const MAINTENANCE = [
  maintenance(FROM + 1.5 * HOUR),
  maintenance(FROM + 3.5 * HOUR),
  maintenance(FROM + 5.5 * HOUR),
];

/** The recorded builder annotation query with another target. */
const annotationQuery = (target: string) => {
  const recorded = body('simpod/query-0.6.5-anno-builder.json');
  const [t] = recorded.targets as Array<Record<string, unknown>>;
  return { ...recorded, targets: [{ ...t, target }] };
};

/** The recorded 0.6.5 panel query with these builder targets. */
const panelQuery = (...targets: Array<{ refId: string; target: string; payload?: object }>) => ({
  ...body('simpod/query-0.6.5.json'),
  filters: [],
  targets: targets.map((t) => ({ editorMode: 'builder', payload: {}, ...t })),
});

const SETS_NOTICE =
  'the targets that carry events are the annotation sets "deploys", "maintenance" (or their tags)';

describe('an annotation set picked in the builder', () => {
  it('an annotation query on it (0.6.5 builder, refId Anno) answers its events', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(body('simpod/query-0.6.5-anno-builder.json'))
      .expect(200);
    expect(res.body).toEqual([{ type: 'table', refId: 'Anno', columns: EVENT_COLUMNS, rows: DEPLOYS }]);
  });

  it('a panel query on it answers an events table with the annotation columns', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(panelQuery({ refId: 'A', target: 'deploys' }))
      .expect(200);
    expect(res.body).toEqual([
      { type: 'table', refId: 'A', name: 'deploys', columns: EVENT_COLUMNS, rows: DEPLOYS },
    ]);
  });

  it('a panel query: escaped, multi-value with a family, and as data frames', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(
        panelQuery(
          { refId: 'A', target: '(maintenance|deploys)' },
          { refId: 'B', target: '(cpu\\.\\*|deploys)' },
          { refId: 'C', target: 'maintenance', payload: { format: 'frames' } },
        ),
      )
      .expect(200);
    const cpu = await request(testApp())
      .post('/query')
      .send(panelQuery({ refId: 'B', target: 'cpu.web-01' }))
      .expect(200);
    expect(res.body).toEqual([
      { type: 'table', refId: 'A', name: 'deploys', columns: EVENT_COLUMNS, rows: DEPLOYS },
      { type: 'table', refId: 'A', name: 'maintenance', columns: EVENT_COLUMNS, rows: MAINTENANCE },
      ...cpu.body,
      { type: 'table', refId: 'B', name: 'deploys', columns: EVENT_COLUMNS, rows: DEPLOYS },
      {
        refId: 'C',
        name: 'maintenance',
        fields: EVENT_COLUMNS.map((c, i) => ({
          name: c.text,
          type: c.type,
          values: MAINTENANCE.map((row) => row[i]),
        })),
      },
    ]);
  });

  it('a regex never picks a set: `.*` still answers the metrics alone', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(panelQuery({ refId: 'A', target: '.*' }))
      .expect(200);
    expect((res.body as Array<{ target?: string; name?: string }>).map((r) => r.target ?? r.name)).toEqual([
      'Temperature Berlin',
      'temperature.Paris',
      'cpu.web-01',
      'stored.small',
      'orders',
      'servers',
    ]);
  });

  it('a set is a match for the UNKNOWN_METRIC rule: the other target gets a notice, not a 400', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(panelQuery({ refId: 'A', target: 'upper_5O' }, { refId: 'B', target: 'deploys' }))
      .expect(200);
    expect(res.body).toEqual([
      {
        target: 'upper_5O',
        refId: 'A',
        datapoints: [],
        meta: { notices: [{ severity: 'warning', text: 'unknown metric "upper_5O"' }] },
      },
      { type: 'table', refId: 'B', name: 'deploys', columns: EVENT_COLUMNS, rows: DEPLOYS },
    ]);
  });

  it('a time series in the annotation editor: an empty events table with a warning naming the sets', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(annotationQuery('temperature.Berlin'))
      .expect(200);
    expect(res.body).toEqual([
      {
        type: 'table',
        refId: 'Anno',
        columns: EVENT_COLUMNS,
        rows: [],
        meta: {
          notices: [
            {
              severity: 'warning',
              text: `"temperature.Berlin" names metric "temperature.Berlin", which carries no events: ${SETS_NOTICE}`,
            },
          ],
        },
      },
    ]);
    const family = await request(testApp()).post('/query').send(annotationQuery('temperature.*')).expect(200);
    expect(family.body[0].meta).toEqual({
      notices: [
        {
          severity: 'warning',
          text: `"temperature.*" names 2 metrics, which carry no events: ${SETS_NOTICE}`,
        },
      ],
    });
  });

  it('a tag query that finds nothing, or a set with no events in the range, gets no warning', async () => {
    for (const target of ['no-such-tag', 'deploys']) {
      const res = await request(testApp())
        .post('/query')
        .send({ ...annotationQuery(target), range: { from: FROM - 5 * HOUR, to: FROM - 4 * HOUR } })
        .expect(200);
      expect(res.body).toEqual([{ type: 'table', refId: 'Anno', columns: EVENT_COLUMNS, rows: [] }]);
    }
  });
});

describe('annotation sets in the metric lists', () => {
  it('/search: a plain search finds sets after the metrics, marked; variable functions do not list them', async () => {
    const app = testApp();
    const plain = await request(app).post('/search').send({ target: 'dep' }).expect(200);
    expect(plain.body).toEqual([{ text: 'deploys (annotations)', value: 'deploys' }]);
    const metricsOnly = await request(app).post('/search').send({ target: 'metrics()' }).expect(200);
    expect(metricsOnly.body).toEqual([
      { text: 'Temperature Berlin', value: 'temperature.Berlin' },
      'temperature.Paris',
      'cpu.web-01',
      'stored.small',
      'orders',
      'servers',
    ]);
  });

  it('/variable (a variable, not a dropdown) never lists them', async () => {
    const res = await request(testApp())
      .post('/variable')
      .send({ payload: { target: 'dep' } })
      .expect(200);
    expect(res.body).toEqual([]);
  });

  it('a set is no metric for label_values: 400 UNKNOWN_METRIC as before', async () => {
    const res = await request(testApp())
      .post('/variable')
      .send({ payload: { target: 'label_values(deploys, host)' } })
      .expect(400);
    expect(res.body).toEqual({
      code: 'UNKNOWN_METRIC',
      message: 'unknown metric "deploys" in label_values',
      error: { code: 'UNKNOWN_METRIC', message: 'unknown metric "deploys" in label_values' },
      field: 'body/payload/target',
    });
  });
});

describe('a name that is both a metric and an annotation set', () => {
  function app() {
    const registry = testRegistry();
    registry.addTimeSeries({
      name: 'maintenance',
      source: { kind: 'generated', generator: { type: 'constant', step: HOUR, value: 1 } },
    });
    return createApp({ registry, clock: fixedClock(NOW) });
  }

  it('is listed once, as the metric, in /metrics and /search', async () => {
    const metrics = await request(app()).post('/metrics').send({}).expect(200);
    const entries = (metrics.body as Array<{ value: string; label: string }>).filter((e) =>
      ['maintenance', 'deploys'].includes(e.value),
    );
    expect(entries.map((e) => [e.value, e.label])).toEqual([
      ['maintenance', 'maintenance'],
      ['deploys', 'deploys (annotations)'],
    ]);
    const search = await request(app()).post('/search').send({ target: 'maint' }).expect(200);
    expect(search.body).toEqual(['maintenance']);
  });

  it('answers the metric in a panel and the set’s events in an annotation query', async () => {
    const panel = await request(app())
      .post('/query')
      .send({ ...panelQuery({ refId: 'A', target: 'maintenance' }), maxDataPoints: 2 })
      .expect(200);
    // The time series (a constant 1), not the events.
    expect(panel.body).toEqual([{ target: 'maintenance', refId: 'A', datapoints: expect.any(Array) }]);
    const points = panel.body[0].datapoints as Array<[number, number]>;
    expect(points.length).toBeGreaterThan(0);
    expect(points.map(([v]) => v)).toEqual(points.map(() => 1));
    const annotation = await request(app()).post('/query').send(annotationQuery('maintenance')).expect(200);
    expect(annotation.body).toEqual([
      { type: 'table', refId: 'Anno', columns: EVENT_COLUMNS, rows: MAINTENANCE },
    ]);
  });
});
