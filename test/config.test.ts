import { parseConfig, usage } from '../src/process/config';
import { ConfigError } from '../src/errors';

const serve = (argv: string[], env: Record<string, string> = {}) => {
  const cmd = parseConfig(argv, env);
  if (cmd.kind !== 'serve') throw new Error('expected serve');
  return cmd.config;
};

describe('configuration from flags and env', () => {
  it('has defaults', () => {
    expect(serve([])).toEqual({
      port: 8080,
      host: '0.0.0.0',
      fixtures: undefined,
      cors: { origins: '*', credentials: false },
      bodyLimit: '1mb',
      defaultMaxDataPoints: 1000,
      maxDataPointsCeiling: 10000,
      maxPatternLength: 256,
      maxTargets: 100,
      maxInFlight: 256,
      requestTimeout: 10_000,
      shutdownTimeout: 10_000,
      auth: {},
      logLevel: 'info',
      watch: false,
      workers: 1,
      control: {
        adminTokens: [],
        writeTokens: [],
        dataDir: undefined,
        retentionMs: 30 * 24 * 3600_000,
        maxPointsPerSeries: 300_000,
        maxSeries: 10_000,
        journalSize: 1000,
        journalBytes: 8 * 1024 * 1024,
      },
      ui: true,
    });
  });

  it.each([
    [['--ui', 'false'], {}, false],
    [['--ui'], { UI: 'false' }, true],
    [[], { UI: 'off' }, false],
  ])('--ui %j with env %j → %j', (argv, env, expected) => {
    expect(serve(argv, env).ui).toBe(expected);
  });

  it('reads the runtime control settings from flags and env', () => {
    const env = { ADMIN_TOKEN: 'adm', WRITE_TOKEN: 'wrt', DATA_DIR: '/var/lib/sjs', RETENTION: '7d' };
    expect(
      serve(['--max-points-per-series', '1000', '--journal-size', '0', '--journal-bytes', '512kb'], env)
        .control,
    ).toEqual({
      adminTokens: ['adm'],
      writeTokens: ['wrt'],
      dataDir: '/var/lib/sjs',
      retentionMs: 7 * 24 * 3600_000,
      maxPointsPerSeries: 1000,
      maxSeries: 10_000,
      journalSize: 0,
      journalBytes: 512 * 1024,
    });
  });

  it.each([
    [
      ['--admin-token', 'same', '--bearer-token', 'same'],
      /the admin token must differ from Grafana's credentials/,
    ],
    [
      ['--write-token', 'pw', '--basic-auth-user', 'u', '--basic-auth-password', 'pw'],
      /a write token must differ from Grafana's/,
    ],
    [['--admin-token', 'x', '--write-token', 'x'], /a write token must differ from the admin token/],
    [['--admin-token', 'has space'], /an admin token cannot be empty or contain whitespace/],
    [['--retention', '0s'], /--retention must be longer than 0/],
    [['--retention', 'soon'], /--retention/],
    [['--max-points-per-series', '0'], /--max-points-per-series must be between 1 and/],
    [['--journal-bytes', '10kb'], /--journal-bytes must be a size from 64kb to 4gb, like 8mb, got "10kb"/],
    [['--journal-bytes', 'lots'], /--journal-bytes must be a size/],
  ])('refuses %j', (argv, message) => {
    expect(() => serve(argv)).toThrow(message);
  });

  it('reads env vars, and flags win over them', () => {
    const env = {
      PORT: '9000',
      HOST: '127.0.0.1',
      FIXTURES_DIR: '/data',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      BODY_LIMIT: '512kb',
    };
    expect(serve([], env)).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      fixtures: '/data',
      cors: { origins: ['https://a.example', 'https://b.example'], credentials: true },
      bodyLimit: '512kb',
    });
    expect(serve(['--port', '0', '--fixtures', './mine', '--cors-credentials', 'false'], env)).toMatchObject({
      port: 0,
      fixtures: './mine',
      cors: { origins: ['https://a.example', 'https://b.example'], credentials: false },
    });
  });

  it.each([
    [['--port', '70000'], {}, /--port must be between 0 and 65535, got 70000/],
    [[], { PORT: 'http' }, /PORT must be a whole number, got "http"/],
    [['--body-limit', 'lots'], {}, /--body-limit must be a size like 512kb or 1mb, got "lots"/],
    [['--cors-origins', 'grafana.local'], {}, /"grafana.local" is not an origin/],
    [['--cors-origins', '*,https://a.example'], {}, /\* cannot be combined/],
    [['--cors-credentials', 'maybe'], {}, /--cors-credentials must be true or false/],
    [['--max-data-points', '10', '--default-max-data-points', '100'], {}, /above the ceiling/],
    [['--nope'], {}, /Unknown option '--nope'/],
    [['stray'], {}, /Unexpected argument 'stray'/],
    [['--workers', '0'], {}, /--workers must be between 1 and 64, got 0/],
    [[], { WORKERS: '65' }, /WORKERS must be between 1 and 64, got 65/],
    [['--workers', 'two'], {}, /--workers must be a whole number, got "two"/],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => parseConfig(argv, env as Record<string, string>)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env as Record<string, string>)).toThrow(message);
  });

  it('reads the worker count from WORKERS or --workers', () => {
    expect(serve([], { WORKERS: '4' }).workers).toBe(4);
    expect(serve(['--workers', '2'], { WORKERS: '4' }).workers).toBe(2);
    expect(usage()).toMatch(/--workers[^\n]*1-64/);
  });

  it('--help and --version', () => {
    expect(parseConfig(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseConfig(['-v'], {})).toEqual({ kind: 'version' });
    for (const flag of ['--port', '--fixtures', '--cors-origins', '--body-limit', 'FIXTURES_DIR']) {
      expect(usage()).toContain(flag);
    }
  });
});

