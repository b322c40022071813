// docs/examples/prepared-reader.ts
import { Registry, type SeriesReader } from '../../src'; // 'simplejson-server' in your code

/** A reader whose backend already clips and buckets: the server only applies the ad hoc filters. */
const meter: SeriesReader = {
  describe: 'meter API',
  prepared: { clipped: true, bucketed: true },
  labels: {
    keys: async () => ['line'],
    values: async (key) => (key === 'line' ? ['north', 'south'] : []),
  },
  read: async ({ range, intervalMs }) => ({
    series: ['north', 'south'].map((line, i) => ({
      labels: { line },
      times: [range.from, range.from + intervalMs],
      values: [10 + i, 20 + i],
    })),
  }),
};

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.addTimeSeries({ name: 'power', source: { kind: 'reader', reader: meter } });
  return registry;
}
