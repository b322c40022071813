import { FixtureError } from '../errors';
import { checkPayloadFields, type PayloadFieldDefinition } from './payloads';
import { Registry } from './registry';

const select: PayloadFieldDefinition = {
  name: 'unit',
  type: 'select',
  options: [{ value: 'celsius' }, { value: 'fahrenheit', scale: 1.8, offset: 32, unit: 'fahrenheit' }],
};

describe('checkPayloadFields', () => {
  it('accepts every field type and returns a frozen copy', () => {
    const fields: PayloadFieldDefinition[] = [
      select,
      { name: 'hosts', type: 'multi-select', options: [{ value: 'a', label: 'A' }], width: 30 },
      { name: 'note', type: 'textarea', placeholder: 'free text', reloadMetric: true },
      { name: 'id' },
    ];
    const checked = checkPayloadFields('m', fields, true);
    expect(checked).toEqual(fields);
    expect(checked).not.toBe(fields);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(checkPayloadFields('m', undefined, true)).toEqual([]);
  });

  it.each<[string, PayloadFieldDefinition[], boolean, string]>([
    [
      'an empty name',
      [{ name: '' }],
      true,
      'm/payloads/0/name: payload field name must be a non-empty string',
    ],
    [
      'a built-in name',
      [{ name: 'aggregation' }],
      true,
      'm/payloads/0/name: payload field name "aggregation" is reserved (built in)',
    ],
    [
      'format is built in too',
      [{ name: 'format' }],
      true,
      'm/payloads/0/name: payload field name "format" is reserved (built in)',
    ],
    [
      'a duplicate name',
      [{ name: 'a' }, { name: 'a' }],
      true,
      'm/payloads/1/name: duplicate payload field "a"',
    ],
    [
      'an unknown type',
      [{ name: 'a', type: 'radio' as 'select' }],
      true,
      'm/payloads/0/type: unknown payload field type "radio"',
    ],
    [
      'a select without options',
      [{ name: 'a', type: 'select' }],
      true,
      'm/payloads/0/options: a select field needs options',
    ],
    [
      'a multi-select with no options',
      [{ name: 'a', type: 'multi-select', options: [] }],
      true,
      'm/payloads/0/options: a multi-select field needs options',
    ],
    [
      'an input with options',
      [{ name: 'a', options: [{ value: 'x' }] }],
      true,
      'm/payloads/0/options: an input field takes no options',
    ],
    [
      'an empty option value',
      [{ name: 'a', type: 'select', options: [{ value: '' }] }],
      true,
      'm/payloads/0/options/0/value: option value must be a non-empty string',
    ],
    [
      'a duplicate option',
      [{ name: 'a', type: 'select', options: [{ value: 'x' }, { value: 'x' }] }],
      true,
      'm/payloads/0/options/1: duplicate option "x"',
    ],
    [
      'a transform on a multi-select',
      [{ name: 'a', type: 'multi-select', options: [{ value: 'x', scale: 2 }] }],
      true,
      'm/payloads/0/options/0: scale, offset and unit are only allowed on the options of a time series select field',
    ],
    [
      'a transform on a table',
      [select],
      false,
      'm/payloads/0/options/1: scale, offset and unit are only allowed on the options of a time series select field',
    ],
    [
      'a scale that is not finite',
      [{ name: 'a', type: 'select', options: [{ value: 'x', scale: Infinity }] }],
      true,
      'm/payloads/0/options/0/scale: scale must be a finite number',
    ],
    [
      'a width that is not a positive integer',
      [{ name: 'a', width: 2.5 }],
      true,
      'm/payloads/0/width: width must be a positive integer',
    ],
  ])('refuses %s', (_name, fields, transforms, message) => {
    expect(() => checkPayloadFields('m', fields, transforms)).toThrow(new FixtureError(message));
  });

  it('reports through the given fail function (the fixture loader names the file with it)', () => {
    const fail = (field: string, message: string): never => {
      throw new Error(`demo.json: ${field}: ${message}`);
    };
    expect(() => checkPayloadFields('series/3', [{ name: '' }], true, fail)).toThrow(
      'demo.json: series/3/payloads/0/name: payload field name must be a non-empty string',
    );
  });
});

describe('the registry checks declared payload fields', () => {
  const source = {
    kind: 'generated' as const,
    generator: { type: 'constant' as const, step: 1000, value: 1 },
  };

  it('keeps them on time series and tables', () => {
    const r = new Registry();
    expect(r.addTimeSeries({ name: 's', source, payloads: [select] }).payloads).toEqual([select]);
    expect(r.addTimeSeries({ name: 't', source }).payloads).toEqual([]);
    const note: PayloadFieldDefinition = { name: 'note', type: 'input' };
    expect(
      r.addTable({ name: 'x', columns: [{ text: 'a', type: 'string' }], rows: [], payloads: [note] })
        .payloads,
    ).toEqual([note]);
  });

  it('refuses value transforms on a table', () => {
    const r = new Registry();
    expect(() =>
      r.addTable({ name: 'x', columns: [{ text: 'a', type: 'string' }], rows: [], payloads: [select] }),
    ).toThrow(
      'x/payloads/0/options/1: scale, offset and unit are only allowed on the options of a time series select field',
    );
  });
});
