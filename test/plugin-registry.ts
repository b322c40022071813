import { createApp } from '../src/process/app';
import type { AppOptions } from '../src/http/options';
import type { Registry } from '../src/registry/registry';
import type { PayloadFieldDefinition } from '../src/registry/types';
import { columnsFromPoints } from '../src/series/columnar';
import { fixedClock } from '../src/time/clock';
import { FROM, HOUR, MINUTE, NOW, testRegistry } from './helpers';

/** 10:00, where the room series' four stored points start (one a minute). */
export const ROOM_START = FROM + HOUR;

/** The fields the two heated rooms declare: a unit select with a °F transform, and a free-text note. */
export const ROOM_PAYLOADS: readonly PayloadFieldDefinition[] = [
  {
    name: 'unit',
    label: 'Unit',
    type: 'select',
    placeholder: '°C',
    width: 20,
    options: [
      { value: 'celsius', label: '°C' },
      { value: 'fahrenheit', label: '°F', scale: 1.8, offset: 32, unit: 'fahrenheit' },
    ],
  },
  { name: 'note', type: 'textarea', placeholder: 'free text', reloadMetric: true },
];

function stored(values: ReadonlyArray<number | null>) {
  return {
    kind: 'stored' as const,
    columns: columnsFromPoints(values.map((v, i): [number | null, number] => [v, ROOM_START + i * MINUTE])),
  };
}

/**
 * test/helpers.ts's registry plus the `room.*` family: three stored series with labels `room` and `floor`,
 * exact values to assert aggregations, selections and transforms on.
 */
export function pluginRegistry(): Registry {
  const r = testRegistry();
  r.addTimeSeries({
    name: 'room.kitchen',
    displayName: 'Kitchen',
    labels: { room: 'kitchen', floor: '1' },
    unit: 'celsius',
    payloads: ROOM_PAYLOADS,
    source: stored([20, 21, 22, 23]),
  });
  r.addTimeSeries({
    name: 'room.office',
    labels: { room: 'office', floor: '2' },
    unit: 'celsius',
    payloads: ROOM_PAYLOADS,
    source: stored([18, null, 19, 20]),
  });
  r.addTimeSeries({
    name: 'room.attic',
    labels: { room: 'attic', floor: '2' },
    aggregation: 'last',
    source: stored([10, 11, 12, 13]),
  });
  return r;
}

export function pluginApp(options: AppOptions = {}) {
  return createApp({ registry: pluginRegistry(), clock: fixedClock(NOW), ...options });
}
