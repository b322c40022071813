// docs/examples/long-rows.ts
import { Registry } from '../../src'; // 'simplejson-server' in your code

const HOUR = 3_600_000;

export function createRegistry(): Registry {
  const registry = new Registry();
  registry.addTimeSeries({
    name: 'room.temperature',
    labels: { site: 'plant' },
    // Long format, as a SQL query answers: one series per label set (room), each number column a value.
    read: async ({ range }) => ({
      rows: [
        { time: new Date(range.from + HOUR), room: 'kitchen', celsius: 21 },
        { time: new Date(range.from + HOUR), room: 'attic', celsius: 27 },
        { time: new Date(range.from + 2 * HOUR), room: 'kitchen', celsius: null }, // a gap
      ],
    }),
  });
  registry.addTable({
    name: 'door.events',
    // Rows as objects: columns in first-seen order; `time` (epoch ms or a Date) is the time column.
    read: async ({ range }) => ({
      rows: [
        { time: range.from + HOUR, door: 'front', open: true },
        { time: range.from - HOUR, door: 'back', open: false }, // outside the range: dropped
      ],
    }),
  });
  return registry;
}
