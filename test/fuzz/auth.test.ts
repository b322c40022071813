/** Random Authorization headers: only the configured credentials pass; everything else is a JSON 401. */
import fc from 'fast-check';
import request from 'supertest';
import { expectSaneAnswer, fuzzApp } from './support';

const USER = 'grafana';
const PASSWORD = 'pä ss:wörd';
const TOKEN = 'tok_3f9a';
const VALID = new Set([`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, `Bearer ${TOKEN}`]);

/** Headers near the valid ones (a scheme, then base64 of nearly right credentials, or a nearly right token). */
const nearMiss = fc.oneof(
  fc
    .tuple(fc.constantFrom(USER, '', 'Grafana'), fc.constantFrom(PASSWORD, `${PASSWORD} `, '', 'pä ss'))
    .map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`),
  fc.string({ maxLength: 12 }).map((t) => `Bearer ${t}`),
  fc.constantFrom(`Bearer ${TOKEN}x`, `Bearer  ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, 'Basic', 'Bearer'),
);

describe('fuzz: auth headers', () => {
  const app = fuzzApp({ auth: { basic: { user: USER, password: PASSWORD }, bearerTokens: [TOKEN] } });

  it('any header: 200 only for the configured credentials, a JSON 401 otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          nearMiss,
          fc.string({ maxLength: 80 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s),
        ),
        async (header) => {
          const req = request(app).post('/search').send({ target: 'stored' });
          const res = await (header === '' ? req : req.set('Authorization', header));
          expectSaneAnswer(res);
          expect(res.status).toBe(VALID.has(header) ? 200 : 401);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the configured credentials pass', async () => {
    for (const header of VALID) {
      await request(app).post('/search').set('Authorization', header).send({ target: 'stored' }).expect(200);
    }
  });
});
