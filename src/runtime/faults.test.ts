import { AppError } from '../errors';
import { FaultTable, type FaultSpec } from './faults';

function table(): FaultTable {
  return new FaultTable({ logger: { error: () => undefined } });
}

/** The code, field and message `add` refuses `spec` with. */
function refusal(spec: unknown): { code: string; field: string | undefined; message: string } {
  try {
    table().add(spec as FaultSpec);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
  throw new Error('accepted');
}

describe('FaultTable.add', () => {
  it.each<[string, unknown, string, string, string]>([
    [
      'no matcher',
      { status: 500 },
      'INVALID_BODY',
      'endpoint',
      'give exactly one of endpoint, metric or target (got none)',
    ],
    [
      'two matchers',
      { endpoint: '/query', metric: 'x', status: 500 },
      'INVALID_BODY',
      'metric',
      'give exactly one of endpoint, metric or target (got endpoint and metric)',
    ],
    [
      'an endpoint outside the contract',
      { endpoint: '/admin', status: 500 },
      'INVALID_BODY',
      'endpoint',
      'endpoint "/admin" is not a path of the contract (/, /healthz, /search, /query, /annotations, /tag-keys, /tag-values, /metrics, /metric-payload-options, /variable)',
    ],
    [
      'an empty metric',
      { metric: '', status: 500 },
      'INVALID_BODY',
      'metric',
      'metric must be a non-empty string',
    ],
    [
      'a status of 200',
      { metric: 'x', status: 200 },
      'INVALID_BODY',
      'status',
      'status must be an integer from 400 to 599, got 200',
    ],
    [
      'a status of 600',
      { metric: 'x', status: 600 },
      'INVALID_BODY',
      'status',
      'status must be an integer from 400 to 599, got 600',
    ],
    [
      'a status as text',
      { metric: 'x', status: '503' },
      'INVALID_BODY',
      'status',
      'status must be an integer from 400 to 599, got "503"',
    ],
    [
      'a delay above 10 min',
      { metric: 'x', delayMs: 600_001 },
      'INVALID_BODY',
      'delayMs',
      'delayMs must be ms from 0 to 600000 (10 min), got 600001',
    ],
    [
      'a negative delay',
      { metric: 'x', delayMs: -1 },
      'INVALID_BODY',
      'delayMs',
      'delayMs must be ms from 0 to 600000 (10 min), got -1',
    ],
    [
      'nothing to do',
      { metric: 'x', delayMs: 0 },
      'INVALID_BODY',
      'delayMs',
      'the fault does nothing: give delayMs, status or drop',
    ],
    [
      'status with drop',
      { metric: 'x', status: 503, drop: true },
      'INVALID_BODY',
      'drop',
      'drop excludes status: a dropped connection answers nothing',
    ],
    [
      'a message without status',
      { metric: 'x', delayMs: 5, message: 'm' },
      'INVALID_BODY',
      'message',
      'message needs a status: it is the error answered',
    ],
    [
      'times of 0',
      { metric: 'x', status: 500, times: 0 },
      'INVALID_BODY',
      'times',
      'times must be a positive integer, got 0',
    ],
    [
      'an unknown field',
      { metric: 'x', status: 500, delay: 5 },
      'INVALID_BODY',
      'delay',
      '"delay" is not a fault field (endpoint, metric, target, delayMs, status, message, drop, times)',
    ],
    [
      'a target pattern that does not compile',
      { target: '(a', status: 500 },
      'INVALID_PATTERN',
      'target',
      'target: "(a" is not a valid regular expression: missing closing )',
    ],
  ])('refuses %s, naming the field', (_name, spec, code, field, message) => {
    expect(refusal(spec)).toEqual({ code, field, message });
  });

  it('answers each rule with an increasing id, lists them in order, removes and clears', () => {
    const faults = table();
    expect(faults.add({ endpoint: '/QUERY/', delayMs: 10 })).toEqual({
      id: 'f1',
      endpoint: '/QUERY/',
      delayMs: 10,
      hits: 0,
      from: 'admin',
    });
    faults.add({ metric: 'cpu', status: 503, message: 'down', times: 3 });
    faults.add({ target: '/cpu/i', drop: true });
    expect(faults.list()).toEqual([
      { id: 'f1', endpoint: '/QUERY/', delayMs: 10, hits: 0, from: 'admin' },
      {
        id: 'f2',
        metric: 'cpu',
        status: 503,
        message: 'down',
        times: 3,
        hits: 0,
        remaining: 3,
        from: 'admin',
      },
      { id: 'f3', target: '/cpu/i', drop: true, hits: 0, from: 'admin' },
    ]);
    expect(faults.size).toBe(3);
    expect(faults.remove('f2')).toBe(true);
    expect(faults.remove('f2')).toBe(false);
    expect(faults.list().map((f) => f.id)).toEqual(['f1', 'f3']);
    expect(faults.clear()).toBe(2);
    expect(faults.size).toBe(0);
    expect(faults.add({ metric: 'cpu', status: 500 }).id).toBe('f4');
  });

  it('matches metric and target rules for a query, counting hits; none when the table has no such rule', () => {
    const faults = table();
    const req = { path: '/query' } as never;
    const res = { locals: {} } as never;
    faults.add({ endpoint: '/query', status: 500 });
    expect(faults.forQuery(req, res)).toBeUndefined();
    faults.add({ metric: 'cpu', status: 503, times: 1 });
    faults.add({ target: '/^CPU/i', delayMs: 5 });
    const reads = faults.forQuery(req, res);
    expect(reads?.metric('mem')).toBeUndefined();
    expect(reads?.metric('cpu')).toEqual({ id: 'f2', effect: { status: 503 } });
    expect(reads?.metric('cpu')).toBeUndefined(); // times: 1, used up
    expect(reads?.target('cpu.web-01')).toEqual({ id: 'f3', effect: { delayMs: 5 } });
    expect(reads?.target('mem')).toBeUndefined();
    expect(faults.list().map(({ id, hits }) => ({ id, hits }))).toEqual([
      { id: 'f1', hits: 0 },
      { id: 'f3', hits: 1 },
    ]);
  });
});
