import { PREFIX, provisionHarness, token } from './provision-harness';
import { answering, closedPortUrl, hanging, runCli } from './test-servers';

const h = provisionHarness();
const { provision } = h;

describe('grafana provision: every failure names its cause', () => {
  it.each([
    [
      'a bad token (401)',
      ['--grafana-token', 'wrong-token'],
      'Grafana rejected the login (401 "Invalid API key"): check --grafana-token (GRAFANA_TOKEN), or --grafana-user and --grafana-password',
    ],
    [
      'a bad password (401)',
      ['--grafana-user', 'admin', '--grafana-password', 'nope-nope'],
      'Grafana rejected the login (401 "Invalid username or password"): check --grafana-token (GRAFANA_TOKEN), or --grafana-user and --grafana-password',
    ],
    [
      'a token without datasources:create (403)',
      ['--grafana-token', 'viewer-token'],
      'Grafana refused to create data source "simplejson-server" (403 "You\'ll need additional permissions to perform this action. ' +
        'Permissions needed: datasources:create"): the token or user lacks the datasources:create permission; give the service account the Admin role',
    ],
  ])('%s', async (_, login, message) => {
    const run = await provision(login);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([PREFIX + message]);
  });

  it('403 on update: lacks datasources:write', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      uid: 'abc',
      url: 'http://old',
    });
    h.grafana.tokens.set('reader', { actions: ['datasources:read'] });
    const run = await provision(['--grafana-token', 'reader']);
    expect(run.err).toEqual([
      `${PREFIX}Grafana refused to update data source "simplejson-server" (403 "You'll need additional permissions to perform this action. ` +
        'Permissions needed: datasources:write"): the token or user lacks the datasources:write permission; give the service account the Admin role',
    ]);
  });

  it('a read-only (file-provisioned) data source is refused before any PUT', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      readOnly: true,
      url: 'http://old',
    });
    const run = await provision(token);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe(
      `${PREFIX}data source "simplejson-server" is read-only in Grafana: it comes from a provisioning file; ` +
        'change that file (see "simplejson-server grafana yaml"), or choose another --name\n(see simplejson-server grafana provision --help)',
    );
  });

  it("403 read-only from Grafana's PUT", async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      uid: 'abc',
      url: 'http://old',
    });
    h.grafana.failNext('PUT ', 403, { message: 'Cannot update read-only data source' });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}data source "simplejson-server" is read-only in Grafana (403 "Cannot update read-only data source"): ` +
        'it comes from a provisioning file; change that file, or pick another --name',
    ]);
  });

  it('404 on update: deleted between lookup and update', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      uid: 'abc',
      url: 'http://old',
    });
    h.grafana.failNext('PUT /api/datasources/uid/abc', 404, { message: 'Data source not found' });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}data source "simplejson-server" (uid abc) vanished before it could be updated (404 "Data source not found"): ` +
        'it was deleted meanwhile; run the command again',
    ]);
  });

  it('409 on create: the uid is taken by another data source', async () => {
    h.grafana.seed({ name: 'other', type: 'prometheus', uid: 'taken' });
    const run = await provision([...token, '--uid', 'taken']);
    expect(run.err).toEqual([
      `${PREFIX}cannot create data source "simplejson-server": uid "taken" is taken by another data source ` +
        '(409 "data source with the same uid already exists"); choose another --uid, or leave it out',
    ]);
  });

  it('409 on create: the name was taken meanwhile', async () => {
    h.grafana.failNext('POST /api/datasources', 409, {
      message: 'data source with the same name already exists',
    });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}cannot create data source "simplejson-server": another data source already has that name ` +
        '(409 "data source with the same name already exists"); run the command again, or choose another --name',
    ]);
  });

  it('409 on update: someone else updated it first (stale version)', async () => {
    h.grafana.seed({
      name: 'simplejson-server',
      type: 'simpod-json-datasource',
      uid: 'abc',
      url: 'http://old',
    });
    h.grafana.failNext('PUT ', 409, {
      message: 'Datasource has already been updated by someone else. Please reload and try again',
    });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}data source "simplejson-server" was changed by someone else during the update ` +
        '(409 "Datasource has already been updated by someone else. Please reload and try again"); run the command again',
    ]);
  });

  it("any other status shows Grafana's message", async () => {
    h.grafana.failNext('POST ', 500, { message: 'Failed to add datasource' });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}Grafana answered 500 to POST /api/datasources while trying to create data source "simplejson-server": "Failed to add datasource"`,
    ]);
  });

  it('a wrong base URL (404 on the API) points at --grafana-url', async () => {
    h.grafana.failNext('POST ', 404, { message: 'Not found' });
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}Grafana has no POST /api/datasources (404 "Not found"): is --grafana-url (${h.grafana.url}) the Grafana root URL?`,
    ]);
  });

  it('an error without a message falls back to the HTTP status text', async () => {
    h.grafana.failNext('GET ', 401, {});
    const run = await provision(token);
    expect(run.err).toEqual([
      `${PREFIX}Grafana rejected the login (401 "Unauthorized"): check --grafana-token (GRAFANA_TOKEN), or --grafana-user and --grafana-password`,
    ]);
  });

  it('refuses to take over a data source of another type', async () => {
    h.grafana.seed({ name: 'simplejson-server', type: 'prometheus', url: 'http://prom' });
    const run = await provision(token);
    expect(run.code).toBe(2);
    expect(run.err[0]).toContain(
      'data source "simplejson-server" exists with type "prometheus", not a SimpleJSON/JSON plugin; refusing to change it',
    );
  });
});

describe('grafana provision: Grafana out of reach', () => {
  const against = (grafanaUrl: string, extra: string[] = []) =>
    runCli(['provision', '--grafana-url', grafanaUrl, ...token, '--url', h.simplejson.url, ...extra]);

  it('a closed port: connection refused', async () => {
    const closed = await closedPortUrl();
    const run = await against(closed);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `${PREFIX}cannot reach Grafana at ${closed}: connection refused (ECONNREFUSED); check --grafana-url and that Grafana is running`,
    ]);
  });

  it('no answer within --timeout', async () => {
    const slow = await hanging();
    const run = await against(slow.url, ['--timeout', '0.2']);
    await slow.close();
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `${PREFIX}cannot reach Grafana at ${slow.url}: no answer within 0.2 s (timeout); check --grafana-url and that Grafana is running`,
    ]);
  });

  it('a login page instead of JSON', async () => {
    const html = await answering(200, '<html>login</html>', 'text/html; charset=utf-8');
    const run = await against(html.url);
    await html.close();
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `${PREFIX}${html.url}/api/datasources/name/simplejson-server answered text/html; charset=utf-8 instead of JSON: ` +
        'is --grafana-url the Grafana root URL (with its sub-path, if Grafana is served under one)?',
    ]);
  });
});
