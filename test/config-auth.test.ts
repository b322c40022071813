import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parseConfig } from '../src/process/config';
import { ConfigError } from '../src/errors';
import { testApp } from './helpers';

const serve = (argv: string[], env: Record<string, string> = {}) => {
  const cmd = parseConfig(argv, env);
  if (cmd.kind !== 'serve') throw new Error('expected serve');
  return cmd.config;
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  // As `docker secret create` / a Kubernetes Secret volume / `echo` write them: a trailing newline.
  writeFileSync(join(dir, 'password'), 'pa ss:word \n');
  writeFileSync(join(dir, 'password-crlf'), 'windows\r\n');
  writeFileSync(join(dir, 'tokens'), '# rotated 2024-05-14\ntoken-new\n\n  token-old  \n');
  writeFileSync(join(dir, 'empty'), '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auth settings', () => {
  it('is off when nothing is set', () => {
    expect(serve([]).auth).toEqual({});
  });

  it('reads basic credentials from flags and env (flags win)', () => {
    expect(serve([], { BASIC_AUTH_USER: 'grafana', BASIC_AUTH_PASSWORD: 'pw' }).auth).toEqual({
      basic: { user: 'grafana', password: 'pw' },
    });
    expect(
      serve(['--basic-auth-user', 'admin'], { BASIC_AUTH_USER: 'grafana', BASIC_AUTH_PASSWORD: 'pw' }).auth,
    ).toEqual({ basic: { user: 'admin', password: 'pw' } });
  });

  it('reads a password file, dropping the trailing newline but no other whitespace', () => {
    const file = join(dir, 'password');
    expect(serve(['--basic-auth-user', 'u', '--basic-auth-password-file', file]).auth).toEqual({
      basic: { user: 'u', password: 'pa ss:word ' },
    });
    expect(
      serve([], { BASIC_AUTH_USER: 'u', BASIC_AUTH_PASSWORD_FILE: join(dir, 'password-crlf') }).auth,
    ).toEqual({ basic: { user: 'u', password: 'windows' } });
  });

  it('reads one token per line from a token file, skipping blanks and # comments', () => {
    expect(serve([], { BEARER_TOKEN_FILE: join(dir, 'tokens') }).auth).toEqual({
      bearerTokens: ['token-new', 'token-old'],
    });
    expect(serve(['--bearer-token', 'abc']).auth).toEqual({ bearerTokens: ['abc'] });
  });

  it('reads the health exemption', () => {
    expect(serve(['--bearer-token', 'abc', '--auth-exempt-health', 'true']).auth).toEqual({
      bearerTokens: ['abc'],
      exemptHealth: true,
    });
  });

  it.each([
    [['--basic-auth-user', 'u'], {}, /--basic-auth-user is set but the password is missing or empty/],
    [['--basic-auth-password', 'pw'], {}, /--basic-auth-password is set but --basic-auth-user is not/],
    [
      ['--basic-auth-user', 'u', '--basic-auth-password', 'pw', '--basic-auth-password-file', '/x'],
      {},
      /set --basic-auth-password or --basic-auth-password-file, not both/,
    ],
    [['--basic-auth-user', 'a:b', '--basic-auth-password', 'pw'], {}, /--basic-auth-user cannot contain ":"/],
    [
      ['--basic-auth-user', 'u'],
      { BASIC_AUTH_PASSWORD_FILE: '/no/such/secret' },
      /BASIC_AUTH_PASSWORD_FILE: cannot read "\/no\/such\/secret" \(ENOENT\)/,
    ],
    [[], { BEARER_TOKEN_FILE: 'EMPTY' }, /BEARER_TOKEN_FILE: ".*empty" has no token/],
    [['--bearer-token', 'a b'], {}, /a bearer token cannot be empty or contain whitespace/],
    [['--bearer-token', 'a', '--bearer-token-file', '/x'], {}, /set --bearer-token or --bearer-token-file/],
    [['--auth-exempt-health', 'maybe'], {}, /--auth-exempt-health must be true or false/],
  ])('refuses %j %j', (argv, env, message) => {
    const e = Object.fromEntries(
      Object.entries(env as Record<string, string>).map(([k, v]) => [
        k,
        v === 'EMPTY' ? join(dir, 'empty') : v,
      ]),
    );
    expect(() => parseConfig(argv, e)).toThrow(ConfigError);
    expect(() => parseConfig(argv, e)).toThrow(message);
  });

  it('never puts a secret in an error message', () => {
    for (const [argv, env] of [
      [['--basic-auth-password', 'hunter2'], {}],
      [['--bearer-token', 'hunter2 x'], {}],
      [
        ['--basic-auth-user', 'u', '--basic-auth-password', 'hunter2', '--basic-auth-password-file', '/x'],
        {},
      ],
    ] as const) {
      expect(() => parseConfig([...argv], env)).toThrow(ConfigError);
      try {
        parseConfig([...argv], env);
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('a password read from a file authenticates over HTTP', async () => {
    const { auth } = serve([], { BASIC_AUTH_USER: 'u', BASIC_AUTH_PASSWORD_FILE: join(dir, 'password') });
    const app = testApp({ auth });
    const header = (pw: string) => `Basic ${Buffer.from(`u:${pw}`).toString('base64')}`;
    await request(app).post('/search').set('Authorization', header('pa ss:word ')).send({}).expect(200);
    await request(app).post('/search').set('Authorization', header('pa ss:word \n')).send({}).expect(401);
  });
});

describe('limit and operations settings', () => {
  it('reads limits, timeouts, log level and watch', () => {
    expect(
      serve(['--max-targets', '5', '--request-timeout', '1500ms', '--log-level', 'WARN'], {
        MAX_IN_FLIGHT: '0',
        SHUTDOWN_TIMEOUT: '1m',
        WATCH: 'yes',
      }),
    ).toMatchObject({
      maxTargets: 5,
      maxInFlight: 0,
      requestTimeout: 1500,
      shutdownTimeout: 60_000,
      logLevel: 'warn',
      watch: true,
    });
    expect(serve(['--request-timeout', '0']).requestTimeout).toBe(0);
  });

  it.each([
    [['--max-targets', '0'], /--max-targets must be between 1 and 1000, got 0/],
    [['--max-targets', '1001'], /--max-targets must be between 1 and 1000/],
    [['--request-timeout', '1.5'], /--request-timeout: cannot parse "1.5" as a duration/],
    [['--request-timeout', '3600001'], /--request-timeout must be at most 3600s, got "3600001"/],
    [['--request-timeout', '2h'], /--request-timeout must be at most 3600s/],
    [['--shutdown-timeout', 'soon'], /--shutdown-timeout: cannot parse "soon"/],
    [['--log-level', 'loud'], /--log-level must be one of trace, debug, info, warn, error, fatal, silent/],
    [['--watch', 'sometimes'], /--watch must be true or false/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});
