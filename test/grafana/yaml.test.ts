import { runCli } from './test-servers';

async function yaml(args: string[], env: Record<string, string> = {}) {
  const { code, out, err } = await runCli(['yaml', ...args], env);
  return { code, text: out.join('\n'), err };
}

describe('grafana yaml', () => {
  it('writes the JSON (simpod) plugin by default', async () => {
    expect(await yaml(['--url', 'http://simplejson:8080'])).toEqual({
      code: 0,
      err: [],
      text: [
        '# Grafana data source provisioning for simplejson-server.',
        "# Put it in Grafana's provisioning/datasources/ directory; Grafana applies it at start.",
        'apiVersion: 1',
        'datasources:',
        '  - name: "simplejson-server"',
        '    type: "simpod-json-datasource"',
        '    access: "proxy"',
        '    url: "http://simplejson:8080"',
        '    isDefault: false',
        '    withCredentials: false',
        '    basicAuth: false',
        '    jsonData: {}',
      ].join('\n'),
    });
  });

  it('writes the legacy plugin with basic auth as an env reference, never the password', async () => {
    const run = await yaml(
      [
        '--url',
        'http://simplejson:8080',
        '--type',
        'legacy',
        '--uid',
        'sj',
        '--access',
        'direct',
        '--with-credentials',
        '--default',
        '--basic-auth-user',
        'grafana',
      ],
      { SIMPLEJSON_BASIC_AUTH_PASSWORD: 'never-printed' },
    );
    expect(run.text).toBe(
      [
        '# Grafana data source provisioning for simplejson-server.',
        "# Put it in Grafana's provisioning/datasources/ directory; Grafana applies it at start.",
        '# Grafana must have SIMPLEJSON_BASIC_AUTH_PASSWORD in its environment.',
        'apiVersion: 1',
        'datasources:',
        '  - name: "simplejson-server"',
        '    type: "grafana-simple-json-datasource"',
        '    uid: "sj"',
        '    access: "direct"',
        '    url: "http://simplejson:8080"',
        '    isDefault: true',
        '    withCredentials: true',
        '    basicAuth: true',
        '    basicAuthUser: "grafana"',
        '    secureJsonData:',
        '      basicAuthPassword: "$SIMPLEJSON_BASIC_AUTH_PASSWORD"',
        '    jsonData: {}',
      ].join('\n'),
    );
    expect(run.text).not.toContain('never-printed');
  });

  it('writes both plugins with --type both: suffixed names and uids, one default', async () => {
    const run = await yaml([
      '--url',
      'http://simplejson:8080',
      '--type',
      'both',
      '--uid',
      'sj',
      '--default',
      '--basic-auth-user',
      'grafana',
      '--basic-auth-password-env',
      'SJ_PASSWORD',
    ]);
    const entry = (name: string, type: string, uid: string, isDefault: boolean) => [
      `  - name: "${name}"`,
      `    type: "${type}"`,
      `    uid: "${uid}"`,
      '    access: "proxy"',
      '    url: "http://simplejson:8080"',
      `    isDefault: ${isDefault}`,
      '    withCredentials: false',
      '    basicAuth: true',
      '    basicAuthUser: "grafana"',
      '    secureJsonData:',
      '      basicAuthPassword: "$SJ_PASSWORD"',
      '    jsonData: {}',
    ];
    expect(run.text.split('\n').slice(2)).toEqual([
      '# Grafana must have SJ_PASSWORD in its environment.',
      'apiVersion: 1',
      'datasources:',
      ...entry('simplejson-server', 'simpod-json-datasource', 'sj', true),
      ...entry('simplejson-server-legacy', 'grafana-simple-json-datasource', 'sj-legacy', false),
    ]);
  });

  it('quotes every string safely and escapes a literal $ for Grafana as $$', async () => {
    const run = await yaml(['--url', 'http://s:1/a', '--name', 'it\'s "$HOME": #1\n']);
    expect(run.text).toContain('  - name: "it\'s \\"$$HOME\\": #1"');
  });

  it('refuses what it cannot write', async () => {
    const run = await yaml(['--type', 'both']);
    expect(run).toEqual({
      code: 2,
      text: '',
      err: [
        'simplejson-server grafana yaml: --url is required: the URL Grafana uses to reach this server, ' +
          'e.g. http://simplejson:8080\n(see simplejson-server grafana yaml --help)',
      ],
    });
  });
});
