import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/process/app';
import type { AppOptions } from '../src/http/options';
import { Registry } from '../src/registry/registry';
import { columnsFromPoints } from '../src/series/columnar';
import { fixedClock } from '../src/time/clock';

/** "now" in every HTTP test: the recorded bodies ask for 09:00-15:00 UTC of this day. */
export const NOW = Date.UTC(2024, 4, 14, 15, 0, 0);
export const FROM = Date.UTC(2024, 4, 14, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** The columns of an events table: the ones Grafana maps by name (docs/client-contract.md §3.6). */
export const EVENT_COLUMNS = [
  { text: 'time', type: 'time' },
  { text: 'timeEnd', type: 'time' },
  { text: 'title', type: 'string' },
  { text: 'text', type: 'string' },
  { text: 'tags', type: 'string' },
];

/** A small registry covering every metric kind, built in code so tests do not depend on the demo fixtures. */
export function testRegistry(): Registry {
  const r = new Registry();
  r.addTimeSeries({
    name: 'temperature.Berlin',
    displayName: 'Temperature Berlin',
    labels: { City: 'Berlin', host: 'web-01' },
    unit: 'celsius',
    source: {
      kind: 'generated',
      generator: { type: 'sine', step: 10_000, period: HOUR, amplitude: 10, offset: 20, phase: 0 },
    },
  });
  r.addTimeSeries({
    name: 'temperature.Paris',
    labels: { City: 'Paris', host: 'web-02' },
    unit: 'celsius',
    source: {
      kind: 'generated',
      generator: { type: 'sine', step: 10_000, period: HOUR, amplitude: 5, offset: 15, phase: 0 },
    },
  });
  r.addTimeSeries({
    name: 'cpu.web-01',
    labels: { host: 'web-01' },
    aggregation: 'max',
    source: { kind: 'generated', generator: { type: 'constant', step: 60_000, value: 42 } },
  });
  // Ten points, one a minute from 10:00; one gap (null) and one point outside every test range.
  r.addTimeSeries({
    name: 'stored.small',
    source: {
      kind: 'stored',
      columns: columnsFromPoints([
        ...Array.from({ length: 10 }, (_, i): [number | null, number] => [
          i === 4 ? null : i + 1,
          FROM + HOUR + i * MINUTE,
        ]),
        [99, FROM - 10 * HOUR],
      ]),
    },
  });
  r.addTable({
    name: 'orders',
    columns: [
      { text: 'Time', type: 'time' },
      { text: 'City', type: 'string' },
      { text: 'qty', type: 'number' },
    ],
    rows: [
      [FROM + HOUR, 'Berlin', 3],
      [FROM + 2 * HOUR, 'Paris', 5],
      [FROM + 3 * HOUR, 'Berlin', 7],
      [FROM - 2 * HOUR, 'Berlin', 100],
    ],
  });
  r.addTable({
    name: 'servers',
    columns: [
      { text: 'host', type: 'string' },
      { text: 'City', type: 'string' },
      { text: 'cores', type: 'number' },
      { text: 'healthy', type: 'boolean' },
    ],
    rows: [
      ['web-01', 'Berlin', 8, true],
      ['web-02', 'Paris', 4, false],
    ],
  });
  r.addAnnotations({
    name: 'deploys',
    tags: ['deploy'],
    events: [
      { time: FROM + HOUR, title: 'Deploy v1.2', text: 'web-01 to prod', tags: ['web-01'] },
      {
        time: FROM + 2 * HOUR,
        timeEnd: FROM + 2 * HOUR + 5 * MINUTE,
        title: 'Deploy v1.3',
        text: 'web-02',
        tags: ['web-02'],
      },
      { time: FROM + 3 * HOUR, title: 'Deploy db', text: 'db-01', tags: ['db-01'] },
    ],
  });
  r.addAnnotations({
    name: 'maintenance',
    recurring: [
      {
        every: 2 * HOUR,
        offset: 30 * MINUTE,
        duration: 15 * MINUTE,
        title: 'Maintenance',
        text: 'window',
        tags: ['ops'],
      },
    ],
  });
  return r;
}

export function testApp(options: AppOptions = {}) {
  return createApp({ registry: testRegistry(), clock: fixedClock(NOW), ...options });
}

/** A recorded Grafana request body from test/bodies/. */
export function body(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'bodies', path), 'utf8')) as Record<string, unknown>;
}
