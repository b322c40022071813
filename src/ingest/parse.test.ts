import { AppError, WriteError } from '../errors';
import { parseWrite, type WriteBatch, type WriteFormat, writeFormat, type WriteQuery } from './parse';
import { thrownFacts } from '../../test/support/app-error';

const NOW = 1_715_677_200_000;

const failure = (run: () => unknown) => thrownFacts(run, AppError);

const LINE = 'm v=1 1715677200000000000';
const JSON_BODY = '{"metric": "m", "points": [[1, 1715677200000]]}';
const ONE_POINT: WriteBatch = {
  series: [{ metric: 'm.v', labels: {}, times: [NOW], values: [1] }],
  points: 1,
  skippedStrings: 0,
};

describe('writeFormat', () => {
  it.each<[string | undefined, string, WriteFormat]>([
    [undefined, LINE, 'line protocol'],
    ['', LINE, 'line protocol'],
    ['text/plain', LINE, 'line protocol'],
    ['text/plain; charset=utf-8', LINE, 'line protocol'],
    ['Text/Plain', LINE, 'line protocol'],
    ['application/x-www-form-urlencoded', LINE, 'line protocol'],
    ['application/x-www-form-urlencoded', JSON_BODY, 'json'],
    ['application/x-www-form-urlencoded', '\n  [{"metric": "m", "points": []}]', 'json'],
    ['application/json', JSON_BODY, 'json'],
    ['application/json; charset=utf-8', JSON_BODY, 'json'],
    ['application/vnd.points+json', JSON_BODY, 'json'],
    ['text/csv', 'time,value\n', 'csv'],
    ['text/csv; header=present', 'time,value\n', 'csv'],
  ])('%j with %j is %s', (contentType, body, format) => {
    expect(writeFormat(body, contentType)).toBe(format);
  });

  it.each(['application/xml', 'application/octet-stream', 'multipart/form-data; boundary=x'])(
    'refuses %s with 415',
    (contentType) => {
      const type = contentType.split(';')[0];
      expect(failure(() => writeFormat(LINE, contentType))).toEqual({
        name: 'AppError',
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `content type "${type}" is not supported by /write: send text/plain (InfluxDB line protocol), application/json or text/csv`,
        field: 'headers/content-type',
      });
    },
  );
});

describe('parseWrite', () => {
  it.each<[string, string, string | undefined, WriteQuery, WriteBatch]>([
    ['line protocol, default precision ns', LINE, 'text/plain', {}, ONE_POINT],
    ['line protocol without content type', LINE, undefined, {}, ONE_POINT],
    ['curl -d line protocol', LINE, 'application/x-www-form-urlencoded', {}, ONE_POINT],
    ['line protocol in ms', 'm v=1 1715677200000', 'text/plain', { precision: 'ms' }, ONE_POINT],
    ['line protocol in s', 'm v=1 1715677200', 'text/plain', { precision: 's' }, ONE_POINT],
    [
      'line protocol counting string fields',
      'm v=1,s="x" 1715677200000000000',
      'text/plain',
      {},
      { ...ONE_POINT, skippedStrings: 1 },
    ],
    [
      'JSON',
      JSON_BODY,
      'application/json',
      {},
      { series: [{ metric: 'm', labels: {}, times: [NOW], values: [1] }], points: 1, skippedStrings: 0 },
    ],
    [
      'curl -d JSON',
      JSON_BODY,
      'application/x-www-form-urlencoded',
      {},
      { series: [{ metric: 'm', labels: {}, times: [NOW], values: [1] }], points: 1, skippedStrings: 0 },
    ],
    [
      'JSON with a BOM',
      `\ufeff${JSON_BODY}`,
      'application/json',
      {},
      { series: [{ metric: 'm', labels: {}, times: [NOW], values: [1] }], points: 1, skippedStrings: 0 },
    ],
    [
      'CSV with the metric parameter; an empty time is now',
      'time,value\n,5\n',
      'text/csv',
      { metric: 'm' },
      { series: [{ metric: 'm', labels: {}, times: [NOW], values: [5] }], points: 1, skippedStrings: 0 },
    ],
    [
      'undefined parameters are absent ones',
      LINE,
      'text/plain',
      { precision: undefined, metric: undefined },
      ONE_POINT,
    ],
  ])('%s', (_name, body, contentType, query, expected) => {
    expect(parseWrite(body, contentType, query, NOW)).toEqual(expected);
  });

  it.each<[string, string, string | undefined, WriteQuery, Omit<ReturnType<typeof failure>, 'name'>]>([
    [
      'an unknown precision',
      LINE,
      'text/plain',
      { precision: 'ps' },
      {
        code: 'INVALID_WRITE',
        message: 'precision "ps" is not one of ns, n, us, u, ms, s, m, h',
        field: 'query/precision',
      },
    ],
    [
      'an empty precision',
      LINE,
      'text/plain',
      { precision: '' },
      {
        code: 'INVALID_WRITE',
        message: 'precision "" is not one of ns, n, us, u, ms, s, m, h',
        field: 'query/precision',
      },
    ],
    [
      'a precision for JSON',
      JSON_BODY,
      'application/json',
      { precision: 's' },
      {
        code: 'INVALID_WRITE',
        message: 'the precision parameter applies to line protocol only; json times are epoch ms or ISO 8601',
        field: 'query/precision',
      },
    ],
    [
      'a metric for line protocol',
      LINE,
      'text/plain',
      { metric: 'm' },
      {
        code: 'INVALID_WRITE',
        message: 'the metric parameter applies to text/csv only, not to line protocol',
        field: 'query/metric',
      },
    ],
    [
      'a bad line',
      'm v=1\nm v=x',
      'text/plain',
      {},
      {
        code: 'INVALID_WRITE',
        message: 'line 2: invalid value "x" for field "v" (a string value needs double quotes)',
        field: 'body/line/2',
      },
    ],
    [
      'JSON that does not parse',
      '{"metric": ',
      'application/json',
      {},
      {
        code: 'BAD_JSON',
        message: expect.stringMatching(/^body is not valid JSON: /) as string,
        field: 'body',
      },
    ],
    [
      'a JSON body of the wrong shape',
      '{"metric": "m", "points": [["x", 1]]}',
      'application/json',
      {},
      { code: 'INVALID_WRITE', message: 'body/points/0/0 must be a finite number', field: 'body/points/0/0' },
    ],
    [
      'a bad CSV row',
      'time,metric,value\n1,m,x\n',
      'text/csv',
      {},
      { code: 'INVALID_WRITE', message: 'line 2: value "x" is not a number', field: 'body/line/2' },
    ],
  ])('refuses %s', (_name, body, contentType, query, expected) => {
    expect(failure(() => parseWrite(body, contentType, query, NOW))).toMatchObject(expected);
  });

  it('throws WriteError (400) for bad bodies, so /write answers INVALID_WRITE', () => {
    let thrown: unknown;
    try {
      parseWrite('m', 'text/plain', {}, NOW);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(WriteError);
    expect((thrown as WriteError).statusCode).toBe(400);
  });
});
