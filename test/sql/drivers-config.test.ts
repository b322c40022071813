/** Declared databases: defaults, dialects, passwords from a secret file or an env var, describeUrl. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureError } from '../../src/errors';
import { DATABASE_DEFAULTS, describeUrl, resolveDatabase } from '../../src/sql/databases';
import { numeric, timestampMs } from '../../src/sql/driver-values';
import { Limiter } from '../../src/sql/pool-limiter';

const dir = mkdtempSync(join(tmpdir(), 'drivers-config-'));
const context = { baseDir: dir, env: {} };

describe('resolveDatabase', () => {
  it('applies the defaults: read-only, pool 4, maxConcurrent = pool, 5 s statements, 100 000 rows', () => {
    expect(
      resolveDatabase({ name: 'plant', url: 'postgres://grafana@db.internal:5432/plant' }, context),
    ).toEqual({
      name: 'plant',
      dialect: 'postgres',
      target: 'postgres://grafana@db.internal:5432/plant',
      password: undefined,
      readOnly: true,
      pool: 4,
      maxConcurrent: 4,
      statementTimeout: 5000,
      queueTimeout: 5000,
      connectTimeout: 2000,
      maxRows: 100_000,
    });
    expect(DATABASE_DEFAULTS.readOnly).toBe(true);
  });

  it.each([
    ['postgres://u@h/db', 'postgres'],
    ['postgresql://u@h/db', 'postgres'],
    ['mysql://u@h/db', 'mysql'],
    ['mariadb://u@h/db', 'mysql'],
    ['sqlite:data/plant.db', 'sqlite'],
  ])('knows the dialect of %s', (url, dialect) => {
    expect(resolveDatabase({ name: 'plant', url }, context).dialect).toBe(dialect);
  });

  it('resolves a relative SQLite path against the base directory and keeps an absolute one', () => {
    expect(resolveDatabase({ name: 'a', url: 'sqlite:data/plant.db' }, context).target).toBe(
      join(dir, 'data/plant.db'),
    );
    expect(resolveDatabase({ name: 'a', url: 'sqlite:/var/lib/plant.db' }, context).target).toBe(
      '/var/lib/plant.db',
    );
    expect(resolveDatabase({ name: 'a', url: 'sqlite:///var/lib/plant.db' }, context).target).toBe(
      '/var/lib/plant.db',
    );
  });

  it('takes the password out of the URL (the target never holds it)', () => {
    const settings = resolveDatabase({ name: 'plant', url: 'mysql://grafana:p%40ss@db:3306/plant' }, context);
    expect(settings.password).toBe('p@ss');
    expect(settings.target).toBe('mysql://grafana@db:3306/plant');
  });

  it('reads passwordFile (relative to the base directory, trailing newline dropped)', () => {
    writeFileSync(join(dir, 'db-password'), 'correct horse \n');
    const settings = resolveDatabase(
      { name: 'plant', url: 'postgres://grafana:inurl@db/plant', passwordFile: 'db-password' },
      context,
    );
    expect(settings.password).toBe('correct horse ');
    expect(settings.target).toBe('postgres://grafana@db/plant');
  });

  it('reads passwordEnv', () => {
    const settings = resolveDatabase(
      { name: 'plant', url: 'postgres://grafana@db/plant', passwordEnv: 'PLANT_DB_PASSWORD' },
      { baseDir: dir, env: { PLANT_DB_PASSWORD: 's3cret' } },
    );
    expect(settings.password).toBe('s3cret');
  });

  it.each([
    [
      { url: 'oracle://u@h/db' },
      'databases/plant/url: unsupported database url "oracle://u@h/db": use postgres://, mysql://, mariadb:// or sqlite:',
    ],
    [{ url: 'sqlite:' }, 'databases/plant/url: sqlite: needs a file path'],
    [{ url: 'postgres://u@h/db', pool: 0 }, 'databases/plant/pool: must be a positive integer, got 0'],
    [
      { url: 'postgres://u@h/db', statementTimeout: 1.5 },
      'databases/plant/statementTimeout: must be a positive integer, got 1.5',
    ],
    [
      { url: 'postgres://u@h/db', passwordEnv: 'NOPE' },
      'databases/plant/passwordEnv: env var NOPE is not set',
    ],
    [
      { url: 'postgres://u@h/db', passwordEnv: 'A', passwordFile: 'b' },
      'databases/plant: give passwordFile or passwordEnv, not both',
    ],
  ])('refuses %j with a FixtureError naming the field', (fields, message) => {
    const run = (): unknown => resolveDatabase({ name: 'plant', ...fields }, context);
    expect(run).toThrow(FixtureError);
    expect(run).toThrow(message);
  });

  it('names a missing passwordFile by path and code, never by content', () => {
    expect(() =>
      resolveDatabase({ name: 'plant', url: 'postgres://u@h/db', passwordFile: 'missing' }, context),
    ).toThrow(`databases/plant/passwordFile: cannot read ${JSON.stringify(join(dir, 'missing'))} (ENOENT)`);
  });

  it('never shows a URL password in its errors', () => {
    const run = (): unknown => resolveDatabase({ name: 'plant', url: 'oracle://u:hunter2@h/db' }, context);
    expect(run).toThrow('oracle://u:***@h/db');
    expect(run).not.toThrow(/hunter2/);
  });
});

describe('describeUrl', () => {
  it.each([
    ['postgres://grafana:hunter2@db:5432/plant', 'postgres://grafana:***@db:5432/plant'],
    ['mysql://grafana@db/plant', 'mysql://grafana@db/plant'],
    ['sqlite:data/plant.db', 'sqlite:data/plant.db'],
    ['postgres://a:b@[::1', 'postgres:(unparsable url)'],
  ])('%s → %s', (url, described) => {
    expect(describeUrl(url)).toBe(described);
  });
});

describe('driver values', () => {
  it.each([
    ['2024-03-01 12:00:00', Date.UTC(2024, 2, 1, 12)],
    ['2024-03-01 12:00:00.250', Date.UTC(2024, 2, 1, 12, 0, 0, 250)],
    ['2024-03-01 12:00:00.123456', Date.UTC(2024, 2, 1, 12, 0, 0, 123)],
    ['2024-03-01 12:00:00+02', Date.UTC(2024, 2, 1, 10)],
    ['2024-03-01 12:00:00-05:30', Date.UTC(2024, 2, 1, 17, 30)],
    ['2024-03-01T12:00:00Z', Date.UTC(2024, 2, 1, 12)],
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    ['infinity', null],
  ])('timestampMs(%j) = %j, in UTC whatever the zone', (text, ms) => {
    expect(timestampMs(text)).toBe(ms);
  });

  it.each([
    ['12345.678', 12345.678],
    ['9007199254740993', 9007199254740992],
    ['-0.5', -0.5],
    ['NaN', NaN],
    ['abc', null],
  ])('numeric(%j) = %j', (text, value) => {
    expect(numeric(text)).toBe(value);
  });
});

describe('Limiter', () => {
  const timeout = (): Error => new Error('timeout');
  const aborted = (): Error => new Error('aborted');

  it('grants up to max at once and hands a released slot to the next in line, in order', async () => {
    const limiter = new Limiter(2);
    const signal = new AbortController().signal;
    const a = await limiter.acquire(signal, 1000, timeout, aborted);
    const b = await limiter.acquire(signal, 1000, timeout, aborted);
    const order: string[] = [];
    const c = limiter.acquire(signal, 1000, timeout, aborted).then((release) => (order.push('c'), release));
    const d = limiter.acquire(signal, 1000, timeout, aborted).then((release) => (order.push('d'), release));
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 2 });
    a();
    a(); // a second release is a no-op
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('gives up on timeout or abort, leaving the queue empty', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire(new AbortController().signal, 1000, timeout, aborted);
    await expect(limiter.acquire(new AbortController().signal, 20, timeout, aborted)).rejects.toThrow(
      'timeout',
    );
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal, 1000, timeout, aborted);
    controller.abort();
    await expect(waiting).rejects.toThrow('aborted');
    expect(limiter.waiting).toBe(0);
    release();
    expect(limiter.active).toBe(0);
    const already = new AbortController();
    already.abort();
    await expect(limiter.acquire(already.signal, 1000, timeout, aborted)).rejects.toThrow('aborted');
  });
});
