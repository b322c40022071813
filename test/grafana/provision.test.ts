import { PREFIX, provisionHarness, token } from './provision-harness';

const h = provisionHarness();
const { provision } = h;
const frontendOnly = () =>
  `Grafana could not health-check data source "simplejson-server" (404 "Plugin not found"): ` +
  `simpod-json-datasource is a frontend-only plugin, without a backend health check; checking ${h.simplejson.url} directly from here`;

describe('grafana provision: create, then update', () => {
  it('creates the data source when the name is free, and says so step by step', async () => {
    const run = await provision(token);
    expect(run).toEqual({
      code: 0,
      err: [],
      out: [
        `Grafana at ${h.grafana.url}, logging in with a service account token`,
        'no data source named "simplejson-server" yet: creating it',
        `created data source "simplejson-server" (id 1, uid gen1abcdefghi, simpod-json-datasource, proxy access, url ${h.simplejson.url})`,
        frontendOnly(),
        `GET ${h.simplejson.url}/ answered 200 (simplejson-server)`,
        'done',
      ],
    });
    expect(h.grafana.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/datasources/name/simplejson-server',
      'POST /api/datasources',
      'GET /api/datasources/uid/gen1abcdefghi/health',
    ]);
    expect(h.grafana.requests.every((r) => r.authorization === 'Bearer admin-token')).toBe(true);
    expect(h.grafana.requests[1]?.body).toEqual({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      access: 'proxy',
      url: h.simplejson.url,
      basicAuth: false,
      basicAuthUser: '',
      withCredentials: false,
      isDefault: false,
      jsonData: {},
    });
  });

  it('is idempotent: a second run finds it, changes nothing and keeps the uid', async () => {
    await provision([...token, '--uid', 'simplejson']);
    const again = await provision([...token, '--uid', 'simplejson']);
    expect(again.code).toBe(0);
    expect(again.out.slice(1, 3)).toEqual([
      `found data source "simplejson-server" (id 1, uid simplejson, simpod-json-datasource, proxy access, url ${h.simplejson.url}, version 1)`,
      'data source "simplejson-server" is up to date',
    ]);
    expect(h.grafana.list()).toHaveLength(1);
    expect(h.grafana.list()[0]).toMatchObject({ uid: 'simplejson', version: 1 });
    expect(h.grafana.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('updates by uid with the merged model: id, uid, version and hand-made fields kept', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'grafana-simple-json-datasource',
      uid: 'abc',
      access: 'direct',
      url: 'http://old:8080',
      user: 'kept-user',
      jsonData: { keepMe: true },
      withCredentials: true,
      version: 4,
    });
    const run = await provision([...token, '--default']);
    expect(run.code).toBe(0);
    expect(run.out[2]).toBe(
      'updated data source "simplejson-server" (version 4 → 5): type "grafana-simple-json-datasource" → ' +
        `"simpod-json-datasource", access "direct" → "proxy", url "http://old:8080" → "${h.simplejson.url}", ` +
        'withCredentials true → false, isDefault false → true',
    );
    const put = h.grafana.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/api/datasources/uid/abc');
    expect(put?.body).toEqual({
      id: 1,
      uid: 'abc',
      version: 4,
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      access: 'proxy',
      url: h.simplejson.url,
      user: 'kept-user',
      database: '',
      basicAuth: false,
      basicAuthUser: '',
      withCredentials: false,
      isDefault: true,
      jsonData: { keepMe: true },
    });
    expect(h.grafana.list()).toEqual([
      expect.objectContaining({
        id: 1,
        uid: 'abc',
        user: 'kept-user',
        jsonData: { keepMe: true },
        version: 5,
      }),
    ]);
  });

  it('changes the uid when --uid differs, addressing the data source by its current one', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      uid: 'old-uid',
      url: h.simplejson.url,
    });
    const run = await provision([...token, '--uid', 'new-uid']);
    expect(run.out[2]).toBe(
      'updated data source "simplejson-server" (version 1 → 2): uid "old-uid" → "new-uid"',
    );
    expect(h.grafana.requests.find((r) => r.method === 'PUT')?.path).toBe('/api/datasources/uid/old-uid');
    expect(h.grafana.list()[0]?.uid).toBe('new-uid');
  });

  it('provisions one of each plugin with --type both; only the first is the default', async () => {
    const run = await provision([
      ...token,
      '--type',
      'both',
      '--uid',
      'sj',
      '--default',
      '--skip-health-check',
    ]);
    expect(run.code).toBe(0);
    expect(
      h.grafana.list().map(({ name, type, uid, isDefault }) => ({ name, type, uid, isDefault })),
    ).toEqual([
      { name: 'simplejson-server', type: 'simpod-json-datasource', uid: 'sj', isDefault: true },
      {
        name: 'simplejson-server-legacy',
        type: 'grafana-simple-json-datasource',
        uid: 'sj-legacy',
        isDefault: false,
      },
    ]);
    expect(h.grafana.requests.some((r) => r.path.endsWith('/health'))).toBe(false);
  });
});

