import fc from 'fast-check';
import { telegrafBatch } from '../../bench/ingest-parse';
import { WriteError } from '../errors';
import { type LineProtocolBatch, parseLineProtocol, type Precision } from './line-protocol';
import { seriesKey } from './types';
import { thrownFacts } from '../../test/support/app-error';

const NOW = 1_715_677_200_000;
const parse = (text: string, precision: Precision = 'ns', maxLineLength?: number): LineProtocolBatch =>
  parseLineProtocol(
    text,
    maxLineLength === undefined ? { precision, now: NOW } : { precision, now: NOW, maxLineLength },
  );

const failure = (run: () => unknown) => thrownFacts(run, WriteError);

describe('parseLineProtocol: good lines', () => {
  it.each<[string, string, LineProtocolBatch]>([
    ['empty body', '', { series: [], points: 0, skippedStrings: 0 }],
    [
      'only comments and blank lines',
      '# a comment\n\n   \n#x f=1\n',
      { series: [], points: 0, skippedStrings: 0 },
    ],
    [
      'one field, ns timestamp',
      'cpu,host=server01 usage_idle=99.3 1700000000000000000',
      {
        series: [
          { metric: 'cpu.usage_idle', labels: { host: 'server01' }, times: [1700000000000], values: [99.3] },
        ],
        points: 1,
        skippedStrings: 0,
      },
    ],
    [
      'a Telegraf cpu line: one point per field, in field order',
      'cpu,cpu=cpu0,host=server01 usage_user=0.5,usage_system=0.2,usage_idle=99.3 1700000000000000000\n',
      {
        series: [
          {
            metric: 'cpu.usage_user',
            labels: { cpu: 'cpu0', host: 'server01' },
            times: [1700000000000],
            values: [0.5],
          },
          {
            metric: 'cpu.usage_system',
            labels: { cpu: 'cpu0', host: 'server01' },
            times: [1700000000000],
            values: [0.2],
          },
          {
            metric: 'cpu.usage_idle',
            labels: { cpu: 'cpu0', host: 'server01' },
            times: [1700000000000],
            values: [99.3],
          },
        ],
        points: 3,
        skippedStrings: 0,
      },
    ],
    [
      'no tags, no timestamp: labels {} at now; a field named value is the measurement itself',
      'load value=1.5',
      {
        series: [{ metric: 'load', labels: {}, times: [NOW], values: [1.5] }],
        points: 1,
        skippedStrings: 0,
      },
    ],
    [
      'every number form',
      'm a=5i,b=-5i,c=5u,d=1e3,e=-.5,f=5.,g=1.5E-3,h=0,i=-0.25,j=9223372036854775807i,k=18446744073709551615u 1000000',
      {
        series: [
          ['a', 5],
          ['b', -5],
          ['c', 5],
          ['d', 1000],
          ['e', -0.5],
          ['f', 5],
          ['g', 0.0015],
          ['h', 0],
          ['i', -0.25],
          ['j', 2 ** 63],
          ['k', 2 ** 64],
        ].map(([field, value]) => ({
          metric: `m.${field}`,
          labels: {},
          times: [1],
          values: [value as number],
        })),
        points: 11,
        skippedStrings: 0,
      },
    ],
    [
      'booleans are 1 and 0',
      'm a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE 1000000',
      {
        series: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((field, i) => ({
          metric: `m.${field}`,
          labels: {},
          times: [1],
          values: [i < 5 ? 1 : 0],
        })),
        points: 10,
        skippedStrings: 0,
      },
    ],
    [
      'string fields are skipped and counted, even with separators and escapes inside',
      'syslog,host=a message="disk full, says \\"df\\" = 100% \\\\o/",severity_code=2i,facility="kern" 1000000',
      {
        series: [{ metric: 'syslog.severity_code', labels: { host: 'a' }, times: [1], values: [2] }],
        points: 1,
        skippedStrings: 2,
      },
    ],
    [
      'a line of strings only stores nothing',
      'log msg="hello" 1000000',
      { series: [], points: 0, skippedStrings: 1 },
    ],
    [
      'an empty string field',
      'log msg="",n=1',
      {
        series: [{ metric: 'log.n', labels: {}, times: [NOW], values: [1] }],
        points: 1,
        skippedStrings: 1,
      },
    ],
    [
      'lines of one series merge, whatever their tag order',
      'cpu,b=2,a=1 f=1 1000000\ncpu,a=1,b=2 f=2 2000000\ncpu,a=1 f=3 3000000\n',
      {
        series: [
          { metric: 'cpu.f', labels: { a: '1', b: '2' }, times: [1, 2], values: [1, 2] },
          { metric: 'cpu.f', labels: { a: '1' }, times: [3], values: [3] },
        ],
        points: 3,
        skippedStrings: 0,
      },
    ],
    [
      'CRLF, comments, blank lines, leading and trailing whitespace, runs of spaces',
      '# written by hand\r\n\r\n  cpu,host=a   f=1   1000000  \r\n\tcpu,host=a f=2 2000000\t\r\n',
      {
        series: [{ metric: 'cpu.f', labels: { host: 'a' }, times: [1, 2], values: [1, 2] }],
        points: 2,
        skippedStrings: 0,
      },
    ],
    [
      'a byte order mark is dropped',
      '\ufeffcpu f=1 1000000',
      { series: [{ metric: 'cpu.f', labels: {}, times: [1], values: [1] }], points: 1, skippedStrings: 0 },
    ],
    [
      'non-ASCII names',
      'température,pièce=cuisine valeur=21.5 1000000',
      {
        series: [{ metric: 'température.valeur', labels: { pièce: 'cuisine' }, times: [1], values: [21.5] }],
        points: 1,
        skippedStrings: 0,
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('sorts the labels of a series by key', () => {
    const [series] = parse('cpu,zone=z,host=h,cpu=c f=1').series;
    expect(Object.keys(series?.labels ?? {})).toEqual(['cpu', 'host', 'zone']);
  });

  it('keeps a `__proto__` tag as a label', () => {
    const [series] = parse('m,__proto__=x f=1').series;
    expect(Object.keys(series?.labels ?? {})).toEqual(['__proto__']);
    expect(seriesKey(series?.labels ?? {})).toBe('__proto__=x');
  });
});

describe('parseLineProtocol: escapes', () => {
  it.each<[string, string, string, Record<string, string>]>([
    ['escaped space in the measurement', 'my\\ cpu f=1', 'my cpu.f', {}],
    ['escaped comma in the measurement', 'm\\,x f=1', 'm,x.f', {}],
    ['escaped = in the measurement', 'm\\=x f=1', 'm=x.f', {}],
    ['a plain = in the measurement', 'm=x f=1', 'm=x.f', {}],
    ['escapes in tag keys and values', 'm,host\\=x=a\\,b\\ c f=1', 'm.f', { 'host=x': 'a,b c' }],
    ['escapes in a field key', 'm f\\ 1\\,2\\=3=1', 'm.f 1,2=3', {}],
    ['other backslashes stay as written', 'm\\x,t=a\\\\b f\\n=1', 'm\\x.f\\n', { t: 'a\\\\b' }],
    [
      'a backslash pair before a separator ends the value',
      'm,t=a\\\\,u=b f=1',
      'm.f',
      { t: 'a\\\\', u: 'b' },
    ],
    ['quotes in tags are characters', 'm,t="x" f=1', 'm.f', { t: '"x"' }],
  ])('%s', (_name, line, metric, labels) => {
    expect(parse(line).series).toEqual([{ metric, labels, times: [NOW], values: [1] }]);
  });
});

describe('parseLineProtocol: timestamps', () => {
  it.each<[Precision, string, number]>([
    ['ns', '1700000000000000000', 1700000000000],
    ['ns', '1700000000000999999', 1700000000000],
    ['ns', '999999', 0],
    ['ns', '1000000', 1],
    ['ns', '0', 0],
    ['ns', '-0', 0],
    ['ns', '-1', -1],
    ['ns', '-999999', -1],
    ['ns', '-1000000', -1],
    ['ns', '-1000001', -2],
    ['ns', '-1700000000000000001', -1700000000001],
    ['ns', '00000000001000000', 1],
    ['ns', '9007199254740991000000', 9007199254740991],
    ['ns', '9007199254740991999999', 9007199254740991],
    ['ns', '-9007199254740991000000', -9007199254740991],
    ['n', '1700000000000000000', 1700000000000],
    ['us', '1700000000000999', 1700000000000],
    ['u', '1700000000000000', 1700000000000],
    ['u', '-1', -1],
    ['u', '1999', 1],
    ['ms', '1700000000000', 1700000000000],
    ['ms', '-5', -5],
    ['ms', '9007199254740991', 9007199254740991],
    ['s', '1700000000', 1700000000000],
    ['s', '-1', -1000],
    ['s', '9007199254740', 9007199254740000],
    ['m', '1', 60_000],
    ['h', '-2', -7_200_000],
    ['h', '2501999792', 9007199251200000],
  ])('%s %s → %d ms', (precision, timestamp, ms) => {
    const [series] = parse(`m f=1 ${timestamp}`, precision).series;
    expect(series?.times).toEqual([ms]);
    expect(Object.is(series?.times[0], -0)).toBe(false);
  });

  it.each<[Precision, string]>([
    ['ns', '9007199254740992000000'],
    ['ns', '-9007199254740991000001'],
    ['ns', '99999999999999999999999999'],
    ['us', '9007199254740992000'],
    ['ms', '9007199254740992'],
    ['s', '9007199254741'],
    ['h', '2501999793'],
  ])('%s %s is out of range', (precision, timestamp) => {
    expect(failure(() => parse(`m f=1 ${timestamp}`, precision)).message).toBe(
      `line 1: timestamp "${timestamp}" is out of range (in ms it must be a safe integer)`,
    );
  });
});

const LONG_256 = 'x'.repeat(256);

describe('parseLineProtocol: bad lines', () => {
  it.each<[string, string, string]>([
    ['no field set', 'cpu', 'missing field set'],
    ['tags, no field set', 'cpu,host=a', 'missing field set'],
    ['a space, no field set', 'cpu ', 'missing field set'],
    ['an escaped space is no separator', 'cpu,t=a\\ b', 'missing field set'],
    ['no measurement', ',host=a f=1', 'missing measurement'],
    ['empty tag key', 'cpu,=a f=1', 'missing tag key'],
    ['a trailing comma after the measurement', 'cpu, f=1', 'missing tag key'],
    ['a tag without =', 'cpu,host f=1', 'missing "=" after tag key "host"'],
    ['an empty tag value', 'cpu,host= f=1', 'missing value for tag "host"'],
    ['an = in a tag value', 'cpu,host=a=b f=1', 'unescaped "=" in the value of tag "host"'],
    ['a duplicate tag', 'cpu,host=a,host=b f=1', 'duplicate tag "host"'],
    ['an empty field key', 'cpu =1', 'missing field key'],
    ['a field without =', 'cpu f', 'missing "=" after field key "f"'],
    ['a field without = before the next', 'cpu f,g=1', 'missing "=" after field key "f"'],
    ['an empty field value', 'cpu f=', 'missing value for field "f"'],
    ['an empty field value before the next', 'cpu f=,g=1', 'missing value for field "f"'],
    ['a trailing comma in the field set', 'cpu f=1,', 'missing field key'],
    ['two points', 'cpu f=1.2.3', 'invalid number "1.2.3" for field "f"'],
    ['a letter inside an integer', 'cpu f=1i2', 'invalid number "1i2" for field "f"'],
    ['a lone minus', 'cpu f=-', 'invalid number "-" for field "f"'],
    ['a lone point', 'cpu f=.', 'invalid number "." for field "f"'],
    ['an exponent without digits', 'cpu f=1e', 'invalid number "1e" for field "f"'],
    ['a float with the integer suffix', 'cpu f=1.5i', 'invalid number "1.5i" for field "f"'],
    ['a negative unsigned integer', 'cpu f=-1u', 'invalid number "-1u" for field "f"'],
    ['a plus sign', 'cpu f=+1', 'invalid number "+1" for field "f"'],
    ['a hexadecimal number', 'cpu f=0x10', 'invalid number "0x10" for field "f"'],
    ['NaN', 'cpu f=NaN', 'invalid number "NaN" for field "f": values must be finite'],
    ['Infinity', 'cpu f=Infinity', 'invalid number "Infinity" for field "f": values must be finite'],
    ['-inf', 'cpu f=-inf', 'invalid number "-inf" for field "f": values must be finite'],
    ['a float past the double range', 'cpu f=1e400', 'number "1e400" for field "f" is not finite'],
    [
      'an unquoted string',
      'cpu f=abc',
      'invalid value "abc" for field "f" (a string value needs double quotes)',
    ],
    ['a misspelt boolean', 'cpu f=tru', 'invalid boolean "tru" for field "f"'],
    ['a boolean with a suffix', 'cpu f=truei', 'invalid boolean "truei" for field "f"'],
    [
      'an integer past int64',
      'cpu f=9223372036854775808i',
      'integer "9223372036854775808i" for field "f" is out of the 64-bit range',
    ],
    [
      'an integer below int64',
      'cpu f=-9223372036854775809i',
      'integer "-9223372036854775809i" for field "f" is out of the 64-bit range',
    ],
    [
      'an unsigned integer past uint64',
      'cpu f=18446744073709551616u',
      'integer "18446744073709551616u" for field "f" is out of the 64-bit range',
    ],
    ['an unclosed string', 'cpu f="abc', 'unbalanced quotes in the value of field "f"'],
    ['a string closed by an escaped quote', 'cpu f="abc\\"', 'unbalanced quotes in the value of field "f"'],
    [
      'a string cut by the end of the line',
      'cpu f="a\ncpu g=1"',
      'unbalanced quotes in the value of field "f"',
    ],
    ['text after a string', 'cpu f="a"b', 'unexpected text after the string value of field "f"'],
    ['a duplicate field', 'cpu f=1,f=2', 'duplicate field "f"'],
    ['a duplicate string field', 'cpu f="a",f=2', 'duplicate field "f"'],
    ['a word for a timestamp', 'cpu f=1 abc', 'bad timestamp "abc"'],
    ['a fractional timestamp', 'cpu f=1 1.5', 'bad timestamp "1.5"'],
    ['a lone minus timestamp', 'cpu f=1 -', 'bad timestamp "-"'],
    ['text after the timestamp', 'cpu f=1 123 456', 'unexpected "456" after the timestamp'],
    [
      'a metric name past 256 characters',
      `${'m'.repeat(251)} field=1`,
      `metric name "${'m'.repeat(78)}… is longer than 256 characters`,
    ],
    [
      'a tag value past 256 characters',
      `m,host=${LONG_256}x f=1`,
      'the value of tag "host" is longer than 256 characters',
    ],
    [
      'a tag key past 256 characters',
      `m,${LONG_256}x=a f=1`,
      `tag key "${'x'.repeat(78)}… is longer than 256 characters`,
    ],
  ])('%s', (_name, line, message) => {
    expect(failure(() => parse(line))).toEqual({
      name: 'WriteError',
      code: 'INVALID_WRITE',
      message: `line 1: ${message}`,
      field: 'body/line/1',
    });
  });

  it('accepts names and tag values of exactly 256 characters', () => {
    const measurement = 'm'.repeat(254);
    const [series] = parse(`${measurement},host=${LONG_256} f=1`).series;
    expect(series?.metric).toBe(`${measurement}.f`);
    expect(series?.labels).toEqual({ host: LONG_256 });
  });

  it('numbers lines from 1 counting comments, blank lines and CRLF lines', () => {
    expect(failure(() => parse('# header\n\ncpu f=1\r\ncpu f=x\ncpu f=2'))).toMatchObject({
      message: 'line 4: invalid value "x" for field "f" (a string value needs double quotes)',
      field: 'body/line/4',
    });
  });

  it('fails the whole batch on the first bad line', () => {
    expect(failure(() => parse('cpu f=1\ncpu f=2 bad\ncpu f=\n')).message).toBe(
      'line 2: bad timestamp "bad"',
    );
  });

  it('refuses a line longer than maxLineLength, CR excluded', () => {
    expect(parse('cpu f=12345\r\n', 'ns', 11).points).toBe(1);
    expect(failure(() => parse('cpu f=1\ncpu f=123456\n', 'ns', 11))).toMatchObject({
      message: 'line 2: longer than 11 characters',
      field: 'body/line/2',
    });
  });

  it('reports the first error even when the bad series key was cached by an earlier good line', () => {
    expect(failure(() => parse('cpu,host=a f=1\ncpu,host=a f=1,f=2')).message).toBe(
      'line 2: duplicate field "f"',
    );
  });
});

describe('parseLineProtocol: Telegraf batches', () => {
  it('parses the bench batch: 13 lines per gather, every field of cpu, mem and disk', () => {
    const body = telegrafBatch(26, 7);
    expect(telegrafBatch(26, 7)).toBe(body);
    const batch = parse(body);
    expect(batch.skippedStrings).toBe(0);
    // 9 cpu lines of 10 fields, mem 9 fields, 3 disks of 7 fields: 120 series, 2 gathers.
    expect(batch.series).toHaveLength(120);
    expect(batch.points).toBe(240);
    for (const series of batch.series) expect(series.times).toEqual([1_700_000_000_000, 1_700_000_010_000]);
    expect(batch.series.find((s) => s.metric === 'disk.used_percent')?.labels).toEqual({
      device: 'nvme0n1p2',
      fstype: 'ext4',
      host: 'server01',
      mode: 'rw',
      path: '/',
    });
  });
});

/** A name of line protocol's special characters and a few others (no `\`: see the escape table above). */
const name = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', '9', '_', '.', '-', ',', ' ', '=', '"', 'é', '°'),
  minLength: 1,
  maxLength: 3,
});
const escapeKey = (text: string): string => text.replace(/[, =]/g, (c) => `\\${c}`);

type Value = { readonly text: string; readonly value: number };
const value: fc.Arbitrary<Value> = fc.oneof(
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((v) => !Object.is(v, -0))
    .map((v) => ({ text: String(v), value: v })),
  fc.maxSafeInteger().map((v) => ({ text: `${v}i`, value: v })),
  fc.nat().map((v) => ({ text: `${v}u`, value: v })),
  fc
    .constantFrom('t', 'True', 'FALSE', 'f')
    .map((text) => ({ text, value: text[0]?.toLowerCase() === 't' ? 1 : 0 })),
);

const precision = fc.constantFrom<Precision>('ns', 'n', 'us', 'u', 'ms', 's', 'm', 'h');
const PER_MS: Record<Precision, bigint> = {
  ns: 1_000_000n,
  n: 1_000_000n,
  us: 1000n,
  u: 1000n,
  ms: 1n,
  s: 1n,
  m: 1n,
  h: 1n,
};
const MS_PER: Record<Precision, bigint> = {
  ns: 1n,
  n: 1n,
  us: 1n,
  u: 1n,
  ms: 1n,
  s: 1000n,
  m: 60_000n,
  h: 3_600_000n,
};

/** Epoch ms of a timestamp in `unit`, rounded toward -∞, by BigInt arithmetic. */
function expectedMs(timestamp: bigint, unit: Precision): number {
  const per = PER_MS[unit];
  let ms = timestamp / per;
  if (timestamp < 0n && timestamp % per !== 0n) ms -= 1n;
  return Number(ms * MS_PER[unit]);
}

/** The largest |timestamp| of each precision whose ms (rounded toward -∞) is a safe integer. */
const LIMIT: Record<Precision, bigint> = Object.fromEntries(
  Object.entries(PER_MS).map(([unit, per]) => [unit, ((2n ** 53n - 2n) * per) / MS_PER[unit as Precision]]),
) as Record<Precision, bigint>;

const lineOf = (unit: Precision) =>
  fc.record({
    measurement: name,
    tags: fc.dictionary(name, name, { maxKeys: 3 }),
    fields: fc.dictionary(
      name,
      fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }),
      {
        minKeys: 1,
        maxKeys: 4,
      },
    ),
    time: fc.option(
      fc.oneof(
        fc.bigInt({ min: -LIMIT[unit], max: LIMIT[unit] }),
        fc.constant((1_700_000_000_000n * PER_MS[unit]) / MS_PER[unit]),
      ),
      { nil: undefined },
    ),
    comment: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
  });