describe('true/false flags', () => {
  const BOOLEANS = {
    watch: (argv: string[]) => serve(argv).watch,
    'cors-credentials': (argv: string[]) => serve(argv).cors.credentials,
    'auth-exempt-health': (argv: string[]) => serve(['--bearer-token', 't', ...argv]).auth.exemptHealth,
  } as const;

  describe.each(Object.entries(BOOLEANS))('--%s', (flag, read) => {
    it.each([
      [[`--${flag}`], true],
      [[`--${flag}`, '--port', '9000'], true],
      [['--port', '9000', `--${flag}`], true],
      [[`--${flag}=false`], false],
      [[`--${flag}=true`], true],
      [[`--${flag}`, 'false'], false],
      [[`--${flag}`, 'no'], false],
      [[`--${flag}`, 'true', '--port', '9000'], true],
    ])('%j reads as %j', (argv, expected) => {
      expect(read(argv)).toBe(expected);
    });

    it('alone does not swallow the next flag', () => {
      expect(serve([`--${flag}`, '--port', '9000', '--host', '127.0.0.1'])).toMatchObject({
        port: 9000,
        host: '127.0.0.1',
      });
    });

    it.each([[[`--${flag}`, 'maybe']], [[`--${flag}=maybe`]]])('refuses %j by name', (argv) => {
      expect(() => parseConfig(argv, {})).toThrow(
        new ConfigError(`--${flag} must be true or false, got "maybe"`),
      );
    });
  });

  it('a string flag keeps a value that looks like a true/false flag', () => {
    expect(serve(['--basic-auth-user', 'u', '--basic-auth-password', 'watch', '--watch']).auth).toEqual({
      basic: { user: 'u', password: 'watch' },
    });
    expect(serve(['--host', 'true', '--watch']).host).toBe('true');
  });

  it('leaves arguments after -- alone', () => {
    expect(() => parseConfig(['--', '--watch'], {})).toThrow(/Unexpected argument '--watch'/);
  });

  it('reads env values as before', () => {
    expect(serve([], { WATCH: 'on', CORS_CREDENTIALS: 'false' })).toMatchObject({
      watch: true,
      cors: { credentials: false },
    });
    expect(serve(['--watch=false'], { WATCH: 'true' }).watch).toBe(false);
  });
});

describe('durations', () => {
  it.each([
    ['5000', 5000],
    ['0', 0],
    ['10s', 10_000],
    ['1500ms', 1500],
    ['1m30s', 90_000],
    [' 250 ', 250],
  ])('--request-timeout %j is %d ms', (text, ms) => {
    expect(serve(['--request-timeout', text]).requestTimeout).toBe(ms);
  });

  it('a bare number is milliseconds in env vars too', () => {
    expect(serve([], { REQUEST_TIMEOUT: '2500', SHUTDOWN_TIMEOUT: '30000' })).toMatchObject({
      requestTimeout: 2500,
      shutdownTimeout: 30_000,
    });
  });
});
