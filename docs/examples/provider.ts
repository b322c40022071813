// docs/examples/provider.ts
import { Registry } from '../../src'; // 'simplejson-server' in your code

/** Stands for a database table listing the sensors; `list` is asked at most once per ttlMs. */
async function sensorNames(signal: AbortSignal): Promise<string[]> {
  signal.throwIfAborted();
  return ['sensor.a', 'sensor.b'];
}

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.addProvider({
    name: 'sensors',
    ttlMs: 30_000,
    list: async (signal) => ({
      series: (await sensorNames(signal)).map((name) => ({
        name,
        read: async ({ range }) => ({ times: [range.from], values: [name.length] }),
      })),
    }),
  });
  return registry;
}
