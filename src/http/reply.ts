import type { Response } from 'express';

/**
 * Answers 200 with a JSON body, the same bytes and headers as Express's `res.json` (`Content-Type:
 * application/json; charset=utf-8`, `Content-Length`) without its per-call work (settings lookups, the
 * replacer and spaces checks, res.send's type and freshness logic): this runs on every answer. A HEAD
 * request gets the headers only (Node's http drops the body of a HEAD response).
 */
export function sendJsonText(res: Response, json: string): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** `sendJsonText` of `JSON.stringify(value)`. */
export function sendJson(res: Response, value: unknown): void {
  sendJsonText(res, JSON.stringify(value));
}

/** `sendJsonText` of an answer already encoded as UTF-8 JSON (http/memo.ts). */
export function sendJsonBytes(res: Response, json: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', json.length);
  res.end(json);
}
