import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onResponseDone } from './done';

/** A real server whose handler registers callbacks, then answers (or not). */
async function withServer(
  handle: (res: ServerResponse) => void,
  run: (port: number) => Promise<void>,
): Promise<void> {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('onResponseDone', () => {
  it('runs every callback once, in order, with the response, on one close listener', async () => {
    const seen: string[] = [];
    let listeners = -1;
    await withServer(
      (res) => {
        onResponseDone(res, (r) => seen.push(`a:${r === res}`));
        onResponseDone(res, () => seen.push('b'));
        listeners = res.listenerCount('close');
        res.end('ok');
      },
      (port) =>
        new Promise((resolve, reject) => {
          request({ port, host: '127.0.0.1' }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
            .on('error', reject)
            .end();
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['a:true', 'b']);
    expect(listeners).toBe(1);
  });

  it('runs them when the client goes away before the answer', async () => {
    let done = 0;
    await withServer(
      (res) => onResponseDone(res, () => (done += 1)),
      (port) =>
        new Promise((resolve) => {
          const req = request({ port, host: '127.0.0.1' });
          req.on('error', () => undefined);
          req.end();
          setTimeout(() => {
            req.destroy();
            setTimeout(resolve, 100);
          }, 50);
        }),
    );
    expect(done).toBe(1);
  });
});
