import request from 'supertest';
import { body, EVENT_COLUMNS, FROM, HOUR, MINUTE, testApp } from '../helpers';

const DEPLOY_1 = [FROM + HOUR, null, 'Deploy v1.2', 'web-01 to prod', 'deploy,web-01'];
const DEPLOY_2 = [FROM + 2 * HOUR, FROM + 2 * HOUR + 5 * MINUTE, 'Deploy v1.3', 'web-02', 'deploy,web-02'];
const DEPLOY_3 = [FROM + 3 * HOUR, null, 'Deploy db', 'db-01', 'deploy,db-01'];
const maintenance = (at: number) => [at, at + 15 * MINUTE, 'Maintenance', 'window', 'ops'];

const table = (rows: unknown[][]) => [{ type: 'table', refId: 'Anno', columns: EVENT_COLUMNS, rows }];

describe('native annotations through POST /query (JSON data source >= 0.3)', () => {
  it.each<[string, string, unknown[][]]>([
    [
      '0.3: a tag query, payload "" and a data source name',
      'simpod/query-0.3-anno.json',
      [DEPLOY_1, DEPLOY_2, DEPLOY_3],
    ],
    ['0.5: a region event keeps its end', 'simpod/query-0.5-anno.json', [DEPLOY_2]],
    [
      '0.6.0: an empty target is every event in the range, by time',
      'simpod/query-0.6.0-anno.json',
      [
        DEPLOY_1,
        maintenance(FROM + 1.5 * HOUR),
        DEPLOY_2,
        DEPLOY_3,
        maintenance(FROM + 3.5 * HOUR),
        maintenance(FROM + 5.5 * HOUR),
      ],
    ],
    [
      '0.6.5 on Grafana 11: a multi-value variable interpolated as a regex alternation',
      'simpod/query-0.6.5-anno.json',
      [DEPLOY_1, DEPLOY_3],
    ],
  ])('%s', async (_name, file, rows) => {
    const res = await request(testApp()).post('/query').send(body(file)).expect(200);
    expect(res.body).toEqual(table(rows));
  });

  it('a glob term works as in the legacy /annotations', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({ ...body('simpod/query-0.3-anno.json'), targets: [{ refId: 'Anno', target: 'web-0?' }] })
      .expect(200);
    expect(res.body).toEqual(table([DEPLOY_1, DEPLOY_2]));
  });

  it('a panel query named Anno without scopedVars.__annotation is an ordinary query', async () => {
    const res = await request(testApp())
      .post('/query')
      .send({ range: { from: FROM, to: FROM + 2 * HOUR }, targets: [{ refId: 'Anno', target: 'servers' }] })
      .expect(200);
    expect(res.body).toMatchObject([{ type: 'table', refId: 'Anno', name: 'servers' }]);
  });

  it('the same events as the legacy /annotations answers for the same query', async () => {
    const legacy = await request(testApp())
      .post('/annotations')
      .send({ range: { from: FROM, to: FROM + 6 * HOUR }, annotation: { query: 'deploy' } })
      .expect(200);
    const native = await request(testApp())
      .post('/query')
      .send(body('simpod/query-0.3-anno.json'))
      .expect(200);
    expect(
      legacy.body.map(
        (e: { time: number; timeEnd?: number; title: string; text: string; tags: string[] }) => [
          e.time,
          e.timeEnd ?? null,
          e.title,
          e.text,
          e.tags.join(','),
        ],
      ),
    ).toEqual(native.body[0].rows);
  });
});
