/**
 * Child process: a baseline answering every request with the bytes our server answered for it (recorded
 * first, handed over in a JSON file). `node` is a bare node:http server, the physical floor; `express` a
 * minimal Express 5 app with default settings (raw body parser, one handler, res.send), the framework
 * floor. Sends `{ type: 'ready', port }` over IPC once listening on 127.0.0.1.
 * Usage: node floor.js node|express <recorded.json>
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { requestKey } from './scenarios';

/** One recorded answer: request key → status, content type and body (base64). */
export interface Recorded {
  readonly [key: string]: { readonly status: number; readonly contentType: string; readonly body: string };
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

const [kind, file] = process.argv.slice(2);
const recorded = JSON.parse(readFileSync(file as string, 'utf8')) as Recorded;
const answers = new Map<string, Answer>(
  Object.entries(recorded).map(([key, r]) => [key, { ...r, body: Buffer.from(r.body, 'base64') }]),
);
const MISSING: Answer = { status: 404, contentType: 'text/plain', body: Buffer.from('not recorded') };

function nodeServer() {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a =
        answers.get(requestKey(req.method ?? '', req.url ?? '', Buffer.concat(chunks).toString())) ?? MISSING;
      res.writeHead(a.status, { 'Content-Type': a.contentType, 'Content-Length': a.body.length });
      res.end(a.body);
    });
  });
}

function expressServer() {
  const app = express();
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.use((req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString() : '';
    const a = answers.get(requestKey(req.method, req.originalUrl, body)) ?? MISSING;
    res.status(a.status).type(a.contentType).send(a.body);
  });
  return createServer(app);
}

const server = kind === 'express' ? expressServer() : nodeServer();
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
