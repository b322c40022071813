import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSchemas, SCHEMA_DIR } from './schemas';
import type {
  AnnotationsRequest,
  MetricPayloadOptionsRequest,
  MetricsRequest,
  QueryRequest,
  SearchRequest,
  TagKeysRequest,
  TagValuesRequest,
  VariableRequest,
  WireFilter,
  WireTarget,
} from './requests';

// Each list must name every key of its interface exactly once (the `satisfies` clause fails to
// compile otherwise), and the test compares the list with the schema's properties.
const keys = <T>(k: { [K in keyof Required<T>]: true }) => Object.keys(k).sort();

const schema = (file: string) => JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'));

describe('wire types and schemas agree', () => {
  it.each([
    [
      'query.schema.json',
      [],
      keys<QueryRequest>({
        targets: true,
        range: true,
        rangeRaw: true,
        interval: true,
        intervalMs: true,
        maxDataPoints: true,
        adhocFilters: true,
        filters: true,
        format: true,
        scopedVars: true,
      }),
    ],
    [
      'query.schema.json',
      ['targets', 'items'],
      keys<WireTarget>({
        target: true,
        refId: true,
        type: true,
        format: true,
        hide: true,
        payload: true,
        data: true,
        editorMode: true,
        datasource: true,
      }),
    ],
    ['search.schema.json', [], keys<SearchRequest>({ target: true, type: true, query: true })],
    ['metrics.schema.json', [], keys<MetricsRequest>({ metric: true, payload: true })],
    [
      'metric-payload-options.schema.json',
      [],
      keys<MetricPayloadOptionsRequest>({ metric: true, payload: true, name: true }),
    ],
    ['variable.schema.json', [], keys<VariableRequest>({ payload: true, range: true })],
    ['variable.schema.json', ['payload'], keys<VariableRequest['payload']>({ target: true, query: true })],
    [
      'annotations.schema.json',
      [],
      keys<AnnotationsRequest>({ range: true, rangeRaw: true, annotation: true }),
    ],
    ['tag-keys.schema.json', [], keys<TagKeysRequest>({ filters: true })],
    ['tag-values.schema.json', [], keys<TagValuesRequest>({ key: true, filters: true })],
    [
      'common.schema.json',
      ['definitions', 'filter'],
      keys<WireFilter>({ key: true, operator: true, value: true, values: true, condition: true }),
    ],
  ])('%s %j', (file, path, expected) => {
    let node = schema(file);
    for (const step of path)
      node =
        step === 'items' ? (node.properties?.[step] ?? node.items) : (node[step] ?? node.properties[step]);
    expect(Object.keys(node.properties).sort()).toEqual(expected);
  });

  it('every schema compiles at boot', () => {
    expect([...compileSchemas().keys()]).toEqual(
      expect.arrayContaining([
        'common.json',
        'query.json',
        'search.json',
        'annotations.json',
        'tag-keys.json',
        'tag-values.json',
        'metrics.json',
        'metric-payload-options.json',
        'variable.json',
      ]),
    );
  });
});
