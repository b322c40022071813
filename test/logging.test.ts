import express from 'express';
import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import { createPino, pinoLogger } from '../src/process/logging';
import { createRouter } from '../src/http/router';
import { testApp, testRegistry } from './helpers';

/** A pino destination that keeps the lines it is given, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    stream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  };
}

const SECRET = 'hunter2-secret';
const auth = `Basic ${Buffer.from(`grafana:${SECRET}`).toString('base64')}`;

describe('request logs', () => {
  it('writes one line per request: method, path, status, ms; never headers, bodies or query strings', async () => {
    const { lines, stream } = capture();
    const app = testApp({
      logger: pinoLogger(createPino('info', stream)),
      auth: { basic: { user: 'grafana', password: SECRET } },
    });
    await request(app)
      .post(`/search?token=${SECRET}`)
      .set('Authorization', auth)
      .set('Cookie', `session=${SECRET}`)
      .send({ target: SECRET })
      .expect(200);
    await request(app).post('/query').set('Authorization', 'Basic d3Jvbmc6d3Jvbmc=').send({}).expect(401);
    expect(lines).toHaveLength(2);
    const [ok, refused] = lines.map(({ time, ms, pid: _pid, hostname: _hostname, ...rest }) => {
      expect(typeof time).toBe('number');
      expect(typeof ms).toBe('number');
      return rest;
    });
    expect(ok).toEqual({
      level: 30,
      name: 'simplejson-server',
      msg: 'request',
      method: 'POST',
      path: '/search',
      status: 200,
    });
    expect(refused).toEqual({
      level: 30,
      name: 'simplejson-server',
      msg: 'request',
      method: 'POST',
      path: '/query',
      status: 401,
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(JSON.stringify(lines)).not.toContain('d3Jvbmc6d3Jvbmc');
  });

  it('logs preflights too, and the full path under a mount point', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use('/grafana', createRouter(testRegistry(), { logger: pinoLogger(createPino('info', stream)) }));
    await request(app).options('/grafana/query').set('Access-Control-Request-Method', 'POST').expect(204);
    expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([['OPTIONS', '/grafana/query', 204]]);
  });

  it('cuts a very long path', async () => {
    const { lines, stream } = capture();
    const app = testApp({ logger: pinoLogger(createPino('info', stream)) });
    await request(app)
      .post(`/${'a'.repeat(5000)}`)
      .send({})
      .expect(404);
    expect(lines[0]?.path).toBe(`/${'a'.repeat(199)}…`);
  });

  it('level warn drops request lines; silent drops everything', async () => {
    const warn = capture();
    await request(testApp({ logger: pinoLogger(createPino('warn', warn.stream)) }))
      .get('/')
      .expect(200);
    expect(warn.lines).toEqual([]);
    // Above info there is no info method at all, so no request log is installed and no fields are built.
    expect(pinoLogger(createPino('warn', warn.stream)).info).toBeUndefined();
    expect(pinoLogger(createPino('error', warn.stream)).warn).toBeUndefined();
    const silent = capture();
    const logger = pinoLogger(createPino('silent', silent.stream));
    logger.error('boom', new Error('x'));
    expect(silent.lines).toEqual([]);
  });

  it('errors go through the Logger interface with the cause serialised', () => {
    const { lines, stream } = capture();
    pinoLogger(createPino('info', stream)).error('unexpected error on POST /query', new Error('kaput'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'unexpected error on POST /query',
      err: { message: 'kaput' },
    });
  });

  it('redacts credential-named fields if a caller ever passes one', () => {
    const { lines, stream } = capture();
    pinoLogger(createPino('info', stream)).info?.('x', { password: SECRET, nested: { token: SECRET } });
    expect(lines[0]).toMatchObject({ password: '[redacted]', nested: { token: '[redacted]' } });
  });
});

describe('request lines through a Logger of its own', () => {
  it('a logger without request() gets the line as info("request", fields)', async () => {
    const seen: Array<[string, Record<string, unknown> | undefined]> = [];
    const app = testApp({
      logger: {
        error: () => undefined,
        info: (message, fields) => seen.push([message, fields && { ...fields }]),
      },
    });
    await request(app).post('/search').send({ target: '' }).expect(200);
    expect(seen).toEqual([
      ['request', { method: 'POST', path: '/search', status: 200, ms: expect.any(Number) }],
    ]);
  });

  it('pinoLogger writes the request line without the credential scan, other lines still with it', () => {
    const { lines, stream } = capture();
    const logger = pinoLogger(createPino('info', stream));
    logger.request?.({ method: 'GET', path: '/', status: 200, ms: 0.3 });
    logger.info?.('other', { password: SECRET });
    expect(lines.map(({ msg, method, password }) => ({ msg, method, password }))).toEqual([
      { msg: 'request', method: 'GET', password: undefined },
      { msg: 'other', method: undefined, password: '[redacted]' },
    ]);
  });

  it('the hand-built request line is byte for byte what pino writes for the same fields', () => {
    const raw: string[] = [];
    const own: string[] = [];
    const logger = pinoLogger(createPino('info', { write: (l: string) => own.push(l) }));
    const reference = createPino('info', { write: (l: string) => raw.push(l) });
    const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'OPTIONS', 'PROPFIND'),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.integer({ min: 100, max: 599 }),
        fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 10),
        fc.boolean(),
        (method, path, status, ms, aborted) => {
          const line = { method, path, status, ms, ...(aborted ? { aborted: true as const } : {}) };
          logger.request?.(line);
          reference.info(line, 'request');
          expect(withoutTime(own[own.length - 1] as string)).toBe(withoutTime(raw[raw.length - 1] as string));
        },
      ),
    );
    expect(own.length).toBeGreaterThan(50);
  });

  it('a pino logger made elsewhere still gets its request line through pino', () => {
    const { lines, stream } = capture();
    const logger = pinoLogger(pino({ messageKey: 'message', base: { app: 'x' } }, stream));
    logger.request?.({ method: 'GET', path: '/', status: 200, ms: 0.3 });
    expect(lines).toEqual([
      expect.objectContaining({ message: 'request', app: 'x', method: 'GET', path: '/', status: 200 }),
    ]);
  });
});
