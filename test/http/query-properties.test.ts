import fc from 'fast-check';
import request from 'supertest';
import { FROM, HOUR, NOW, testApp } from '../helpers';
import { intervalFor } from '../../src/time/interval';

type Point = [number | null, number];
type Result = { datapoints?: Point[]; rows?: unknown[][]; refId: string; name?: string };

const app = testApp();

const query = (body: object) => request(app).post('/query').send(body).expect(200);

const DAY = 24 * HOUR;
const rangeArb = fc
  .tuple(fc.integer({ min: FROM - 2 * DAY, max: NOW + DAY }), fc.integer({ min: 0, max: 40 * DAY }))
  .map(([from, span]) => ({ from, to: from + span }));
const filterArb = fc.record({
  key: fc.constantFrom('City', 'host', 'qty', 'cores', 'nope'),
  operator: fc.constantFrom('=', '!=', '<', '>', '=~', '!~'),
  value: fc.constantFrom('Berlin', 'Paris', 'web-01', '5', '4', 'B.*', ''),
});
const targetArb = fc.constantFrom(
  'temperature.Berlin',
  'stored.small',
  'cpu.web-01',
  '/temperature/',
  'orders',
  'servers',
);

/** The invariants of issue 2, through HTTP on random requests (50 runs each). */
describe('/query invariants on random requests', () => {
  it('no series exceeds maxDataPoints; points ascending, inside the range but for a first bucket stamped on the grid', async () => {
    await fc.assert(
      fc.asyncProperty(
        rangeArb,
        fc.integer({ min: 1, max: 1500 }),
        fc.option(fc.constantFrom(1000, 10_000, 60_000, 3_600_000), { nil: undefined }),
        fc.array(targetArb, { minLength: 1, maxLength: 3 }),
        async (range, maxDataPoints, intervalMs, targets) => {
          const res = await query({
            range,
            maxDataPoints,
            ...(intervalMs === undefined ? {} : { intervalMs }),
            targets: targets.map((target, i) => ({ target, refId: String.fromCharCode(65 + i) })),
          });
          for (const result of res.body as Result[]) {
            const points = result.datapoints;
            if (points === undefined) continue;
            expect(points.length).toBeLessThanOrEqual(maxDataPoints);
            // Raw points lie inside the range; a bucket is stamped at its start, a multiple of the
            // interval (the request's, else the nice one for the range), so only the first may be before it.
            const unit = intervalMs ?? intervalFor(range.to - range.from, maxDataPoints);
            points.forEach(([, t], i) => {
              if (t < range.from) expect({ i, onGrid: t % unit === 0 }).toEqual({ i: 0, onGrid: true });
              expect(t).toBeLessThanOrEqual(range.to);
              if (i > 0) expect(t).toBeGreaterThan((points[i - 1] as Point)[1]);
            });
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ad hoc filters never add series or rows', async () => {
    await fc.assert(
      fc.asyncProperty(rangeArb, fc.array(filterArb, { maxLength: 3 }), async (range, filters) => {
        const targets = ['/^(temperature|cpu|stored)/', 'orders', 'servers'].map((target, i) => ({
          target,
          refId: `R${i}`,
        }));
        const all = (await query({ range, targets })).body as Result[];
        const filtered = (await query({ range, targets, filters })).body as Result[];
        expect(filtered.length).toBeLessThanOrEqual(all.length);
        for (const table of filtered.filter((r) => r.rows !== undefined)) {
          const unfiltered = all.find((r) => r.refId === table.refId && r.name === table.name);
          for (const row of table.rows ?? []) expect(unfiltered?.rows).toContainEqual(row);
        }
      }),
      { numRuns: 50 },
    );
  });
});
