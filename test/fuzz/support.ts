import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import type { AppOptions } from '../../src/http/options';
import { createApp } from '../../src/process/app';
import { fixedClock } from '../../src/time/clock';
import { HOUR, NOW, testRegistry } from '../helpers';

/** Every POST endpoint of both plugins' contracts (the successor's three answer 404 where not built). */
export const POST_PATHS = [
  '/search',
  '/query',
  '/annotations',
  '/tag-keys',
  '/tag-values',
  '/metrics',
  '/metric-payload-options',
  '/variable',
] as const;

/** The endpoint a recorded body of test/bodies/ belongs to, from its file name (`query-0.6.5.json`). */
function endpointOf(file: string): string {
  const base = file.replace(/\.json$/, '');
  const path = [...POST_PATHS]
    .sort((a, b) => b.length - a.length)
    .find((p) => base === p.slice(1) || base.startsWith(`${p.slice(1)}-`));
  if (path === undefined) throw new Error(`test/bodies: cannot tell the endpoint of ${file}`);
  return path;
}

/** Every recorded Grafana body, with its endpoint, read when the suite starts. */
export function recordedBodies(): { name: string; path: string; body: unknown }[] {
  const root = join(__dirname, '..', 'bodies');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(root, d.name))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => ({
          name: `${d.name}/${f}`,
          path: endpointOf(f),
          body: JSON.parse(readFileSync(join(root, d.name, f), 'utf8')) as unknown,
        })),
    );
}

/** Keys that pollute prototypes when a parser or a merge assigns them naively. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Sets an own, enumerable property even for `__proto__` (plain assignment would change the prototype). */
export function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of `value` with `key` set (as an own property) on every object in it. */
export function withKeyEverywhere(value: unknown, key: string): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const child of Object.values(v)) walk(child);
    if (!Array.isArray(v)) defineOwn(v, key, { polluted: true, toString: 1, valueOf: 'x' });
  };
  walk(copy);
  return copy;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A mutation of a JSON value: at the `at`-th container (in walk order), replace, delete or add a key. */
export interface Mutation {
  readonly at: number;
  readonly op: 'replace' | 'delete' | 'add' | 'hostile';
  readonly key: string;
  readonly hostile: (typeof HOSTILE_KEYS)[number];
  readonly value: unknown;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add', 'hostile'),
  key: fc.string({ maxLength: 12 }),
  hostile: fc.constantFrom(...HOSTILE_KEYS),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constant({ polluted: true }),
    fc.constantFrom('now-6h', '/(a+)+$/', '(a|aa)*c', '', 'x'.repeat(300), -1, 1e308, 0, 'select metric'),
  ),
});

/** Applies mutations to a deep copy of `value`; containers are numbered in depth-first order. */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  for (const m of mutations) {
    // A fresh copy each time: fast-check shares generated values, and inserting one object twice (or
    // into itself) would make a cycle that JSON cannot carry.
    const value = JSON.parse(JSON.stringify(m.value) ?? 'null') as unknown;
    const containers: (Json[] | { [key: string]: Json })[] = [];
    const walk = (v: Json) => {
      if (v === null || typeof v !== 'object') return;
      containers.push(v);
      for (const child of Object.values(v)) walk(child);
    };
    walk(copy);
    const target = containers[m.at % Math.max(containers.length, 1)];
    if (target === undefined) return value; // a primitive body: replace it whole
    if (Array.isArray(target)) {
      // Arrays carry only their items in JSON: replace, delete or add an item.
      const index = m.at % Math.max(target.length, 1);
      if (m.op === 'delete') target.splice(index, 1);
      else if (m.op === 'replace' && target.length > 0) target[index] = value as Json;
      else target.push(value as Json);
      continue;
    }
    const keys = Object.keys(target);
    const existing = keys.length === 0 ? m.key : (keys[m.at % keys.length] as string);
    if (m.op === 'delete') delete target[existing];
    else if (m.op === 'hostile') defineOwn(target, m.hostile, value);
    else defineOwn(target, m.op === 'add' ? m.key : existing, value);
  }
  return copy;
}

/** The own property names of the built-in prototypes, to detect pollution after a run. */
export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}

/** An app on the test registry plus one series whose name and label are long runs of `a` (regex bait). */
export function fuzzApp(options: AppOptions = {}): Express {
  const registry = testRegistry();
  registry.addTimeSeries({
    name: 'a'.repeat(60),
    labels: { host: 'a'.repeat(200), City: 'Berlin' },
    source: { kind: 'generated', generator: { type: 'constant', step: 60_000, value: 1 } },
  });
  return createApp({ registry, clock: fixedClock(NOW), ...options });
}

/** Checks one answer: never a 5xx, always a JSON body (an object or array), whatever went in. */
export function expectSaneAnswer(res: request.Response): void {
  if (res.status >= 500) throw new Error(`5xx: ${res.status} ${res.text}`);
  if (!/^application\/json/.test(String(res.headers['content-type']))) {
    throw new Error(
      `not JSON: ${res.status} ${String(res.headers['content-type'])} ${res.text.slice(0, 200)}`,
    );
  }
  const body: unknown = JSON.parse(res.text);
  if (body === null || typeof body !== 'object') throw new Error(`not an object or array: ${res.text}`);
}

/** A request every healthy app answers 200 with known data: the "still serves" check. */
export async function expectStillServes(app: Express): Promise<void> {
  const res = await request(app)
    .post('/query')
    .send({
      targets: [{ target: 'stored.small', refId: 'A' }],
      range: { from: '2024-05-14T10:00:00.000Z', to: '2024-05-14T10:02:00.000Z' },
    })
    .expect(200);
  const from = Date.UTC(2024, 4, 14, 9) + HOUR;
  expect(res.body).toEqual([
    {
      target: 'stored.small',
      refId: 'A',
      datapoints: [
        [1, from],
        [2, from + 60_000],
        [3, from + 120_000],
      ],
    },
  ]);
}

/** Sends `body` as raw JSON text (so own `__proto__` keys survive exactly as a client would send them). */
export function postRaw(app: Express, path: string, text: string) {
  return request(app).post(path).set('Content-Type', 'application/json').send(text);
}