describe('grafana provision: basic auth towards this server', () => {
  const basic = ['--basic-auth-user', 'grafana', '--basic-auth-password', 's3cret-pw'];

  it('sends basicAuth, basicAuthUser and secureJsonData.basicAuthPassword; Grafana echoes only secureJsonFields', async () => {
    const run = await provision([...token, ...basic]);
    expect(run.code).toBe(0);
    expect(h.grafana.requests[1]?.body).toMatchObject({
      basicAuth: true,
      basicAuthUser: 'grafana',
      secureJsonData: { basicAuthPassword: 's3cret-pw' },
    });
    expect(h.grafana.list()[0]?.secureJsonData).toEqual({ basicAuthPassword: 's3cret-pw' });
    const found = await fetch(`${h.grafana.url}/api/datasources/name/simplejson-server`, {
      headers: { Authorization: 'Bearer admin-token' },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(found.secureJsonFields).toEqual({ basicAuthPassword: true });
    expect(found).not.toHaveProperty('secureJsonData');
    // The direct check uses the same credentials Grafana will send.
    const expected = `Basic ${Buffer.from('grafana:s3cret-pw').toString('base64')}`;
    expect(h.simplejson.seen[0]?.authorization).toBe(expected);
  });

  it('takes the password from SIMPLEJSON_BASIC_AUTH_PASSWORD', async () => {
    await provision([...token, '--basic-auth-user', 'grafana'], {
      SIMPLEJSON_BASIC_AUTH_PASSWORD: 's3cret-pw',
    });
    expect(h.grafana.list()[0]?.secureJsonData).toEqual({ basicAuthPassword: 's3cret-pw' });
  });

  it('keeps the stored password when a rerun gives none', async () => {
    await provision([...token, ...basic]);
    const again = await provision([...token, '--basic-auth-user', 'grafana']);
    expect(again.code).toBe(0);
    expect(again.out[2]).toBe('data source "simplejson-server" is up to date');
    expect(h.grafana.list()[0]?.secureJsonData).toEqual({ basicAuthPassword: 's3cret-pw' });
  });

  it('sets a new password on every run that gives one (Grafana never shows the stored one)', async () => {
    await provision([...token, ...basic]);
    const again = await provision([...token, ...basic]);
    expect(again.out[2]).toBe(
      'updated data source "simplejson-server" (version 1 → 2): basic auth password set',
    );
    expect(h.grafana.list()).toHaveLength(1);
  });

  it('refuses to create basic auth without a password', async () => {
    const run = await provision([...token, '--basic-auth-user', 'grafana']);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe(
      `${PREFIX}--basic-auth-user needs a password for a new data source: --basic-auth-password, ` +
        '--basic-auth-password-file or SIMPLEJSON_BASIC_AUTH_PASSWORD\n(see simplejson-server grafana provision --help)',
    );
    expect(h.grafana.requests.map((r) => r.method)).toEqual(['GET']);
  });
});

describe('grafana provision: logging in to Grafana', () => {
  it('logs in with a Grafana user and password (basic auth)', async () => {
    const run = await provision([
      '--grafana-user',
      'admin',
      '--grafana-password',
      'admin-pass',
      '--skip-health-check',
    ]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(`Grafana at ${h.grafana.url}, logging in with a user "admin"`);
    const expected = `Basic ${Buffer.from('admin:admin-pass').toString('base64')}`;
    expect(h.grafana.requests.map((r) => r.authorization)).toEqual([expected, expected]);
  });

  it('takes the login from GRAFANA_TOKEN', async () => {
    const run = await provision(['--skip-health-check'], { GRAFANA_TOKEN: 'admin-token' });
    expect(run.code).toBe(0);
    expect(h.grafana.requests[0]?.authorization).toBe('Bearer admin-token');
  });
});
