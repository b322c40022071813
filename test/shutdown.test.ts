import { request as httpRequest } from 'node:http';
import { startServer } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { NOW, testRegistry } from './helpers';

const BODY = '{"target":"stored"}';

/** A POST to /search whose body is sent in two parts: the first now, the rest when `finish()` is called. */
function splitRequest(url: string) {
  const req = httpRequest(`${url}/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(BODY.length) },
  });
  const response = new Promise<{ status: number; connection: unknown; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
  });
  req.write(BODY.slice(0, 5));
  return { response, finish: () => req.end(BODY.slice(5)) };
}

/** Resolves once the server has a connection open (the split request has arrived). */
async function connected(server: {
  server: { getConnections(cb: (e: Error | null, n: number) => void): void };
}) {
  for (let i = 0; i < 250; i++) {
    const n = await new Promise<number>((r) => server.server.getConnections((_e, count) => r(count)));
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the request never arrived');
}

describe('graceful close', () => {
  it('a request in flight when close() is called completes, with Connection: close; new ones are refused', async () => {
    const server = await startServer({ registry: testRegistry(), clock: fixedClock(NOW) });
    const inFlight = splitRequest(server.url);
    await connected(server);
    let closed = false;
    const closing = server.close().then((result) => {
      closed = true;
      return result;
    });
    // Listening has stopped, but the request in flight is still being read.
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
    expect(closed).toBe(false);
    inFlight.finish();
    expect(await inFlight.response).toEqual({ status: 200, connection: 'close', body: '["stored.small"]' });
    expect(await closing).toEqual({ forced: false });
    expect(server.server.listening).toBe(false);
  });

  it('after shutdownTimeout, a request that is still not complete is cut off and close() resolves', async () => {
    const server = await startServer({ registry: testRegistry(), shutdownTimeout: 200 });
    const stuck = splitRequest(server.url);
    const outcome = stuck.response.then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await connected(server);
    expect(await server.close()).toEqual({ forced: true });
    expect(await outcome).toBe('socket hang up');
  });

  it('a second close() waits for the same shutdown', async () => {
    const server = await startServer({ registry: testRegistry() });
    const [a, b] = await Promise.all([server.close(), server.close()]);
    expect(a).toEqual({ forced: false });
    expect(b).toBe(a);
  });
});
