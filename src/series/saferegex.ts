/**
 * Regexes from untrusted input (targets, ad hoc filter values, search queries) run on re2js, a port of
 * RE2: matching is linear in the input, so a pattern such as `(a+)+$` cannot stall the event loop the
 * way it does on the backtracking `RegExp` engine. RE2 has no backreferences or lookaround; patterns
 * using them are rejected like any other pattern that does not compile.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import { PatternError } from '../errors';

/** Longest pattern accepted by default (UTF-16 code units): dashboards never need more. */
export const DEFAULT_MAX_PATTERN_LENGTH = 256;

/**
 * Largest compiled program accepted (RE2 instructions). Matching costs input length × program size,
 * and counted repetitions make small patterns big (`.{1000}` is about 1000 instructions), so this caps
 * the per-character cost.
 */
export const MAX_PROGRAM_SIZE = 5000;

/** Patterns longer than this are cut in error messages, so a hostile pattern cannot flood a panel. */
const MESSAGE_PATTERN_LENGTH = 64;

/** A compiled pattern. `source` is the pattern as given, before anchoring or flags. */
/**
 * The request-facing cap on patterns, passed as one object from the options through every function that
 * compiles a pattern from a request (targets, ad hoc filters, annotation queries, variable queries).
 */
export interface PatternOptions {
  /** Longest pattern compiled; default DEFAULT_MAX_PATTERN_LENGTH. */
  readonly maxPatternLength?: number;
}

export interface SafeRegex {
  readonly source: string;
  test(input: string): boolean;
}

export interface SafeRegexOptions {
  /** The whole input must match, as if the pattern were written `^(?:pattern)$`. Default false: a search. */
  readonly anchored?: boolean;
  readonly caseInsensitive?: boolean;
  /** `^`/`$` also match at line breaks (the `m` flag). */
  readonly multiline?: boolean;
  /** `.` also matches `\n` (the `s` flag). */
  readonly dotAll?: boolean;
  readonly maxLength?: number;
  /** Where the pattern came from (`target`, `filters[0].value`): named in error messages. */
  readonly field?: string;
}

/** The pattern for an error message: JSON-quoted, cut after MESSAGE_PATTERN_LENGTH characters. */
function quote(pattern: string): string {
  return pattern.length > MESSAGE_PATTERN_LENGTH
    ? `${JSON.stringify(pattern.slice(0, MESSAGE_PATTERN_LENGTH))}… (${pattern.length} characters)`
    : JSON.stringify(pattern);
}

/** Why re2js refused a pattern, without the pattern itself (the caller quotes it, shortened). */
function reason(error: unknown): string {
  if (error instanceof RE2JSSyntaxException) return error.getDescription();
  if (error instanceof RE2JSException) return error.message;
  throw error;
}

/**
 * Compiles an untrusted pattern on the linear-time engine.
 *
 * Anchoring is checked on the pattern as given rather than by pasting it into `^(?:…)$`: a pattern
 * such as `a)|(.*` must be refused, not turned into `^(?:a)|(.*)$`, which matches everything.
 *
 * @throws PatternError (naming `opts.field` and the pattern) when the pattern is longer than
 *   `opts.maxLength` (default DEFAULT_MAX_PATTERN_LENGTH), does not compile, or compiles to a program
 *   larger than MAX_PROGRAM_SIZE.
 */
export function compileSafeRegex(pattern: string, opts: SafeRegexOptions = {}): SafeRegex {
  const field = opts.field ?? 'pattern';
  const maxLength = opts.maxLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  if (pattern.length > maxLength) {
    throw new PatternError(
      `${field}: pattern ${quote(pattern)} is too long (${pattern.length} > ${maxLength} characters)`,
      opts.field,
    );
  }
  const flags =
    (opts.caseInsensitive === true ? RE2JS.CASE_INSENSITIVE : 0) |
    (opts.multiline === true ? RE2JS.MULTILINE : 0) |
    (opts.dotAll === true ? RE2JS.DOTALL : 0);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, flags);
  } catch (error) {
    throw new PatternError(
      `${field}: ${quote(pattern)} is not a valid regular expression: ${reason(error)}`,
      opts.field,
    );
  }
  if (re.programSize() > MAX_PROGRAM_SIZE) {
    throw new PatternError(
      `${field}: ${quote(pattern)} is too complex (${re.programSize()} > ${MAX_PROGRAM_SIZE} instructions)`,
      opts.field,
    );
  }
  const anchored = opts.anchored === true;
  return {
    source: pattern,
    test: (input: string): boolean => (anchored ? re.testExact(input) : re.test(input)),
  };
}

/** Flags accepted after `/regex/`: case-insensitive, multiline, dot-all. */
const SLASH_FLAGS = new Set(['i', 'm', 's']);

/**
 * Parses the `/regex/flags` form users type in a target or search box. Returns `undefined` when
 * `text` is not in that form (it does not start with `/`, or nothing sits between the slashes), so the
 * caller treats it as a name. The pattern is not compiled here.
 *
 * @throws PatternError (naming `field`, default `pattern`) for a flag other than `i`, `m`, `s`.
 */
export function parseSlashRegex(
  text: string,
  field?: string,
): { pattern: string; flags: string } | undefined {
  const end = text.lastIndexOf('/');
  if (!text.startsWith('/') || end <= 1) return undefined;
  const flags = text.slice(end + 1);
  for (const flag of flags) {
    if (!SLASH_FLAGS.has(flag)) {
      throw new PatternError(
        `${field ?? 'pattern'}: unsupported regex flag ${JSON.stringify(flag)} in ${quote(text)} (use i, m or s)`,
        field,
      );
    }
  }
  return { pattern: text.slice(1, end), flags };
}

/** Compiles a parsed `/regex/flags` as an unanchored search. */
export function compileSlashRegex(
  parsed: { readonly pattern: string; readonly flags: string },
  opts: { readonly maxLength?: number; readonly field?: string } = {},
): SafeRegex {
  return compileSafeRegex(parsed.pattern, {
    ...opts,
    caseInsensitive: parsed.flags.includes('i'),
    multiline: parsed.flags.includes('m'),
    dotAll: parsed.flags.includes('s'),
  });
}
