import { join } from 'node:path';
import { startServer } from '../src/process/start';
import { fixedClock } from '../src/time/clock';
import { NOW } from './helpers';

const WARN = join(__dirname, 'fixtures', 'warn');

describe('fixture load warnings go to the server log', () => {
  it('a CSV file that no fixture reads is a "fixture warning" line at start and at reload', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      clock: fixedClock(NOW),
      fixtures: join(WARN, 'stray-csv'),
      logger: {
        error: () => undefined,
        warn: (message, fields) =>
          lines.push({ message, fields: fields === undefined ? undefined : { ...fields } }),
      },
    });
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        message: 'fixture warning',
        fields: { dir: join(WARN, 'stray-csv') },
      });
      expect(String(lines[0]?.fields?.warning)).toMatch(/\.csv/);
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      await server.reload();
      expect(lines).toHaveLength(2);
      expect(lines[1]).toEqual(lines[0]);
    } finally {
      await server.close();
    }
  });
});
