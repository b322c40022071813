// A PGlite database behind its wire-protocol socket server, run as a child of a test (jest's module VM
// cannot load PGlite, and a statement running in PGlite would block the test's own event loop).
// argv: port, maxConnections. IPC: 'stop' / 'start' take the port down and up; 'close' exits.
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

const port = Number(process.argv[2]);
const maxConnections = Number(process.argv[3]);

async function main() {
  const db = await PGlite.create();
  let server;
  const start = async () => {
    if (server !== undefined) return;
    server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections });
    await server.start();
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (running !== undefined) await running.stop();
  };
  process.on('message', (message) => {
    const done = (error) =>
      process.send({ reply: message, error: error === undefined ? undefined : String(error) });
    if (message === 'start') start().then(() => done(), done);
    else if (message === 'stop') stop().then(() => done(), done);
    else if (message === 'close')
      stop()
        .then(() => db.close())
        .finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  await start();
  process.send({ ready: true });
}

main().catch((error) => {
  process.send({ ready: false, error: String(error) });
  process.exit(1);
});
