/**
 * Just enough of each dialect's lexical rules to know which characters of a statement are code: string
 * literals, quoted identifiers and comments are skipped whole, so a `$__macro`, a `?` or a `$1` inside
 * them is text, not syntax.
 *
 * - all: `'…'` (`''` escapes a quote), `-- …` to the end of the line, `/* … *\/`;
 * - postgres: `E'…'` with backslash escapes, `$tag$…$tag$` dollar quoting, `"…"` identifiers, nested block comments;
 * - mysql: `'…'` and `"…"` strings with backslash escapes (the default sql_mode), `` `…` `` identifiers,
 *   `# …` comments, `-- ` only before white space;
 * - sqlite: `"…"`, `` `…` `` and `[…]` identifiers.
 */
import type { Dialect } from './types';

/** A statement whose literal, identifier or comment never ends (the position is where it began). */
export class SqlSyntaxError extends Error {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'SqlSyntaxError';
    this.index = index;
  }
}

const IDENT_CHAR = /[\p{L}\p{N}_$]/u;

/** Index after a quoted run opened at `start` (the quote char is `sql[start]`), doubling the quote escapes it. */
function skipQuoted(sql: string, start: number, close: string, backslash: boolean, what: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === close) {
      if (sql[i + 1] === close && close !== ']') {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  throw new SqlSyntaxError(`unterminated ${what}`, start);
}

function skipLine(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end === -1 ? sql.length : end + 1;
}

function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  while (i < sql.length) {
    if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else if (nested && sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else i += 1;
  }
  throw new SqlSyntaxError('unterminated /* comment', start);
}

/** A PostgreSQL dollar quote opening at `start` (`$$` or `$tag$`), or undefined. */
function dollarTag(sql: string, start: number): string | undefined {
  const m = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/u.exec(sql.slice(start, start + 64));
  return m?.[0];
}

/**
 * If a literal, quoted identifier or comment starts at `i`, the index just after it; else undefined.
 * Throws SqlSyntaxError when it never ends.
 */
export function skipNonCode(sql: string, i: number, dialect: Dialect): number | undefined {
  const c = sql[i];
  const prev = i > 0 ? (sql[i - 1] ?? '') : '';
  switch (c) {
    case "'": {
      const escaped =
        dialect === 'mysql' ||
        (dialect === 'postgres' && (prev === 'E' || prev === 'e') && !IDENT_CHAR.test(sql[i - 2] ?? ''));
      return skipQuoted(sql, i, "'", escaped, 'string literal');
    }
    case '"':
      return dialect === 'mysql'
        ? skipQuoted(sql, i, '"', true, 'string literal')
        : skipQuoted(sql, i, '"', false, 'quoted identifier');
    case '`':
      return dialect === 'postgres' ? undefined : skipQuoted(sql, i, '`', false, 'quoted identifier');
    case '[':
      return dialect === 'sqlite' ? skipQuoted(sql, i, ']', false, 'quoted identifier') : undefined;
    case '-':
      if (sql[i + 1] !== '-') return undefined;
      // MySQL: `--` starts a comment only before white space or the end (`5--3` is 5 - -3).
      if (dialect === 'mysql' && i + 2 < sql.length && !/\s/.test(sql[i + 2] ?? '')) return undefined;
      return skipLine(sql, i);
    case '#':
      return dialect === 'mysql' ? skipLine(sql, i) : undefined;
    case '/':
      return sql[i + 1] === '*' ? skipBlockComment(sql, i, dialect === 'postgres') : undefined;
    case '$': {
      if (dialect !== 'postgres' || IDENT_CHAR.test(prev)) return undefined;
      const tag = dollarTag(sql, i);
      if (tag === undefined) return undefined;
      const end = sql.indexOf(tag, i + tag.length);
      if (end === -1) throw new SqlSyntaxError(`unterminated ${tag} quoted string`, i);
      return end + tag.length;
    }
    default:
      return undefined;
  }
}

/** 1-based line and column of `index`, for error messages. */
export function lineColumn(sql: string, index: number): string {
  const before = sql.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
