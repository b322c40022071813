import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import request from 'supertest';
import { startServer } from '../../src/process/start';
import { fixedClock } from '../../src/time/clock';
import { NOW, testApp, testRegistry } from '../helpers';

const error = (code: string, message: string, field?: string) => ({
  message,
  code,
  error: { code, message },
  ...(field === undefined ? {} : { field }),
});

const targets = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ target: 'stored.small', refId: `R${i}` }));

describe('body size', () => {
  it('a body over bodyLimit is 413 PAYLOAD_TOO_LARGE naming the limit', async () => {
    const res = await request(testApp({ bodyLimit: 100 }))
      .post('/search')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ target: 'x'.repeat(200) }))
      .expect(413);
    expect(res.body).toEqual(
      error('PAYLOAD_TOO_LARGE', 'body is larger than the limit of 100 bytes', 'body'),
    );
  });
});

describe('targets per query', () => {
  it('accepts maxTargets targets and refuses one more with 400 INVALID_BODY', async () => {
    const app = testApp({ maxTargets: 3 });
    const ok = await request(app)
      .post('/query')
      .send({ targets: targets(3), range: { from: NOW - 3_600_000, to: NOW } })
      .expect(200);
    expect(ok.body).toHaveLength(3);
    const res = await request(app)
      .post('/query')
      .send({ targets: targets(4) })
      .expect(400);
    expect(res.body).toEqual(
      error('INVALID_BODY', 'body/targets must NOT have more than 3 items', 'body/targets'),
    );
  });

  it('the default is 100', async () => {
    await request(testApp())
      .post('/query')
      .send({ targets: targets(100) })
      .expect(200);
    const res = await request(testApp())
      .post('/query')
      .send({ targets: targets(101) })
      .expect(400);
    expect(res.body.message).toBe('body/targets must NOT have more than 100 items');
  });

  it('the schema caps targets at 1000 whatever maxTargets says', async () => {
    const res = await request(testApp({ maxTargets: 5000 }))
      .post('/query')
      .send({ targets: targets(1001) })
      .expect(400);
    expect(res.body).toEqual(
      error('INVALID_BODY', 'body/targets must NOT have more than 1000 items', 'body/targets'),
    );
  });
});

describe('regex length and maxDataPoints ceiling', () => {
  it('a regex longer than maxPatternLength is 400 INVALID_PATTERN', async () => {
    const res = await request(testApp({ maxPatternLength: 10 }))
      .post('/query')
      .send({ targets: [{ target: `/${'a'.repeat(11)}/` }] })
      .expect(400);
    expect(res.body.code).toBe('INVALID_PATTERN');
    expect(res.body.message).toMatch(/is too long \(11 > 10 characters\)/);
  });

  it('maxDataPoints above the ceiling is clamped to it, not refused', async () => {
    const res = await request(testApp({ maxDataPointsCeiling: 7 }))
      .post('/query')
      .send({
        targets: [{ target: 'temperature.Berlin', refId: 'A' }],
        range: { from: NOW - 3_600_000, to: NOW },
        maxDataPoints: 1_000_000,
      })
      .expect(200);
    expect(res.body[0].datapoints.length).toBeLessThanOrEqual(7);
    expect(res.body[0].datapoints.length).toBeGreaterThan(0);
  });
});

/** Opens a POST whose body never completes, to hold a request in flight for as long as the test wants. */
function holdOpen(url: string, path = '/search') {
  const req = httpRequest(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': '100' },
  });
  const response = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
    },
  );
  req.write('{"target":');
  return { req, response };
}

describe('requests in flight', () => {
  it('the request over maxInFlight gets 503 OVERLOADED with Retry-After; OPTIONS and GET / still answer', async () => {
    const server = await startServer({ registry: testRegistry(), clock: fixedClock(NOW), maxInFlight: 1 });
    try {
      const held = holdOpen(server.url);
      // Wait until the server has the held request (the slot is taken on arrival).
      await waitFor(async () => (await post(server.url, '/search', { target: '' })).status === 503);
      const res = await post(server.url, '/search', { target: 'stored' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toEqual(error('OVERLOADED', 'too many requests in flight (limit 1); retry after 1 s'));
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      expect((await fetch(`${server.url}/query`, { method: 'OPTIONS' })).status).toBe(204);
      // Finishing the held request frees the slot.
      held.req.end(`"stored"}${' '.repeat(100 - 19)}`);
      expect((await held.response).status).toBe(200);
      await waitFor(async () => (await post(server.url, '/search', { target: 'stored' })).status === 200);
    } finally {
      await server.close();
    }
  });

  it('a client that goes away frees its slot', async () => {
    const server = await startServer({ registry: testRegistry(), clock: fixedClock(NOW), maxInFlight: 1 });
    try {
      const held = holdOpen(server.url);
      held.response.catch(() => undefined);
      await waitFor(async () => (await post(server.url, '/search', { target: '' })).status === 503);
      held.req.destroy();
      await waitFor(async () => (await post(server.url, '/search', { target: 'stored' })).status === 200);
    } finally {
      await server.close();
    }
  });

  it('many parallel requests under the limit all succeed', async () => {
    const server = await startServer({ registry: testRegistry(), clock: fixedClock(NOW), maxInFlight: 64 });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => post(server.url, '/search', { target: 'stored' })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    } finally {
      await server.close();
    }
  });
});

describe('request timeout', () => {
  it('a body that does not arrive in time is answered 408 TIMEOUT with Connection: close', async () => {
    const server = await startServer({
      registry: testRegistry(),
      clock: fixedClock(NOW),
      requestTimeout: 300,
    });
    try {
      const held = holdOpen(server.url);
      const res = await held.response;
      expect(res.status).toBe(408);
      expect(res.headers.connection).toBe('close');
      expect(JSON.parse(res.body)).toEqual(
        error('TIMEOUT', 'request not complete after 300 ms (body sent too slowly?)'),
      );
      // The server still serves.
      expect((await post(server.url, '/search', { target: 'stored' })).body).toEqual(['stored.small']);
    } finally {
      await server.close();
    }
  });

  it('headers that trickle in are cut off by Node after the same time (a bare 408, then close)', async () => {
    const server = await startServer({ registry: testRegistry(), requestTimeout: 500 });
    try {
      const socket = connect(server.port, '127.0.0.1');
      socket.write('POST /search HTTP/1.1\r\nHost: localhost\r\n'); // and never the blank line
      let received = '';
      socket.on('data', (c: Buffer) => {
        received += c.toString();
      });
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      await server.close();
    }
  });

  it('the timeout also runs through supertest on createApp (no listening server of ours)', async () => {
    const app = testApp({ requestTimeout: 200 });
    const srv = app.listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      const { port } = srv.address() as AddressInfo;
      const held = holdOpen(`http://127.0.0.1:${port}`, '/query');
      expect((await held.response).status).toBe(408);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

/** Polls `check` until it is true (a generous bound: this is a safety net, not a timing assertion). */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
