/**
 * The template-variable query syntax, shared by `/variable` (JSON data source) and `/search` (legacy):
 *
 *   metrics()                      every metric name
 *   metrics(pattern)               names containing `pattern`, or matching it as a regex (`/^cpu/i`)
 *   label_values(key)              the values of label `key` across all time series
 *   label_values(metric, key)      … among the metrics `metric` designates (name, `family.*`, regex)
 *   column_values(table, column)   the distinct values of a table column
 *   tag_keys()                     the ad hoc filter keys
 *   anything else                  a metric search, as the metric dropdown does it
 *
 * Arguments are bare text (commas and parentheses inside (), [] or {} do not split it, so Grafana's
 * `(a|b)` multi-value form passes), `"quoted"` / `'quoted'` with backslash escapes, or `/regex/flags`.
 */
import { VariableQueryError } from '../../errors';

export type VariableQuery =
  | { readonly kind: 'metrics'; readonly pattern: string | undefined }
  | { readonly kind: 'label_values'; readonly metric: string | undefined; readonly key: string }
  | { readonly kind: 'column_values'; readonly table: string; readonly column: string }
  | { readonly kind: 'tag_keys' }
  | { readonly kind: 'search'; readonly text: string };

const FUNCTIONS = {
  metrics: { min: 0, max: 1, usage: 'metrics() or metrics(pattern)' },
  label_values: { min: 1, max: 2, usage: 'label_values(key) or label_values(metric, key)' },
  column_values: { min: 2, max: 2, usage: 'column_values(table, column)' },
  tag_keys: { min: 0, max: 0, usage: 'tag_keys()' },
} as const;

type FunctionName = keyof typeof FUNCTIONS;

const CALL = /^\s*(metrics|label_values|column_values|tag_keys)\s*\(/;
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Reads `text` from `start` (just after the opening parenthesis) to the closing one: the arguments. */
class ArgumentReader {
  #i: number;
  constructor(
    private readonly text: string,
    start: number,
    private readonly fail: (message: string) => never,
  ) {
    this.#i = start;
  }

  #space(): void {
    while (this.#i < this.text.length && /\s/.test(this.text[this.#i] as string)) this.#i++;
  }

  #quoted(quote: string): string {
    let out = '';
    for (this.#i++; this.#i < this.text.length; this.#i++) {
      const ch = this.text[this.#i] as string;
      if (ch === quote) {
        this.#i++;
        return out;
      }
      if (ch === '\\' && this.#i + 1 < this.text.length) this.#i++;
      out += this.text[this.#i] as string;
    }
    return this.fail(`unterminated ${quote} string`);
  }

  #regex(): string {
    const start = this.#i;
    for (this.#i++; this.#i < this.text.length; this.#i++) {
      const ch = this.text[this.#i];
      if (ch === '\\') this.#i++;
      else if (ch === '/') {
        this.#i++;
        while (/[a-z]/i.test(this.text[this.#i] ?? '')) this.#i++;
        return this.text.slice(start, this.#i);
      }
    }
    return this.fail('unterminated /regex/');
  }

  #bare(): string {
    const start = this.#i;
    const closers: string[] = [];
    for (; this.#i < this.text.length; this.#i++) {
      const ch = this.text[this.#i] as string;
      if (ch === '\\') {
        this.#i++;
        continue;
      }
      if (closers.length === 0 && (ch === ',' || ch === ')')) break;
      const close = OPEN[ch];
      if (close !== undefined) closers.push(close);
      else if (ch === closers[closers.length - 1]) closers.pop();
    }
    return this.text.slice(start, this.#i).trim();
  }

  /** Every argument, then checks that nothing but spaces follows the closing parenthesis. */
  readAll(): string[] {
    const args: string[] = [];
    this.#space();
    if (this.text[this.#i] === ')') return this.#end(args);
    for (;;) {
      this.#space();
      const ch = this.text[this.#i];
      const arg = ch === '"' || ch === "'" ? this.#quoted(ch) : ch === '/' ? this.#regex() : this.#bare();
      if (arg === '' && ch !== '"' && ch !== "'") this.fail(`argument ${args.length + 1} is empty`);
      args.push(arg);
      this.#space();
      const next = this.text[this.#i];
      if (next === ')') return this.#end(args);
      if (next !== ',') this.fail(next === undefined ? 'missing ")"' : `unexpected ${JSON.stringify(next)}`);
      this.#i++;
    }
  }

  #end(args: string[]): string[] {
    this.#i++;
    this.#space();
    if (this.#i < this.text.length)
      this.fail(`unexpected text after ")": ${JSON.stringify(this.text.slice(this.#i))}`);
    return args;
  }
}

/**
 * Parses a variable query; text that does not start with a known function is a metric search.
 *
 * @throws VariableQueryError naming `field` for a malformed call or a wrong number of arguments.
 */
export function parseVariableQuery(text: string, field: string): VariableQuery {
  const call = CALL.exec(text);
  if (call === null) return { kind: 'search', text: text.trim() };
  const name = call[1] as FunctionName;
  const { min, max, usage } = FUNCTIONS[name];
  const fail = (message: string): never => {
    throw new VariableQueryError(`${field}: ${message} in ${JSON.stringify(text)}; use ${usage}`, field);
  };
  const args = new ArgumentReader(text, call[0].length, fail).readAll();
  if (args.length < min || args.length > max) {
    fail(`${name} takes ${min === max ? min : `${min} or ${max}`} arguments, got ${args.length}`);
  }
  switch (name) {
    case 'metrics':
      return { kind: 'metrics', pattern: args[0] };
    case 'label_values':
      return args.length === 1
        ? { kind: 'label_values', metric: undefined, key: args[0] as string }
        : { kind: 'label_values', metric: args[0], key: args[1] as string };
    case 'column_values':
      return { kind: 'column_values', table: args[0] as string, column: args[1] as string };
    case 'tag_keys':
      return { kind: 'tag_keys' };
  }
}