describe('parseLineProtocol: round trip', () => {
  it('serializing random points to line protocol and parsing them gives the same batch', () => {
    fc.assert(
      fc.property(
        precision.chain((unit) => fc.tuple(fc.constant(unit), fc.array(lineOf(unit), { maxLength: 12 }))),
        ([unit, lines]) => {
          let text = '';
          const expected = new Map<
            string,
            { metric: string; labels: Record<string, string>; times: number[]; values: number[] }
          >();
          let strings = 0;
          for (const l of lines) {
            if (l.comment) text += `# a comment${l.eol}${l.eol}`;
            const timestamp = l.time;
            const tags = Object.entries(l.tags).map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`);
            const fields = Object.entries(l.fields).map(([k, v]) =>
              v === null ? `${escapeKey(k)}="a \\"string\\", =\\\\"` : `${escapeKey(k)}=${v.text}`,
            );
            const measurement = l.measurement.replace(/[, ]/g, (c) => `\\${c}`);
            text += `${measurement}${tags.join('')} ${fields.join(',')}${timestamp === undefined ? '' : ` ${timestamp}`}${l.eol}`;

            const time = timestamp === undefined ? NOW : expectedMs(timestamp, unit);
            const labels = Object.fromEntries(
              Object.entries(l.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            );
            for (const [field, v] of Object.entries(l.fields)) {
              if (v === null) {
                strings++;
                continue;
              }
              const metric = field === 'value' ? l.measurement : `${l.measurement}.${field}`;
              const key = `${metric}\u0001${seriesKey(labels)}`;
              const series = expected.get(key) ?? { metric, labels, times: [], values: [] };
              expected.set(key, series);
              series.times.push(time);
              series.values.push(v.value);
            }
          }
          const series = [...expected.values()];
          const points = series.reduce((sum, s) => sum + s.times.length, 0);
          expect(parse(text, unit)).toEqual({ series, points, skippedStrings: strings });
        },
      ),
      { numRuns: 300 },
    );
  });
});
