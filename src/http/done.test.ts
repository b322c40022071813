import { EventEmitter } from 'node:events';
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
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
  it('runs every callback once, in order, with the response, without a listener on it', async () => {
    const seen: string[] = [];
    let listeners = -1;
    let before = -1;
    await withServer(
      (res) => {
        before = res.listenerCount('close') + res.listenerCount('finish');
        onResponseDone(res, (r) => seen.push(`a:${r === res}`));
        onResponseDone(res, () => seen.push('b'));
        listeners = res.listenerCount('close') + res.listenerCount('finish');
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
    expect(listeners).toBe(before);
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

  it('serves every request of a keep-alive connection with one close listener on it', async () => {
    const done: number[] = [];
    const socketListeners: number[] = [];
    let n = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await withServer(
      (res) => {
        const i = n++;
        onResponseDone(res, () => done.push(i));
        socketListeners.push(res.req.socket.listenerCount('close'));
        res.end('ok');
      },
      async (port) => {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve, reject) => {
            request({ port, host: '127.0.0.1', agent }, (res) => {
              res.resume();
              res.on('end', resolve);
            })
              .on('error', reject)
              .end();
          });
        }
      },
    );
    agent.destroy();
    expect(done).toEqual([0, 1, 2, 3, 4]);
    // The same connection each time, and its listener count did not grow with the requests.
    expect(new Set(socketListeners).size).toBe(1);
  });

  it('runs them for every request still in progress when a connection with several goes away', async () => {
    const done: string[] = [];
    let answered = false;
    await withServer(
      (res) => {
        const path = res.req.url ?? '';
        onResponseDone(res, (r) => done.push(`${path}:${r.writableFinished ? 'sent' : 'unsent'}`));
        if (path === '/a' && !answered) {
          answered = true;
          res.end('ok');
        }
      },
      (port) =>
        new Promise((resolve) => {
          // Three pipelined requests on one connection: the first is answered, the others never.
          const socket = connect(port, '127.0.0.1', () => {
            socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
            setTimeout(() => {
              socket.destroy();
              setTimeout(resolve, 100);
            }, 100);
          });
          socket.on('error', () => undefined);
          socket.resume();
        }),
    );
    expect(done).toEqual(['/a:sent', '/b:unsent']);
  });

  it("falls back to the response's own close event when it has no connection", () => {
    const res = new EventEmitter() as unknown as ServerResponse;
    let done = 0;
    onResponseDone(res, () => (done += 1));
    res.emit('close');
    res.emit('close');
    expect(done).toBe(1);
  });
});
