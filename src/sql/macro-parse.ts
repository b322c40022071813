/**
 * Finds the Grafana macros of a fixture's SQL and checks their arguments, without any request: what is
 * wrong here is the fixture author's (a FixtureError at load, naming the macro and where it is).
 * Literals, quoted identifiers and comments are skipped (lexer.ts), so `'$__timeFrom()'` stays text.
 */
import { FixtureError } from '../errors';
import { lineColumn, skipNonCode, SqlSyntaxError } from './lexer';
import type { Dialect } from './types';

/** Macros taking arguments in parentheses, with their argument count range. */
const FUNCTION_MACROS = {
  timeFilter: [1, 1],
  timeFrom: [0, 0],
  timeTo: [0, 0],
  time: [1, 1],
  timeEpoch: [1, 1],
  timeGroup: [2, 3],
  timeGroupAlias: [2, 3],
  unixEpochFilter: [1, 1],
  unixEpochFrom: [0, 0],
  unixEpochTo: [0, 0],
  unixEpochGroup: [2, 3],
  unixEpochGroupAlias: [2, 3],
  payload: [1, 2],
  payloadIn: [1, 1],
  adhocFilters: [1, Infinity],
} as const;

/** Macros written bare (a value of the request). */
const VALUE_MACROS = ['interval', 'interval_ms'] as const;

export type MacroName = keyof typeof FUNCTION_MACROS | (typeof VALUE_MACROS)[number];

/** An interval argument: the request's interval (`$__interval`, `auto`) or a fixed number of seconds. */
export type IntervalArg = { readonly kind: 'request' } | { readonly kind: 'fixed'; readonly seconds: number };

/** `$__timeGroup`'s third argument: how Grafana fills buckets without rows. */
export type FillArg =
  | { readonly kind: 'null' }
  | { readonly kind: 'previous' }
  | { readonly kind: 'value'; readonly value: number };

/** A literal default of `$__payload(key, default)`. */
export type LiteralArg = string | number | boolean | null;

export interface MacroUse {
  readonly name: MacroName;
  /** Index of `$` and just past the macro (its closing parenthesis). */
  readonly start: number;
  readonly end: number;
  /** Trimmed argument texts. */
  readonly args: readonly string[];
}

export interface ParsedSql {
  readonly sql: string;
  readonly dialect: Dialect;
  readonly macros: readonly MacroUse[];
}

/** A macro or statement the fixture author wrote wrong; `index` is where in the SQL. */
export class MacroError extends FixtureError {
  readonly index: number;
  /** The message without the position. */
  readonly detail: string;
  constructor(sql: string, index: number, detail: string, where: { file?: string; field?: string } = {}) {
    super(`${detail} (${lineColumn(sql, index)})`, where);
    this.name = 'MacroError';
    this.index = index;
    this.detail = detail;
  }
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

/** Strips one pair of single quotes (`'5m'`), undoing doubled quotes inside. */
function unquote(text: string): string | undefined {
  return /^'(?:[^']|'')*'$/s.test(text) ? text.slice(1, -1).split("''").join("'") : undefined;
}

export function parseInterval(text: string): IntervalArg | undefined {
  const bare = unquote(text) ?? text;
  if (bare === '$__interval' || bare === 'auto') return { kind: 'request' };
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/.exec(bare.trim());
  if (m === null) return undefined;
  const seconds = Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return seconds > 0 && Number.isFinite(seconds) ? { kind: 'fixed', seconds } : undefined;
}

export function parseFill(text: string): FillArg | undefined {
  const bare = (unquote(text) ?? text).trim();
  if (/^null$/i.test(bare)) return { kind: 'null' };
  if (/^previous$/i.test(bare)) return { kind: 'previous' };
  const value = bare === '' ? NaN : Number(bare);
  return Number.isFinite(value) ? { kind: 'value', value } : undefined;
}

export function parseLiteral(text: string): { readonly value: LiteralArg } | undefined {
  const quoted = unquote(text);
  if (quoted !== undefined) return { value: quoted };
  if (/^null$/i.test(text)) return { value: null };
  if (/^(true|false)$/i.test(text)) return { value: text.toLowerCase() === 'true' };
  const n = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) ? { value: n } : undefined;
}

/** A payload key: a bare name (`room`, `site.id`, `max-rows`) or a quoted one (`'max rows'`). */
export function parseKey(text: string): string | undefined {
  const quoted = unquote(text);
  if (quoted !== undefined) return quoted === '' ? undefined : quoted;
  return /^[\p{L}_][\p{L}\p{N}_.-]*$/u.test(text) ? text : undefined;
}

const QUOTED_OR_BARE = String.raw`(?:"(?:[^"]|"")+"|\x60(?:[^\x60]|\x60\x60)+\x60|\[[^\]]+\]|[\p{L}_][\p{L}\p{N}_$]*)`;
const COLUMN_NAME = new RegExp(`^(?:${QUOTED_OR_BARE}\\.){0,2}(${QUOTED_OR_BARE})$`, 'u');

/** The filter key an `$__adhocFilters` column answers to: its last name part, unquoted (`s."Room"` → `Room`). */
export function adhocKey(text: string): string | undefined {
  const m = COLUMN_NAME.exec(text);
  const last = m?.[1];
  if (last === undefined) return undefined;
  const open = last[0];
  if (open === '"') return last.slice(1, -1).split('""').join('"');
  if (open === '`') return last.slice(1, -1).split('``').join('`');
  if (open === '[') return last.slice(1, -1);
  return last;
}

/**
 * Where a placeholder the author wrote would be (they would shift the numbering of the bound values):
 * `$1` for postgres, `?` for mysql and sqlite, and sqlite's `:name` `@name` `$name` too.
 */
