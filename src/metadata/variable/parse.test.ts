import { VariableQueryError } from '../../errors';
import { parseVariableQuery, type VariableQuery } from './parse';

describe('parseVariableQuery', () => {
  it.each<[string, VariableQuery]>([
    ['metrics()', { kind: 'metrics', pattern: undefined }],
    ['  metrics ( )  ', { kind: 'metrics', pattern: undefined }],
    ['metrics(cpu)', { kind: 'metrics', pattern: 'cpu' }],
    ['metrics(/^a,b)/i)', { kind: 'metrics', pattern: '/^a,b)/i' }],
    ['metrics(/a\\/b/)', { kind: 'metrics', pattern: '/a\\/b/' }],
    ['label_values(City)', { kind: 'label_values', metric: undefined, key: 'City' }],
    ['label_values( cpu.* , host )', { kind: 'label_values', metric: 'cpu.*', key: 'host' }],
    // Grafana's multi-value regex form keeps its parentheses and bars; commas inside brackets do not split.
    ['label_values((a\\.b|c), k)', { kind: 'label_values', metric: '(a\\.b|c)', key: 'k' }],
    ['label_values(x{1,2}, k)', { kind: 'label_values', metric: 'x{1,2}', key: 'k' }],
    ['label_values("a, b", "k")', { kind: 'label_values', metric: 'a, b', key: 'k' }],
    [`column_values('my table', "it's")`, { kind: 'column_values', table: 'my table', column: "it's" }],
    ['column_values("a\\"b", c)', { kind: 'column_values', table: 'a"b', column: 'c' }],
    ['tag_keys()', { kind: 'tag_keys' }],
    // Not a known call: a metric search.
    ['cpu', { kind: 'search', text: 'cpu' }],
    ['  upper_  ', { kind: 'search', text: 'upper_' }],
    ['', { kind: 'search', text: '' }],
    ['values(City)', { kind: 'search', text: 'values(City)' }],
    ['label_values', { kind: 'search', text: 'label_values' }],
  ])('%j', (text, expected) => {
    expect(parseVariableQuery(text, 'f')).toEqual(expected);
  });

  it.each<[string, string]>([
    [
      'metrics(a, b)',
      'f: metrics takes 0 or 1 arguments, got 2 in "metrics(a, b)"; use metrics() or metrics(pattern)',
    ],
    ['tag_keys(x)', 'f: tag_keys takes 0 arguments, got 1 in "tag_keys(x)"; use tag_keys()'],
    [
      'column_values(t)',
      'f: column_values takes 2 arguments, got 1 in "column_values(t)"; use column_values(table, column)',
    ],
    [
      'label_values(a,)',
      'f: argument 2 is empty in "label_values(a,)"; use label_values(key) or label_values(metric, key)',
    ],
    [
      'label_values(,a)',
      'f: argument 1 is empty in "label_values(,a)"; use label_values(key) or label_values(metric, key)',
    ],
    [
      'label_values(a',
      'f: missing ")" in "label_values(a"; use label_values(key) or label_values(metric, key)',
    ],
    [
      'label_values("a)',
      'f: unterminated " string in "label_values(\\"a)"; use label_values(key) or label_values(metric, key)',
    ],
    ['metrics(/a)', 'f: unterminated /regex/ in "metrics(/a)"; use metrics() or metrics(pattern)'],
    ['metrics("a" b)', 'f: unexpected "b" in "metrics(\\"a\\" b)"; use metrics() or metrics(pattern)'],
    [
      'tag_keys() and more',
      'f: unexpected text after ")": "and more" in "tag_keys() and more"; use tag_keys()',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseVariableQuery(text, 'f')).toThrow(new VariableQueryError(message, 'f'));
  });
});
