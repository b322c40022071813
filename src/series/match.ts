/**
 * Resolves a query target (or a search box query) to metric names.
 *
 * Grafana interpolates template variables in its `regex` format before sending (contract §1.3, §2.3):
 * a single value arrives regex-escaped (`web\.01`), several values as `(a|b)`, a custom all-value raw
 * (`.*`), and the user may type `/regex/flags` directly. A target is therefore tried as an exact name
 * first, then as an anchored regex, which covers every one of those forms.
 */
import { PatternError } from '../errors';
import {
  compileSafeRegex,
  compileSlashRegex,
  DEFAULT_MAX_PATTERN_LENGTH,
  parseSlashRegex,
} from './saferegex';

export interface MatchOptions {
  /** Longest pattern compiled; default DEFAULT_MAX_PATTERN_LENGTH. */
  readonly maxPatternLength?: number;
  /** Names the input in PatternError messages; default `target`. */
  readonly field?: string;
}

/** The characters Grafana's regex formatter escapes (contract §1.3). */
const ESCAPED = /\\([\\^$*+?.()|[\]{}/])/g;

/** Undoes Grafana's regex escaping: drops the backslash before `\ ^ $ * + ? . ( ) | [ ] { } /`. */
export function unescapeRegex(text: string): string {
  return text.replace(ESCAPED, '$1');
}

/** The names `test` accepts, in `names` order, each once. */
function select(names: readonly string[], test: (name: string) => boolean): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (!seen.has(name) && test(name)) seen.add(name);
  }
  return [...seen];
}

/**
 * The names a target designates, in `names` order and without duplicates:
 * 1. a name equal to the target → just that name (so names such as `a+b` or `/var/log` need no escaping);
 * 2. `/regex/flags` → every name the regex finds a match in (unanchored, as the user wrote it);
 * 3. otherwise the names the target matches in full as a regex (`web\.01`, `(a|b)`, `.*`);
 * 4. a target that is not a valid regex is just an odd literal: the name equal to its unescaped form.
 * An empty result is the caller's "unknown metric".
 *
 * @throws PatternError (field `opts.field`, default `target`) for an invalid `/regex/`, or a target
 *   longer than `maxPatternLength` that is not itself a name.
 */
export function matchTarget(target: string, names: readonly string[], opts: MatchOptions = {}): string[] {
  if (names.includes(target)) return [target];
  const maxLength = opts.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  const field = opts.field ?? 'target';
  const slash = parseSlashRegex(target, field);
  if (slash !== undefined) {
    const re = compileSlashRegex(slash, { maxLength, field });
    return select(names, (name) => re.test(name));
  }
  let re: ReturnType<typeof compileSafeRegex>;
  try {
    re = compileSafeRegex(target, { anchored: true, maxLength, field });
  } catch (error) {
    if (target.length > maxLength || !(error instanceof PatternError)) throw error;
    const literal = unescapeRegex(target);
    return names.includes(literal) ? [literal] : [];
  }
  return select(names, (name) => re.test(name));
}

/**
 * Names for the metric-find dropdown (`/search`, `/metrics`), in `names` order, each once:
 * an empty query lists every name; `/regex/flags` finds names by regex (invalid → PatternError with
 * field `target`); any other text keeps the names that contain it ignoring case, plus the names it
 * matches as an anchored regex, so template-variable forms such as `(a|b)` and `web\.01` work too.
 * Text that is not a valid regex, or is too long for one, still filters by substring, and so does
 * text like `/var/lo` whose "flags" are not flags: the dropdown searches as the user types.
 */
export function searchNames(query: string, names: readonly string[], opts: MatchOptions = {}): string[] {
  if (query === '') return select(names, () => true);
  const maxLength = opts.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  const field = opts.field ?? 'target';
  const slash = slashOrText(query);
  if (slash !== undefined) {
    const re = compileSlashRegex(slash, { maxLength, field });
    return select(names, (name) => re.test(name));
  }
  const needle = query.toLowerCase();
  let re: ReturnType<typeof compileSafeRegex> | undefined;
  try {
    re = compileSafeRegex(query, { anchored: true, maxLength, field });
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
  }
  return select(names, (name) => name.toLowerCase().includes(needle) || re?.test(name) === true);
}

/** `parseSlashRegex` for a search box: text whose flags are not `i`, `m`, `s` is plain text. */
function slashOrText(query: string): ReturnType<typeof parseSlashRegex> {
  try {
    return parseSlashRegex(query, 'target');
  } catch (error) {
    if (error instanceof PatternError) return undefined;
    throw error;
  }
}
