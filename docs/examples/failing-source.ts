// docs/examples/failing-source.ts
import { DatabaseUnavailableError, Registry } from '../../src'; // 'simplejson-server' in your code

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.addTimeSeries({ name: 'ok', read: async ({ range }) => [[1, range.from]] });
  registry.addTimeSeries({
    name: 'room.humidity',
    read: async () => {
      // An AppError keeps its code and status; any other error is SOURCE_FAILED and stays in the log.
      throw new DatabaseUnavailableError('plant', 'connection refused');
    },
  });
  return registry;
}
