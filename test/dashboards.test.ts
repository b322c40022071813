import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../src/process/app';
import { loadFixtures } from '../src/fixtures/load';
import { BUNDLED_FIXTURES } from '../src/process/start';
import { fixedClock } from '../src/time/clock';

/**
 * The example dashboards of docs/dashboards/ against the bundled demo data: every variable, panel query
 * and annotation they hold, sent the way its plugin sends it (variables interpolated in the plugin's
 * format), must be answered with data. So the examples cannot drift away from what the server serves.
 */
const NOW = Date.UTC(2024, 4, 14, 15, 0, 0);
const range = { from: new Date(NOW - 6 * 3_600_000).toISOString(), to: new Date(NOW).toISOString() };

interface Target {
  refId: string;
  target: string;
  type?: string;
  hide?: boolean;
  editorMode?: string;
  payload?: unknown;
}
interface Dashboard {
  panels: Array<{ title: string; targets: Target[] }>;
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  annotations: { list: Array<{ name: string; builtIn?: number; query?: string; target?: Target }> };
}

const dashboard = (file: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'dashboards', file), 'utf8')) as Dashboard;

/** One value per dashboard variable, several where the dashboards offer a multi-value. */
const VALUES: Record<string, string[]> = {
  city: ['Berlin', 'Paris'],
  role: ['web'],
  host: ['web-01', 'db-01'],
  unit: ['fahrenheit'],
  agg: ['max'],
  metric: ['temperature.Berlin'],
  country: ['Germany', 'Japan'],
};

const escape = (s: string) => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
/** Grafana's `regex` format (docs/client-contract.md §1.3). */
const regex = (text: string) =>
  text.replace(/\$(\w+)/g, (_m, name: string) => {
    const values = (VALUES[name] ?? []).map(escape);
    return values.length === 1 ? (values[0] as string) : `(${values.join('|')})`;
  });
/** Grafana's `glob` format, used for the legacy annotation query. */
const glob = (text: string) =>
  text.replace(/\$(\w+)/g, (_m, name: string) => {
    const values = VALUES[name] ?? [];
    return values.length === 1 ? (values[0] as string) : `{${values.join(',')}}`;
  });
/** simpod's code-mode payload: each variable JSON-encoded, a quoted one unquoted again, then parsed. */
const codePayload = (text: string) =>
  JSON.parse(
    text.replace(/\$(\w+)/g, (_m, name: string) => {
      const values = VALUES[name] ?? [];
      return values.length === 1 ? (values[0] as string) : JSON.stringify(values);
    }),
  ) as unknown;
/** simpod's builder-mode payload: every value and array item regex-interpolated. */
const builderPayload = (payload: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((i) => regex(String(i))) : regex(String(v)),
    ]),
  );

async function demoApp() {
  const clock = fixedClock(NOW);
  return createApp({ registry: await loadFixtures(BUNDLED_FIXTURES, { clock }), clock });
}

describe('docs/dashboards/simpod-json-datasource.json against the demo data', () => {
  const d = dashboard('simpod-json-datasource.json');

  it.each(d.templating.list.filter((v) => v.type === 'query').map((v) => [v.name, v.query]))(
    'variable $%s has values',
    async (_name, query) => {
      const q = query as { query: string; format: string };
      const payload = q.format === 'json' ? JSON.parse(q.query) : { target: regex(q.query) };
      const res = await request(await demoApp())
        .post('/variable')
        .send({ payload, range })
        .expect(200);
      expect(res.body.length).toBeGreaterThan(0);
      for (const row of res.body) expect(Object.keys(row)).toEqual(['__text', '__value']);
    },
  );

  it.each(d.panels.map((p) => [p.title, p.targets]))(
    'panel %j gets data for every visible query',
    async (_t, targets) => {
      const sent = (targets as Target[]).map((t) => ({
        ...t,
        target: regex(t.target),
        payload:
          t.editorMode === 'code' && typeof t.payload === 'string'
            ? codePayload(t.payload)
            : builderPayload(t.payload as Record<string, unknown>),
      }));
      const res = await request(await demoApp())
        .post('/query')
        .send({ range, intervalMs: 60_000, maxDataPoints: 100, targets: sent })
        .expect(200);
      const visible = sent.filter((t) => t.hide !== true).map((t) => t.refId);
      expect([...new Set(res.body.map((r: { refId: string }) => r.refId))]).toEqual(visible);
      for (const r of res.body) {
        const size = r.datapoints?.length ?? r.rows?.length ?? r.fields?.[0]?.values.length;
        expect(size).toBeGreaterThan(0);
      }
    },
  );

  it.each(d.annotations.list.filter((a) => a.builtIn !== 1).map((a) => [a.name, a.target]))(
    'annotation %j finds events',
    async (name, target) => {
      const t = target as Target;
      const res = await request(await demoApp())
        .post('/query')
        .send({
          range,
          targets: [{ ...t, target: regex(t.target) }],
          scopedVars: { __annotation: { text: name } },
        })
        .expect(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0].rows.length).toBeGreaterThan(0);
    },
  );
});

