import { WriteError } from '../errors';
import { type CsvPointsOptions, parseCsvPoints } from './csv-points';
import type { IngestBatch } from './types';
import { thrownFacts } from '../../test/support/app-error';

const NOW = 1_715_677_200_000;
const parse = (text: string, metric?: string): IngestBatch =>
  parseCsvPoints(
    text,
    metric === undefined ? { now: NOW } : ({ now: NOW, metric } satisfies CsvPointsOptions),
  );

const failure = (run: () => unknown) => thrownFacts(run, WriteError);

describe('parseCsvPoints: accepted files', () => {
  it.each<[string, string, string | undefined, IngestBatch]>([
    [
      'time,metric,value and a label column',
      'time,metric,value,room\n2024-05-14T09:00:00Z,room.temp,21.5,kitchen\n1715677260000,room.temp,21.7,kitchen\n',
      undefined,
      {
        series: [
          {
            metric: 'room.temp',
            labels: { room: 'kitchen' },
            times: [1715677200000, 1715677260000],
            values: [21.5, 21.7],
          },
        ],
        points: 2,
      },
    ],
    [
      'columns in any order, several metrics',
      'room,value,metric,time\nhall,1,a,1000\nhall,2,b,1000\nhall,3,a,2000\n',
      undefined,
      {
        series: [
          { metric: 'a', labels: { room: 'hall' }, times: [1000, 2000], values: [1, 3] },
          { metric: 'b', labels: { room: 'hall' }, times: [1000], values: [2] },
        ],
        points: 3,
      },
    ],
    [
      'time,value with the metric parameter; an empty time is now',
      'time,value\n1000,1\n,2\n',
      'room.temp',
      { series: [{ metric: 'room.temp', labels: {}, times: [1000, NOW], values: [1, 2] }], points: 2 },
    ],
    [
      'an empty label cell leaves the label out',
      'time,value,room,floor\n1000,1,kitchen,0\n1000,2,,0\n2000,3,kitchen,0\n',
      'm',
      {
        series: [
          { metric: 'm', labels: { floor: '0', room: 'kitchen' }, times: [1000, 2000], values: [1, 3] },
          { metric: 'm', labels: { floor: '0' }, times: [1000], values: [2] },
        ],
        points: 3,
      },
    ],
    [
      'quoted cells, CRLF, a BOM, blank lines, spaces around names, times and values',
      '\ufefftime, metric ,value,note\r\n\r\n"2024-05-14T11:00:00+02:00","room, temp"," 1.5 ","say ""hi"""\r\n',
      undefined,
      {
        series: [
          { metric: 'room, temp', labels: { note: 'say "hi"' }, times: [1715677200000], values: [1.5] },
        ],
        points: 1,
      },
    ],
    [
      'number forms',
      'time,value\n1,-3\n2,1.5e3\n3,+2\n4,.5\n5,7.\n6,1E-2\n',
      'm',
      {
        series: [{ metric: 'm', labels: {}, times: [1, 2, 3, 4, 5, 6], values: [-3, 1500, 2, 0.5, 7, 0.01] }],
        points: 6,
      },
    ],
    ['a header only', 'time,metric,value\n', undefined, { series: [], points: 0 }],
  ])('%s', (_name, text, metric, expected) => {
    expect(parse(text, metric)).toEqual(expected);
  });
});

const HINT = 'time,metric,value[,labels…] (or time,value[,labels…] with the metric parameter)';
const TIME_HINT = 'must be epoch ms or an ISO 8601 time with a zone such as "2024-05-14T09:00:00Z"';

describe('parseCsvPoints: errors name the line', () => {
  it.each<[string, string, string | undefined, string]>([
    ['an empty body', '', undefined, `line 1: a header row is required: ${HINT}`],
    ['only blank lines', '\n\r\n', undefined, `line 1: a header row is required: ${HINT}`],
    [
      'no metric column and no parameter',
      'time,value\n1,2\n',
      undefined,
      `line 1: the header has no "metric" column (found time,value): ${HINT}`,
    ],
    [
      'no value column',
      'time,metric,v\n',
      undefined,
      `line 1: the header has no "value" column (found time,metric,v): ${HINT}`,
    ],
    [
      'no time column',
      'metric,value\n',
      undefined,
      `line 1: the header has no "time" column (found metric,value): ${HINT}`,
    ],
    [
      'a metric column and the parameter',
      'time,metric,value\n',
      'm',
      'line 1: the header has a "metric" column and the metric parameter is given too: use one of them',
    ],
    ['a duplicate column', 'time,time,value\n', 'm', 'line 1: duplicate column "time" in the header'],
    ['a column without name', 'time,,value\n', 'm', 'line 1: column 2 of the header has no name'],
    ['a text value', 'time,metric,value\n1,m,2\n1,m,abc\n', undefined, 'line 3: value "abc" is not a number'],
    ['an empty value', 'time,metric,value\n1,m,\n', undefined, 'line 2: value "" is not a number'],
    ['a decimal comma', 'time,value\n1,"2,5"\n', 'm', 'line 2: value "2,5" is not a number'],
    ['NaN', 'time,value\n1,NaN\n', 'm', 'line 2: value "NaN" is not a number'],
    ['a value past the double range', 'time,value\n1,1e999\n', 'm', 'line 2: value "1e999" is not finite'],
    ['a bad time', 'time,value\nsoon,1\n', 'm', `line 2: time ${TIME_HINT}, not "soon"`],
    [
      'a zone-less time',
      'time,value\n2024-05-14T09:00:00,1\n',
      'm',
      'line 2: time needs a zone: "2024-05-14T09:00:00" (add Z or an offset such as +02:00)',
    ],
    ['an empty metric', 'time,metric,value\n1,,2\n', undefined, 'line 2: metric is empty'],
    [
      'a metric past 256 characters',
      `time,metric,value\n1,${'m'.repeat(257)},2\n`,
      undefined,
      `line 2: metric "${'m'.repeat(78)}… is longer than 256 characters`,
    ],
    [
      'a label value past 256 characters',
      `time,value,room\n1,2,${'r'.repeat(257)}\n`,
      'm',
      'line 2: label "room" is longer than 256 characters',
    ],
    [
      'a short row (from parseCsv)',
      'time,metric,value\n1,m\n',
      undefined,
      'line 2: expected 3 fields (as in the header), found 2',
    ],
    [
      'an unterminated quote (from parseCsv)',
      'time,metric,value\n1,"m,2\n',
      undefined,
      'line 2: unterminated quoted field (a closing " is missing)',
    ],
    [
      'lines counted with blank lines',
      '\ntime,metric,value\n\n1,m,x\n',
      undefined,
      'line 4: value "x" is not a number',
    ],
  ])('%s', (_name, text, metric, message) => {
    const line = /^line (\d+)/.exec(message)?.[1];
    expect(failure(() => parse(text, metric))).toEqual({
      name: 'WriteError',
      code: 'INVALID_WRITE',
      message,
      field: `body/line/${line}`,
    });
  });

  it.each(['', ' ', 'm'.repeat(257)])('refuses the metric parameter %j', (metric) => {
    expect(failure(() => parse('time,value\n1,2\n', metric))).toMatchObject({
      code: 'INVALID_WRITE',
      field: 'query/metric',
      message: expect.stringMatching(/^the metric parameter must be a name of 1 to 256 characters, not "/),
    });
  });
});
