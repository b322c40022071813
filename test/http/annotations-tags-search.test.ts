import request from 'supertest';
import { body, FROM, HOUR, MINUTE, testApp } from '../helpers';

describe('POST /annotations (legacy)', () => {
  it('answers the recorded request: tags matched with the {a,b} glob, regions with timeEnd', async () => {
    const req = body('legacy/annotations.json');
    const res = await request(testApp()).post('/annotations').send(req).expect(200);
    expect(res.body).toEqual([
      {
        annotation: req.annotation,
        time: FROM + HOUR,
        title: 'Deploy v1.2',
        text: 'web-01 to prod',
        tags: ['deploy', 'web-01'],
      },
      {
        annotation: req.annotation,
        time: FROM + 2 * HOUR,
        timeEnd: FROM + 2 * HOUR + 5 * MINUTE,
        isRegion: true,
        title: 'Deploy v1.3',
        text: 'web-02',
        tags: ['deploy', 'web-02'],
      },
    ]);
  });

  it('an empty query returns every event in range, recurring ones expanded, sorted by time', async () => {
    const res = await request(testApp())
      .post('/annotations')
      .send({ range: { from: FROM, to: FROM + 6 * HOUR }, annotation: { query: '' } })
      .expect(200);
    const times = (res.body as Array<{ time: number; title: string }>).map((e) => [e.time - FROM, e.title]);
    // maintenance: every 2 h at :30 (10:30, 12:30, 14:30), 15 min long; deploys at +1 h, +2 h, +3 h.
    expect(times).toEqual([
      [HOUR, 'Deploy v1.2'],
      [HOUR + 30 * MINUTE, 'Maintenance'],
      [2 * HOUR, 'Deploy v1.3'],
      [3 * HOUR, 'Deploy db'],
      [3 * HOUR + 30 * MINUTE, 'Maintenance'],
      [5 * HOUR + 30 * MINUTE, 'Maintenance'],
    ]);
  });

  it('a term may name the annotation set; a region overlapping the start of the range is kept', async () => {
    const res = await request(testApp())
      .post('/annotations')
      .send({
        range: { from: FROM + HOUR + 40 * MINUTE, to: FROM + 2 * HOUR },
        annotation: { query: 'maintenance' },
      })
      .expect(200);
    expect(res.body).toEqual([
      {
        annotation: { query: 'maintenance' },
        time: FROM + HOUR + 30 * MINUTE,
        timeEnd: FROM + HOUR + 45 * MINUTE,
        isRegion: true,
        title: 'Maintenance',
        text: 'window',
        tags: ['ops'],
      },
    ]);
  });
});

describe('POST /tag-keys and /tag-values', () => {
  it('keys come from series labels and table columns, for every body shape', async () => {
    const expected = [
      { type: 'string', text: 'City' },
      { type: 'string', text: 'host' },
      { type: 'number', text: 'qty' },
      { type: 'number', text: 'cores' },
      { type: 'string', text: 'healthy' },
    ];
    for (const send of [undefined, {}, body('simpod/tag-keys-grafana11.json')]) {
      const req = request(testApp()).post('/tag-keys');
      const res = send === undefined ? await req : await req.send(send);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
    }
  });

  it('values of a key across series and tables', async () => {
    const res = await request(testApp()).post('/tag-values').send(body('legacy/tag-values.json')).expect(200);
    expect(res.body).toEqual([{ text: 'Berlin' }, { text: 'Paris' }]);
  });

  it('values narrowed by the other active filters (Grafana 11 body)', async () => {
    const res = await request(testApp())
      .post('/tag-values')
      .send(body('simpod/tag-values-grafana11.json'))
      .expect(200);
    expect(res.body).toEqual([{ text: 'web-01' }]);
  });

  it('numeric values sort numerically', async () => {
    const res = await request(testApp()).post('/tag-values').send({ key: 'qty' }).expect(200);
    expect(res.body).toEqual([{ text: '3' }, { text: '5' }, { text: '7' }, { text: '100' }]);
  });

  it('an unknown key has no values', async () => {
    const res = await request(testApp()).post('/tag-values').send({ key: 'nope' }).expect(200);
    expect(res.body).toEqual([]);
  });
});

describe('POST /search', () => {
  it('the editor sends "": every metric, display names as {text, value}, then the annotation sets', async () => {
    const res = await request(testApp()).post('/search').send(body('legacy/search-editor.json')).expect(200);
    expect(res.body).toEqual([
      { text: 'Temperature Berlin', value: 'temperature.Berlin' },
      'temperature.Paris',
      'cpu.web-01',
      'stored.small',
      'orders',
      'servers',
      { text: 'deploys (annotations)', value: 'deploys' },
      { text: 'maintenance (annotations)', value: 'maintenance' },
    ]);
  });

  it.each([
    ['temp', ['temperature.Berlin', 'temperature.Paris']],
    ['PARIS', ['temperature.Paris']],
    ['/^(cpu|orders)/', ['cpu.web-01', 'orders']],
    ['(orders|servers)', ['orders', 'servers']],
    ['cpu\\.web-01', ['cpu.web-01']],
    ['nothing-like-this', []],
  ])('narrowed by %j', async (target, expected) => {
    const res = await request(testApp()).post('/search').send({ target }).expect(200);
    const values = (res.body as Array<string | { value: string }>).map((x) =>
      typeof x === 'string' ? x : x.value,
    );
    expect(values).toEqual(expected);
  });

  it('simpod 0.1 sends {type, target}', async () => {
    const res = await request(testApp())
      .post('/search')
      .send({ type: 'timeseries', target: 'stored' })
      .expect(200);
    expect(res.body).toEqual(['stored.small']);
  });
});
