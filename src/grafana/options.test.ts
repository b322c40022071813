import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { type ProvisionOptions, parseProvision, parseYaml } from './options';

const required = ['--grafana-url', 'http://grafana:3000/', '--url', 'http://simplejson:8080'];

function provision(argv: string[], env: Record<string, string> = {}): ProvisionOptions {
  const parsed = parseProvision(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected run');
  return parsed.options;
}

const secretFile = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'grafana-opts-')), 'secret');
  writeFileSync(path, text);
  return path;
};

describe('grafana provision options', () => {
  it('has defaults', () => {
    expect(provision([...required, '--grafana-token', 't0ken'])).toEqual({
      grafanaUrl: 'http://grafana:3000',
      auth: { kind: 'token', token: 't0ken' },
      dataSources: [
        {
          name: 'simplejson-server',
          type: 'simpod-json-datasource',
          uid: undefined,
          access: 'proxy',
          url: 'http://simplejson:8080',
          basicAuthUser: undefined,
          withCredentials: false,
          isDefault: false,
        },
      ],
      basicAuthPassword: undefined,
      timeoutMs: 10_000,
      healthCheck: true,
      requireHealth: false,
    });
  });

  it('reads env vars; flags win', () => {
    const env = {
      GRAFANA_URL: 'https://env.example/grafana',
      GRAFANA_USER: 'env-user',
      GRAFANA_PASSWORD: 'env-pass',
      SIMPLEJSON_BASIC_AUTH_USER: 'env-basic',
      SIMPLEJSON_BASIC_AUTH_PASSWORD: 'env-basic-pass',
    };
    const fromEnv = provision(['--url', 'http://s:1'], env);
    expect(fromEnv.grafanaUrl).toBe('https://env.example/grafana');
    expect(fromEnv.auth).toEqual({ kind: 'basic', user: 'env-user', password: 'env-pass' });
    expect(fromEnv.dataSources[0]?.basicAuthUser).toBe('env-basic');
    expect(fromEnv.basicAuthPassword).toBe('env-basic-pass');
    const flags = provision(
      ['--url', 'http://s:1', '--grafana-url', 'http://flag:3000', '--grafana-password', 'flag-pass'],
      env,
    );
    expect(flags.grafanaUrl).toBe('http://flag:3000');
    expect(flags.auth).toEqual({ kind: 'basic', user: 'env-user', password: 'flag-pass' });
  });

  it('reads passwords from files (Docker secrets), without the trailing newline', () => {
    const grafanaFile = secretFile('from-file\n');
    const basicFile = secretFile('basic-from-file\r\n');
    const options = provision([
      ...required,
      '--grafana-user',
      'admin',
      '--grafana-password-file',
      grafanaFile,
      '--basic-auth-user',
      'g',
      '--basic-auth-password-file',
      basicFile,
    ]);
    expect(options.auth).toEqual({ kind: 'basic', user: 'admin', password: 'from-file' });
    expect(options.basicAuthPassword).toBe('basic-from-file');
    expect(
      provision([...required, '--grafana-user', 'a'], { GRAFANA_PASSWORD_FILE: grafanaFile }).auth,
    ).toEqual({
      kind: 'basic',
      user: 'a',
      password: 'from-file',
    });
  });

  it('parses the data source flags', () => {
    const options = provision([
      ...required,
      '--grafana-token',
      't',
      '--name',
      'JSON',
      '--type',
      'legacy',
      '--access',
      'direct',
      '--uid',
      'my_uid-1',
      '--with-credentials',
      '--default',
      '--timeout',
      '2.5',
      '--require-health',
    ]);
    expect(options.dataSources).toEqual([
      {
        name: 'JSON',
        type: 'grafana-simple-json-datasource',
        uid: 'my_uid-1',
        access: 'direct',
        url: 'http://simplejson:8080',
        basicAuthUser: undefined,
        withCredentials: true,
        isDefault: true,
      },
    ]);
    expect(options.timeoutMs).toBe(2500);
    expect(options.requireHealth).toBe(true);
  });

  it.each([
    ['--grafana-url (or GRAFANA_URL) is required, e.g. http://grafana:3000', [], {}],
    [
      '--url is required: the URL Grafana uses to reach this server, e.g. http://simplejson:8080',
      ['--grafana-url', 'http://g', '--grafana-token', 't'],
      {},
    ],
    [
      '--grafana-url: "grafana:3000" must start with http:// or https://',
      ['--grafana-url', 'grafana:3000'],
      {},
    ],
    ['--grafana-url: "not a url" is not a URL like http://host:3000', ['--grafana-url', 'not a url'], {}],
    [
      '--grafana-url must not carry a user or password; use the dedicated flags instead',
      ['--grafana-url', 'http://admin:admin@g:3000'],
      {},
    ],
    [
      'no Grafana login: give --grafana-token (GRAFANA_TOKEN), a service account token with the Admin role, or --grafana-user and --grafana-password (GRAFANA_USER, GRAFANA_PASSWORD)',
      ['--grafana-url', 'http://g'],
      { GRAFANA_URL: 'x' },
    ],
    [
      'give either a token (--grafana-token) or a user (--grafana-user) to log in to Grafana, not both',
      ['--grafana-url', 'http://g', '--grafana-token', 't', '--grafana-user', 'u'],
      {},
    ],
    [
      '--grafana-user needs a password: --grafana-password, --grafana-password-file or GRAFANA_PASSWORD',
      ['--grafana-url', 'http://g', '--grafana-user', 'u'],
      {},
    ],
    [
      '--grafana-password-file: cannot read "/nonexistent/pw" (ENOENT)',
      ['--grafana-url', 'http://g', '--grafana-user', 'u', '--grafana-password-file', '/nonexistent/pw'],
      {},
    ],
    [
      '--type must be simpod, legacy or both, got "prometheus"',
      [...required, '--grafana-token', 't', '--type', 'prometheus'],
      {},
    ],
    [
      '--access must be proxy or direct, got "browser"',
      [...required, '--grafana-token', 't', '--access', 'browser'],
      {},
    ],
    [
      '--uid: "has space" is not a Grafana uid (1-40 letters, digits, - or _)',
      [...required, '--grafana-token', 't', '--uid', 'has space'],
      {},
    ],
    [
      `--uid: "${'a'.repeat(34)}-legacy" is not a Grafana uid (1-40 letters, digits, - or _)`,
      [...required, '--grafana-token', 't', '--uid', 'a'.repeat(34), '--type', 'both'],
      {},
    ],
    [
      'a basic auth password was given without --basic-auth-user',
      [...required, '--grafana-token', 't', '--basic-auth-password', 'p'],
      {},
    ],
    [
      '--timeout must be a number of seconds above 0 and at most 300, got "0"',
      [...required, '--grafana-token', 't', '--timeout', '0'],
      {},
    ],
    [
      '--url: "ftp://x" must start with http:// or https://',
      [...required, '--grafana-token', 't', '--url', 'ftp://x'],
      {},
    ],
    ["Unknown option '--bogus'", [...required, '--grafana-token', 't', '--bogus'], {}],
  ])('refuses: %s', (message, argv, env) => {
    expect(() => parseProvision(argv, env)).toThrow(new ConfigError(message));
  });

  it('answers help', () => {
    expect(parseProvision(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseYaml(['-h'], {})).toEqual({ kind: 'help' });
  });
});

describe('grafana yaml options', () => {
  it('takes the data source flags and the password env name', () => {
    expect(parseYaml(['--url', 'http://s:1', '--basic-auth-password-env', 'GF_PW'], {})).toEqual({
      kind: 'run',
      options: {
        passwordEnv: 'GF_PW',
        dataSources: [expect.objectContaining({ url: 'http://s:1', type: 'simpod-json-datasource' })],
      },
    });
  });

  it('does not take Grafana login flags, and checks the env name', () => {
    expect(() => parseYaml(['--url', 'http://s:1', '--grafana-token', 't'], {})).toThrow(ConfigError);
    expect(() => parseYaml(['--url', 'http://s:1', '--basic-auth-password-env', '$X'], {})).toThrow(
      new ConfigError(
        '--basic-auth-password-env must be an env var name like SIMPLEJSON_BASIC_AUTH_PASSWORD, got "$X"',
      ),
    );
  });
});
