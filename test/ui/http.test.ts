/**
 * The explorer page's routes over HTTP (src/ui/router.ts): the page and its files with their types and
 * the Content-Security-Policy, 404 with `ui: false`, the contract's auth, a mount under a prefix, and
 * the bodies of ui/api/info and ui/api/connect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { DEFAULT_PASSWORD_ENV } from '../../src/grafana/options';
import { PLUGIN_TYPES } from '../../src/grafana/types';
import { provisioningYaml } from '../../src/grafana/yaml';
import { createRouter } from '../../src/http/router';
import { createApp } from '../../src/process/app';
import { startServer } from '../../src/process/start';
import { Registry } from '../../src/registry/registry';
import { fixedClock } from '../../src/time/clock';
import { CONTENT_SECURITY_POLICY } from '../../src/ui/router';
import { NOW, testRegistry } from '../helpers';

const STATIC = join(__dirname, '..', '..', 'src', 'ui', 'static');
const clock = fixedClock(NOW);
const app = (options: Parameters<typeof createApp>[0] = { registry: testRegistry(), clock }) =>
  createApp(options);

describe('the page and its files', () => {
  it('serves the page at ui/ with a strict CSP and no inline script or style', async () => {
    const res = await request(app()).get('/ui/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).toBe(res.headers['content-security-policy']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('<script type="module" src="app.mjs"></script>');
    // Every script has a src, nothing has a style attribute or a <style> element, every URL is relative.
    expect(res.text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    expect(res.text).not.toMatch(/\sstyle=|<style/);
    expect([...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'data:,',
      'vendor/uPlot.min.css',
      'style.css',
      'vendor/uPlot.iife.min.js',
      'app.mjs',
      ...['api', 'dom', 'time', 'plot', 'explore', 'health', 'journal', 'connect'].map((m) => `${m}.mjs`),
      '#explore',
      '#health',
      '#journal',
      '#connect',
    ]);
  });

  it('redirects ui to ui/ relatively, so the relative URLs of the page resolve under any mount', async () => {
    const res = await request(app()).get('/ui?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('ui/?x=1');
  });

  it.each([
    ['app.mjs', 'text/javascript; charset=utf-8'],
    ['plot.mjs', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['vendor/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
    ['vendor/uPlot.min.css', 'text/css; charset=utf-8'],
  ])('serves ui/%s as %s, with the CSP and an ETag', async (file, type) => {
    const res = await request(app()).get(`/ui/${file}`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['cache-control']).toBe('no-cache');
    const again = await request(app())
      .get(`/ui/${file}`)
      .set('If-None-Match', res.headers.etag as string);
    expect(again.status).toBe(304);
  });

  it('serves uPlot as its package ships it, gzipped when asked', async () => {
    const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'));
    const res = await request(app())
      .get('/ui/vendor/uPlot.iife.min.js')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Number(res.headers['content-length'])).toBeLessThan(uplot.length / 2);
    expect(res.body).toEqual(uplot); // supertest gunzips
  });

  it('serves every module the page imports, by the relative path it imports it by', async () => {
    const modules = readdirSync(STATIC).filter((f) => f.endsWith('.mjs'));
    const imported = new Set(
      modules.flatMap((f) =>
        [...readFileSync(join(STATIC, f), 'utf8').matchAll(/from '\.\/([\w-]+\.mjs)'/g)].map((m) => m[1]),
      ),
    );
    expect(imported.size).toBeGreaterThan(4);
    for (const file of imported) {
      expect(modules).toContain(file);
      expect((await request(app()).get(`/ui/${file}`)).status).toBe(200);
    }
  });

  it.each([
    '/ui/nope.mjs',
    '/ui/tsconfig.browser.json',
    '/ui/%2e%2e%2fpackage.json',
    '/ui/vendor/uPlot.d.ts',
  ])('answers 404 NOT_FOUND for %s', async (path) => {
    const res = await request(app()).get(path);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('turned off, behind auth, under a prefix', () => {
  it.each(['/ui/', '/ui', '/ui/app.mjs', '/ui/api/info'])('ui: false answers 404 for %s', async (path) => {
    const res = await request(app({ registry: testRegistry(), clock, ui: false })).get(path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: `no route for GET ${path}` });
  });

  const basic = { basic: { user: 'u', password: 'p' } };
  it.each(['/ui/', '/ui/app.mjs', '/ui/api/info'])(
    'with basic auth, %s needs the credentials',
    async (path) => {
      const server = app({ registry: testRegistry(), clock, auth: basic });
      const refused = await request(server).get(path);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Basic realm="simplejson-server", charset="UTF-8"');
      expect(refused.body.code).toBe('UNAUTHORIZED');
      expect((await request(server).get(path).auth('u', 'p')).status).toBe(200);
      expect((await request(server).get(path).auth('u', 'wrong')).status).toBe(401);
    },
  );

  it('with bearer tokens only, the files open without one (a browser cannot send it) and the data needs it', async () => {
    const server = app({ registry: testRegistry(), clock, auth: { bearerTokens: ['tok'] } });
    expect((await request(server).get('/ui/')).status).toBe(200);
    expect((await request(server).get('/ui/app.mjs')).status).toBe(200);
    for (const path of ['/ui/api/info', '/ui/api/connect?url=http://a:1', '/ui/nope.mjs']) {
      const refused = await request(server).get(path);
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    const info = await request(server).get('/ui/api/info').set('Authorization', 'Bearer tok');
    expect(info.status).toBe(200);
    expect(info.body.auth).toEqual(['bearer']);
  });

  it('works under a prefix, with the redirect relative to it', async () => {
    const host = express();
    host.use('/grafana', createRouter(testRegistry(), { clock }));
    const redirect = await request(host).get('/grafana/ui');
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.location as string, 'http://h/grafana/ui').pathname).toBe('/grafana/ui/');
    expect((await request(host).get('/grafana/ui/')).status).toBe(200);
    expect((await request(host).get('/grafana/ui/vendor/uPlot.min.css')).status).toBe(200);
    expect((await request(host).get('/grafana/ui/api/info')).body.metrics.length).toBeGreaterThan(0);
    expect((await request(host).get('/ui/')).status).toBe(404);
  });
});

describe('ui/api/info', () => {
  it('lists the metrics, sets, the fixture report, the journal and auth; ui/api/checks runs the checks', async () => {
    const registry = new Registry();
    registry.addTimeSeries({
      name: 'cpu',
      displayName: 'CPU',
      labels: { host: 'a' },
      unit: 'percent',
      source: { kind: 'generated', generator: { type: 'constant', value: 1, step: 60_000 } },
    });
    registry.addTable({ name: 'hosts', columns: [{ text: 'host', type: 'string' }], rows: [['a'], ['b']] });
    registry.addAnnotations({ name: 'deploys', tags: ['deploy'] });
    registry.addHealthCheck({ name: 'database "up"', check: () => Promise.resolve() });
    registry.addHealthCheck({
      name: 'database "down"',
      check: () => Promise.reject(new Error('database "down" is unreachable')),
    });
    const report = { source: '/srv/fixtures', files: ['a.json'], warnings: ['b.csv is not read'] };
    const server = createApp({
      registry,
      clock,
      ui: { fixtures: () => report },
      auth: { basic: { user: 'u', password: 'p' } },
    });
    const res = await request(server).get('/ui/api/info').auth('u', 'p');
    expect(res.status).toBe(200);
    const version = (
      JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(res.body).toEqual({
      name: 'simplejson-server',
      version,
      fixtures: report,
      metrics: [
        {
          name: 'cpu',
          displayName: 'CPU',
          kind: 'timeseries',
          unit: 'percent',
          labels: { host: 'a' },
          source: 'generated (constant)',
        },
        {
          name: 'hosts',
          displayName: null,
          kind: 'table',
          unit: null,
          labels: {},
          source: '2 stored rows',
          columns: [{ text: 'host', type: 'string' }],
        },
      ],
      annotationSets: [{ name: 'deploys', tags: ['deploy'], events: 0, recurring: 0 }],
      databases: [],
      journal: false,
      auth: ['basic'],
      limits: { defaultMaxDataPoints: 1000, maxDataPointsCeiling: 10000 },
    });
    const checks = await request(server).get('/ui/api/checks').auth('u', 'p');
    expect(checks.body).toEqual({
      checks: [
        { name: 'database "up"', ok: true, ms: expect.any(Number) },
        {
          name: 'database "down"',
          ok: false,
          ms: expect.any(Number),
          message: 'database "down" is unreachable',
        },
      ],
    });
    expect((await request(server).get('/ui/api/checks')).status).toBe(401);
  });

  it('from startServer: the directory, its files, its warnings, the declared databases and the journal', async () => {
    const dir = join(__dirname, '..', 'fixtures', 'warn', 'stray-csv');
    const warnings: string[] = [];
    const server = await startServer({
      fixtures: dir,
      clock,
      adminTokens: ['adm'],
      logger: { error: () => undefined, warn: (_m, f) => warnings.push(String(f?.warning)) },
    });
    try {
      const info = (await (await fetch(`${server.url}/ui/api/info`)).json()) as Record<string, unknown>;
      expect(info.fixtures).toEqual({ source: resolve(dir), files: ['s.json'], warnings });
      expect(warnings).toEqual([expect.stringMatching(/is not read by any fixture file/)]);
      expect(info.journal).toBe(true);
    } finally {
      await server.close();
    }
    const demo = await startServer({ clock, logger: { error: () => undefined } });
    try {
      const info = (await (await fetch(`${demo.url}/ui/api/info`)).json()) as { databases: unknown };
      expect(info.databases).toEqual([{ name: 'home', dialect: 'sqlite' }]);
      const { checks } = (await (await fetch(`${demo.url}/ui/api/checks`)).json()) as {
        checks: { name: string; ok: boolean }[];
      };
      expect(checks.map(({ name, ok }) => ({ name, ok }))).toEqual([{ name: 'database "home"', ok: true }]);
    } finally {
      await demo.close();
    }
  });
});

describe('ui/api/connect', () => {
  it('answers the plugin URLs, the provisioning files and the commands for the URL given', async () => {
    const res = await request(app()).get('/ui/api/connect').query({ url: 'http://simplejson:8080/' });
    expect(res.status).toBe(200);
    const url = 'http://simplejson:8080';
    const common = {
      uid: undefined,
      access: 'proxy',
      url,
      basicAuthUser: undefined,
      withCredentials: false,
    } as const;
    expect(res.body).toEqual({
      url,
      plugins: [
        { name: 'JSON (simpod-json-datasource)', type: 'simpod-json-datasource', url },
        { name: 'SimpleJSON (legacy)', type: 'grafana-simple-json-datasource', url },
        { name: 'Infinity (URL of each query: /query)', type: 'yesoreyeram-infinity-datasource', url },
      ],
      yaml: provisioningYaml(
        [
          { ...common, name: 'simplejson-server', type: PLUGIN_TYPES.simpod, isDefault: false },
          { ...common, name: 'simplejson-server-legacy', type: PLUGIN_TYPES.legacy, isDefault: false },
        ],
        DEFAULT_PASSWORD_ENV,
      ),
      infinityYaml: expect.stringContaining('type: "yesoreyeram-infinity-datasource"'),
      commands: {
        provision:
          'simplejson-server grafana provision --grafana-url http://localhost:3000 --grafana-token "$GRAFANA_TOKEN" ' +
          '--url http://simplejson:8080 --type both',
        yaml: 'simplejson-server grafana yaml --url http://simplejson:8080 --type both > datasource.yaml',
      },
    });
    expect(res.body.infinityYaml).toContain(`allowedHosts:\n        - "${url}"`);
  });

  it('with basic auth, the data sources and the commands carry the user, never the password', async () => {
    const server = app({
      registry: testRegistry(),
      clock,
      auth: { basic: { user: 'grafana', password: 'pw' } },
    });
    const res = await request(server).get('/ui/api/connect?url=http://a:1').auth('grafana', 'pw');
    expect(res.body.yaml).toContain('basicAuthUser: "grafana"');
    expect(res.body.infinityYaml).toContain('basicAuthUser: "grafana"');
    expect(res.body.commands.provision).toContain(
      `--basic-auth-user grafana --basic-auth-password "$${DEFAULT_PASSWORD_ENV}"`,
    );
    expect(JSON.stringify(res.body)).not.toContain('pw"');
  });

  it.each([
    ['', 'url must be given once, e.g. ?url=http://simplejson:8080'],
    ['?url=ftp://x', 'url: "ftp://x" must start with http:// or https://'],
  ])('refuses %j with 400 INVALID_BODY', async (query, message) => {
    const res = await request(app()).get(`/ui/api/connect${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_BODY', message, field: 'query/url' });
  });
});
