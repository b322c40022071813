// docs/examples/series-function.ts
import { Registry } from '../../src'; // 'simplejson-server' in your code

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.addTimeSeries({
    name: 'boiler.pressure',
    unit: 'pressurebar',
    // Any async function: a REST call, a file, a database client. Stop when the signal fires.
    read: async ({ range, signal }) => {
      signal.throwIfAborted();
      const step = 3_600_000;
      const points: Array<[number, number]> = [];
      for (let t = Math.ceil(range.from / step) * step; t <= range.to; t += step) points.push([1.5, t]);
      return points; // [[value, time], …]: Grafana's datapoints
    },
  });
  return registry;
}
