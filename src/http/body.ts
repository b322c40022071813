import express, { type RequestHandler } from 'express';

/**
 * Parses every POST body as JSON whatever its Content-Type (curl sends form encoding by default,
 * Grafana sends application/json), and reads a missing body as `{}` (old Grafana posts /tag-keys with
 * no body). `strict: false` lets a primitive body through the parser so that the schema can answer
 * "body must be object" instead of a generic parse error.
 */
export function jsonBody(limit: number | string): RequestHandler[] {
  return [
    express.json({ limit, strict: false, type: () => true }),
    (req, _res, next) => {
      if (req.body === undefined) req.body = {};
      next();
    },
  ];
}