function isPlaceholder(sql: string, i: number, dialect: Dialect): boolean {
  const c = sql[i];
  const next = sql[i + 1] ?? '';
  if (dialect === 'postgres') return c === '$' && /\d/.test(next);
  if (c === '?') return true;
  return dialect === 'sqlite' && (c === ':' || c === '@' || c === '$') && /[\p{L}_\d]/u.test(next);
}

/** The arguments of a macro whose `(` is at `open`, and the index after its `)`. */
function readArgs(
  sql: string,
  open: number,
  dialect: Dialect,
  name: string,
): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 1;
  let from = open + 1;
  let i = open + 1;
  while (i < sql.length) {
    const skipped = skipNonCode(sql, i, dialect);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    const c = sql[i];
    if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) {
      args.push(sql.slice(from, i).trim());
      return { args: args.length === 1 && args[0] === '' ? [] : args, end: i + 1 };
    } else if (c === ',' && depth === 1) {
      args.push(sql.slice(from, i).trim());
      from = i + 1;
    }
    i += 1;
  }
  throw new MacroError(sql, open, `$__${name}( is never closed`);
}

/** Checks what can be checked of one macro's arguments without a request. */
function checkArgs(sql: string, use: MacroUse): void {
  const fail = (what: string): never => {
    throw new MacroError(sql, use.start, `$__${use.name}: ${what}`);
  };
  const [first = '', second = '', third] = use.args;
  const checkColumn = (text: string): void => {
    if (text === '') fail('the column argument is empty');
    if (text.includes('$__')) fail('a macro inside the column argument is not expanded');
  };
  switch (use.name) {
    case 'timeFilter':
    case 'time':
    case 'timeEpoch':
    case 'unixEpochFilter':
      checkColumn(first);
      return;
    case 'timeGroup':
    case 'timeGroupAlias':
    case 'unixEpochGroup':
    case 'unixEpochGroupAlias':
      checkColumn(first);
      if (parseInterval(second) === undefined) {
        fail(`interval ${JSON.stringify(second)} is not $__interval, auto, seconds or a duration like '5m'`);
      }
      if (third !== undefined && parseFill(third) === undefined) {
        fail(`fill ${JSON.stringify(third)} is not NULL, previous or a number`);
      }
      return;
    case 'payload':
      if (parseKey(first) === undefined) fail(`payload key ${JSON.stringify(first)} is not a name`);
      if (use.args.length === 2 && parseLiteral(second) === undefined) {
        fail(`default ${JSON.stringify(second)} is not a number, 'string', true, false or NULL`);
      }
      return;
    case 'payloadIn':
      if (parseKey(first) === undefined) fail(`payload key ${JSON.stringify(first)} is not a name`);
      return;
    case 'adhocFilters':
      for (const arg of use.args) {
        if (adhocKey(arg) === undefined) fail(`${JSON.stringify(arg)} is not a column name`);
      }
      return;
    default:
      return;
  }
}

/**
 * The macros of `sql`, checked. Throws MacroError (a FixtureError) for an unknown `$__name`, a wrong
 * argument count or argument, a macro never closed, an unterminated literal or comment, or a placeholder
 * written in the SQL (`$1`, `?`): the server numbers the bound values itself.
 */
export function parseSql(sql: string, dialect: Dialect): ParsedSql {
  try {
    return { sql, dialect, macros: findMacros(sql, dialect) };
  } catch (err) {
    if (err instanceof SqlSyntaxError) throw new MacroError(sql, err.index, err.message);
    throw err;
  }
}

function findMacros(sql: string, dialect: Dialect): MacroUse[] {
  const macros: MacroUse[] = [];
  let i = 0;
  while (i < sql.length) {
    if (sql.startsWith('$__', i)) {
      const name = /^\$__([A-Za-z0-9_]*)/.exec(sql.slice(i, i + 64))?.[1] ?? '';
      const after = i + 3 + name.length;
      if ((VALUE_MACROS as readonly string[]).includes(name)) {
        macros.push({ name: name as MacroName, start: i, end: after, args: [] });
        i = after;
        continue;
      }
      if (!Object.hasOwn(FUNCTION_MACROS, name)) throw new MacroError(sql, i, `unknown macro $__${name}`);
      const fn = name as keyof typeof FUNCTION_MACROS;
      if (sql[after] !== '(') throw new MacroError(sql, i, `$__${name} needs parentheses: $__${name}(…)`);
      const { args, end } = readArgs(sql, after, dialect, name);
      const [min, max] = FUNCTION_MACROS[fn];
      if (args.length < min || args.length > max) {
        const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        throw new MacroError(sql, i, `$__${name} takes ${wanted} argument(s), got ${args.length}`);
      }
      const use: MacroUse = { name: fn, start: i, end, args };
      checkArgs(sql, use);
      macros.push(use);
      i = end;
      continue;
    }
    const skipped = skipNonCode(sql, i, dialect);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    if (isPlaceholder(sql, i, dialect)) {
      throw new MacroError(
        sql,
        i,
        `placeholder ${JSON.stringify(sql.slice(i, i + 2))} in the SQL: request values come in through macros ($__payload(key), …)`,
      );
    }
    i += 1;
  }
  return macros;
}

/**
 * For the fixture loader: checks a query's macros at load. Throws a FixtureError naming `where` (file,
 * field), the macro and its line and column.
 */
export function checkQuery(
  sql: string,
  dialect: Dialect,
  where: { file?: string; field?: string } = {},
): void {
  try {
    parseSql(sql, dialect);
  } catch (err) {
    if (err instanceof MacroError) throw new MacroError(sql, err.index, err.detail, where);
    throw err;
  }
}