describe('docs/dashboards/grafana-simple-json-datasource.json against the demo data', () => {
  const d = dashboard('grafana-simple-json-datasource.json');

  it.each(d.templating.list.filter((v) => v.type === 'query').map((v) => [v.name, v.query]))(
    'variable $%s has values',
    async (_name, query) => {
      const res = await request(await demoApp())
        .post('/search')
        .send({ target: regex(query as string) })
        .expect(200);
      expect(res.body.length).toBeGreaterThan(0);
    },
  );

  it.each(d.panels.map((p) => [p.title, p.targets]))('panel %j gets data', async (_t, targets) => {
    const sent = (targets as Target[]).map((t) => ({
      refId: t.refId,
      target: regex(t.target),
      type: t.type,
    }));
    const res = await request(await demoApp())
      .post('/query')
      .send({
        range,
        rangeRaw: { from: 'now-6h', to: 'now' },
        maxDataPoints: 100,
        targets: sent,
        adhocFilters: [],
      })
      .expect(200);
    expect(res.body.length).toBeGreaterThanOrEqual(sent.length);
    for (const r of res.body) expect((r.datapoints ?? r.rows).length).toBeGreaterThan(0);
  });

  it.each(d.annotations.list.filter((a) => a.builtIn !== 1).map((a) => [a.name, a.query]))(
    'annotation %j finds events',
    async (_name, query) => {
      const res = await request(await demoApp())
        .post('/annotations')
        .send({ range, annotation: { query: glob(query as string) } })
        .expect(200);
      expect(res.body.length).toBeGreaterThan(0);
    },
  );
});

interface InfinityTarget {
  refId: string;
  type: string;
  source: string;
  parser: string;
  format: string;
  url: string;
  url_options: { method: string; body_type: string; body_content_type: string; data: string };
  root_selector: string;
  columns: Array<{ selector: string; type: string }>;
}

describe('docs/dashboards/infinity.json against the demo data', () => {
  const d = JSON.parse(
    readFileSync(join(__dirname, '..', 'docs', 'dashboards', 'infinity.json'), 'utf8'),
  ) as {
    panels: Array<{ title: string; targets: InfinityTarget[] }>;
  };
  const provisioning = readFileSync(
    join(__dirname, '..', 'docs', 'provisioning', 'infinity', 'datasource.yaml'),
    'utf8',
  );

  it('names the provisioned data source by its uid', () => {
    const uid = /^\s+uid: (\S+)$/m.exec(provisioning)?.[1];
    expect(uid).toBe('simplejson-infinity');
    expect(provisioning).toMatch(/^\s+type: yesoreyeram-infinity-datasource$/m);
    expect(JSON.stringify(d)).not.toContain('${DS_');
    for (const p of d.panels)
      for (const t of p.targets) expect(JSON.stringify(t)).toContain(`"uid":"${uid}"`);
  });

  it.each(d.panels.map((p) => [p.title, p.targets]))(
    'panel %j: the body Grafana interpolates is answered with flat rows holding every column',
    async (_t, targets) => {
      for (const t of targets as InfinityTarget[]) {
        expect(t).toMatchObject({
          type: 'json',
          source: 'url',
          parser: 'backend',
          url: '/query',
          root_selector: '',
        });
        expect(t.url_options).toMatchObject({
          method: 'POST',
          body_type: 'raw',
          body_content_type: 'application/json',
        });
        // Grafana's global variables, as Grafana replaces them before Infinity sends the body.
        const sent = t.url_options.data
          .replaceAll('${__from}', String(Date.parse(range.from)))
          .replaceAll('${__to}', String(Date.parse(range.to)))
          .replaceAll('${__interval_ms}', '60000');
        const res = await request(await demoApp())
          .post(t.url)
          .set('User-Agent', 'Go-http-client/1.1')
          .set('Content-Type', 'application/json')
          .send(sent)
          .expect(200);
        const rows = res.body as Array<Record<string, unknown>>;
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          for (const v of Object.values(row)) expect(v === null || typeof v !== 'object').toBe(true);
          for (const c of t.columns) expect(row).toHaveProperty([c.selector]);
          for (const c of t.columns.filter((col) => col.type === 'timestamp_epoch')) {
            expect(Number.isInteger(row[c.selector])).toBe(true);
          }
        }
      }
    },
  );
});
