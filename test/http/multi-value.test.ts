import request from 'supertest';
import { body, testApp } from '../helpers';

/**
 * A multi-value variable arrives as `(a|b)`, each value regex-escaped (docs/client-contract.md §1.3). Every value must
 * resolve as it would alone, metric families (`temperature\.\*`) included, on every endpoint that takes a
 * target: /query, /variable, /search and the builder's /metrics.
 */

type Target = { refId: string; target: string };

/** The recorded 0.6.5 body with the given targets. */
function multiValue(targets: Target[]) {
  return { ...body('simpod/query-0.6.5-multi-value.json'), targets };
}

/** What /query answers for each name queried alone under refId, concatenated: the expected union. */
async function alone(refId: string, names: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of names) {
    const res = await request(testApp())
      .post('/query')
      .send(multiValue([{ refId, target: name }]))
      .expect(200);
    out.push(...(res.body as unknown[]));
  }
  return out;
}

describe('a multi-value target in POST /query (JSON data source 0.6.5)', () => {
  it('answers each value as alone: a family and one of its members once each, a family pair in full', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(body('simpod/query-0.6.5-multi-value.json'))
      .expect(200);
    // Registry order; `temperature.Berlin` is both a member of the family and a value, answered once.
    expect(res.body).toEqual([
      ...(await alone('A', ['temperature.Berlin', 'temperature.Paris'])),
      ...(await alone('B', ['temperature.Berlin', 'temperature.Paris', 'cpu.web-01'])),
    ]);
    expect((res.body as Array<{ refId: string; target: string }>).map((s) => [s.refId, s.target])).toEqual([
      ['A', 'Temperature Berlin'],
      ['A', 'temperature.Paris'],
      ['B', 'Temperature Berlin'],
      ['B', 'temperature.Paris'],
      ['B', 'cpu.web-01'],
    ]);
  });

  it('the same target on the legacy plugin (type timeserie, adhocFilters) answers the same', async () => {
    const legacy = {
      ...body('legacy/query-variables.json'),
      targets: [{ target: '(cpu\\.\\*|temperature\\.\\*)', refId: 'B', type: 'timeserie' }],
    };
    const res = await request(testApp()).post('/query').send(legacy).expect(200);
    expect((res.body as Array<{ target: string }>).map((s) => s.target)).toEqual([
      'Temperature Berlin',
      'temperature.Paris',
      'cpu.web-01',
    ]);
  });

  it('a family among unknown values answers its members; only values matching nothing at all are a 400', async () => {
    const some = await request(testApp())
      .post('/query')
      .send(multiValue([{ refId: 'A', target: '(temperature\\.\\*|nosuch)' }]))
      .expect(200);
    expect(some.body).toEqual(await alone('A', ['temperature.Berlin', 'temperature.Paris']));
    const none = await request(testApp())
      .post('/query')
      .send(multiValue([{ refId: 'A', target: '(nosuch\\.\\*|nada)' }]))
      .expect(400);
    expect(none.body).toEqual({
      code: 'UNKNOWN_METRIC',
      message: 'unknown metric "(nosuch\\\\.\\\\*|nada)"',
      error: { code: 'UNKNOWN_METRIC', message: 'unknown metric "(nosuch\\\\.\\\\*|nada)"' },
      field: 'body/targets',
    });
  });

  it('a plain regex value keeps its regex reading, and a /regex/ target is unchanged', async () => {
    const res = await request(testApp())
      .post('/query')
      .send(
        multiValue([
          { refId: 'A', target: '(temp.+Paris|stored\\.small)' },
          { refId: 'B', target: '/^cpu/' },
        ]),
      )
      .expect(200);
    expect(res.body).toEqual([
      ...(await alone('A', ['temperature.Paris', 'stored.small'])),
      ...(await alone('B', ['cpu.web-01'])),
    ]);
  });

  it('keeps the pattern length cap on the whole target: 400 INVALID_PATTERN naming the target', async () => {
    const target = `(${Array.from({ length: 40 }, (_, i) => `temperature\\.x${i}`).join('|')})`;
    const res = await request(testApp({ maxPatternLength: 256 }))
      .post('/query')
      .send(multiValue([{ refId: 'A', target }]))
      .expect(400);
    const message =
      `body/targets/0/target: pattern ${JSON.stringify(target.slice(0, 64))}… (${target.length} characters) ` +
      `is too long (${target.length} > 256 characters)`;
    expect(res.body).toEqual({
      code: 'INVALID_PATTERN',
      message,
      error: { code: 'INVALID_PATTERN', message },
      field: 'body/targets/0/target',
    });
  });
});

describe('a multi-value target in the metadata endpoints', () => {
  it('/variable label_values((cpu\\.\\*|temperature\\.\\*), host): the label across both families', async () => {
    const res = await request(testApp())
      .post('/variable')
      .send(body('simpod/variable-0.6.5-multi-value.json'))
      .expect(200);
    expect(res.body).toEqual([
      { __text: 'web-01', __value: 'web-01' },
      { __text: 'web-02', __value: 'web-02' },
    ]);
  });

  it('/variable metrics((temperature\\.\\*|cpu\\.web-01)): the family members and the name', async () => {
    const res = await request(testApp())
      .post('/variable')
      .send({ payload: { target: 'metrics((temperature\\.\\*|cpu\\.web-01))' } })
      .expect(200);
    expect(res.body).toEqual([
      { __text: 'Temperature Berlin', __value: 'temperature.Berlin' },
      { __text: 'temperature.Paris', __value: 'temperature.Paris' },
      { __text: 'cpu.web-01', __value: 'cpu.web-01' },
    ]);
  });

  it('legacy /search (temperature\\.\\*|cpu\\.web-01): the family members and the name', async () => {
    const res = await request(testApp())
      .post('/search')
      .send(body('legacy/search-multi-value.json'))
      .expect(200);
    expect(res.body).toEqual([
      { text: 'Temperature Berlin', value: 'temperature.Berlin' },
      'temperature.Paris',
      'cpu.web-01',
    ]);
  });

  it('/metrics with the builder on a multi-value metric: its entry first, with the fields of all three', async () => {
    const app = testApp();
    const res = await request(app)
      .post('/metrics')
      .send(body('simpod/metrics-0.6.5-multi-value.json'))
      .expect(200);
    const list = await request(app).post('/metrics').send({}).expect(200);
    const [first, ...rest] = res.body as Array<{ value: string; label: string; payloads: unknown[] }>;
    expect(rest).toEqual(list.body);
    // The same three metrics named by a /regex/ get the same fields.
    const regex = await request(app)
      .post('/metrics')
      .send({ metric: '/^(temperature\\.|cpu\\.web-01$)/' })
      .expect(200);
    expect(first).toEqual({
      value: '(temperature\\.\\*|cpu\\.web-01)',
      label: '(temperature\\.\\*|cpu\\.web-01) (3 metrics)',
      payloads: (regex.body as Array<{ payloads: unknown[] }>)[0]?.payloads,
    });
  });
});
