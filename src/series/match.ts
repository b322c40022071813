/**
 * Resolves a query target (or a search box query) to metric names.
 *
 * Grafana interpolates template variables in its `regex` format before sending (docs/client-contract.md §1.3, §2.3):
 * a single value arrives regex-escaped (`web\.01`), several values as `(a|b)` with each value escaped,
 * a custom all-value raw (`.*`), and the user may type `/regex/flags` directly. A target is therefore
 * tried as an exact name first, then as an anchored regex, which covers every one of those forms.
 *
 * `(a|b)` is split into its alternatives here, once for every caller, and each alternative resolves
 * exactly as it would alone: so a value that is more than a regex fragment, such as a metric family
 * (`temperature\.\*`, series/family.ts) or a name with regex characters, keeps its meaning inside a
 * multi-value variable. For plain regex alternatives the union is what the whole regex matches.
 */
import { PatternError } from '../errors';
import { familyPrefix } from './family';
import {
  compileSafeRegex,
  compileSlashRegex,
  DEFAULT_MAX_PATTERN_LENGTH,
  parseSlashRegex,
  type PatternOptions,
  type SafeRegex,
} from './saferegex';

export interface MatchOptions extends PatternOptions {
  /** Names the input in PatternError messages; default `target`. */
  readonly field?: string;
  /**
   * Read a family id (`temperature.*`, or Grafana's `temperature\.\*`) as the names starting with its
   * prefix, when there are any (series/family.ts). For metric names; label values have no families.
   */
  readonly families?: boolean;
}

/** The characters Grafana's regex formatter escapes (docs/client-contract.md §1.3). */
const ESCAPED = /\\([\\^$*+?.()|[\]{}/])/g;

/** Text with no regex syntax except characters escaped the way Grafana escapes them: a plain name. */
const LITERAL = /^(?:[^\\^$*+?.()|[\]{}]|\\[\\^$*+?.()|[\]{}/])*$/;

/** Undoes Grafana's regex escaping: drops the backslash before `\ ^ $ * + ? . ( ) | [ ] { } /`. */
export function unescapeRegex(text: string): string {
  return text.replace(ESCAPED, '$1');
}

/**
 * The alternatives of Grafana's multi-value form: when the whole target is one group `(…)` holding
 * top-level `|`, the texts between them (`(a\.b|c)` → `a\.b`, `c`). Anything else is one alternative,
 * the target itself: a single value, `(?:…)` and other group flags, `(a|b)+`, `x(a|b)`, `(a)|(b)`,
 * unbalanced text. Escapes, character classes and nested groups do not split.
 */
export function alternativesOf(target: string): string[] {
  const last = target.length - 1;
  if (last < 2 || target[0] !== '(' || target[1] === '?' || target[last] !== ')') return [target];
  const parts: string[] = [];
  let depth = 0;
  let start = 1;
  for (let i = 1; i < last; i++) {
    const ch = target[i];
    if (ch === '\\') {
      i++;
      // The closing parenthesis is escaped: `(a|b\)` is no group.
      if (i >= last) return [target];
    } else if (ch === '[') {
      // A class runs to the first `]` that is not its first character (`[]a]`, `[^]a]`) nor escaped.
      i = classEnd(target, i);
      if (i >= last) return [target];
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      // The first group closes before the end: `(a)|(b)`, `(a)(b)`.
      if (depth === 0) return [target];
      depth--;
    } else if (ch === '|' && depth === 0) {
      parts.push(target.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || parts.length === 0) return [target];
  parts.push(target.slice(start, last));
  return parts;
}

/** The index of the `]` closing the class opened at `open` (text.length when there is none). */
function classEnd(text: string, open: number): number {
  let i = open + 1;
  if (text[i] === '^') i++;
  if (text[i] === ']') i++;
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ']') return i;
  }
  return text.length;
}

/** A test on one name. */
type NameTest = (name: string, index: number) => boolean;

/** The names `test` accepts, in `names` order, each once. */
function select(names: readonly string[], test: NameTest): string[] {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!seen.has(name) && test(name, i)) seen.add(name);
  });
  return [...seen];
}

/** The names some test accepts (none for no tests). */
function selectAny(names: readonly string[], tests: readonly NameTest[]): string[] {
  if (tests.length === 0) return [];
  if (tests.length === 1) return select(names, tests[0] as NameTest);
  return select(names, (name, i) => tests.some((test) => test(name, i)));
}

interface Reading {
  readonly names: readonly string[];
  readonly nameSet: ReadonlySet<string>;
  readonly maxLength: number;
  readonly field: string;
  readonly families: boolean;
}

/** The family an alternative names, as a test, when family reading is on and the family has members. */
function familyTest(alternative: string, reading: Reading): NameTest | undefined {
  if (!reading.families) return undefined;
  const prefix = familyPrefix(alternative);
  if (prefix === undefined || !reading.names.some((name) => name.startsWith(prefix))) return undefined;
  return (name) => name.startsWith(prefix);
}

/** The name equal to `literal`, as a test; undefined when there is none. */
function nameTest(literal: string, reading: Reading): NameTest | undefined {
  return reading.nameSet.has(literal) ? (name) => name === literal : undefined;
}

/** One alternative as matchTarget reads a whole target (steps 1, 3-5); undefined when it matches nothing. */
function targetTest(alternative: string, reading: Reading): NameTest | undefined {
  if (reading.nameSet.has(alternative)) return (name) => name === alternative;
  const family = familyTest(alternative, reading);
  if (family !== undefined) return family;
  // Only escaped characters (Grafana's form of a value): the anchored regex matches its unescaped text alone.
  if (LITERAL.test(alternative)) return nameTest(unescapeRegex(alternative), reading);
  const re = anchoredOrUndefined(alternative, reading);
  if (re === undefined) return nameTest(unescapeRegex(alternative), reading);
  return (name) => re.test(name);
}

/** The alternative as an anchored RE2 regex under the reading's cap; undefined when it is no valid regex. */
function anchoredOrUndefined(alternative: string, reading: Reading): SafeRegex | undefined {
  try {
    return compileSafeRegex(alternative, {
      anchored: true,
      maxLength: reading.maxLength,
      field: reading.field,
    });
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    return undefined;
  }
}

function reading(names: readonly string[], opts: MatchOptions): Reading {
  return {
    names,
    nameSet: new Set(names),
    maxLength: opts.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH,
    field: opts.field ?? 'target',
    families: opts.families === true,
  };
}

/**
 * The names a target designates, in `names` order and without duplicates:
 * 1. a name equal to the target → just that name (so names such as `a+b` or `/var/log` need no escaping);
 * 2. `/regex/flags` → every name the regex finds a match in (unanchored, as the user wrote it);
 * 3. with `opts.families`, a family id with members (`temperature.*`, `temperature\.\*`) → its members;
 * 4. otherwise the names the target matches in full as a regex (`web\.01`, `.*`);
 * 5. a target that is not a valid regex is just an odd literal: the name equal to its unescaped form.
 * A multi-value target `(a|b)` (alternativesOf) is the union of its alternatives, each read by steps 1
 * and 3-5 (a `/regex/` is typed whole, never produced inside the multi-value form). An empty result is the
 * caller's "unknown metric".
 *
 * @throws PatternError (field `opts.field`, default `target`) for an invalid `/regex/`, or a target
 *   longer than `maxPatternLength` that is not itself a name (the cap is on the whole target).
 */
export function matchTarget(target: string, names: readonly string[], opts: MatchOptions = {}): string[] {
  if (names.includes(target)) return [target];
  const read = reading(names, opts);
  const { maxLength, field } = read;
  const slash = parseSlashRegex(target, field);
  if (slash !== undefined) {
    const re = compileSlashRegex(slash, { maxLength, field });
    return select(names, (name) => re.test(name));
  }
  // Refused whole, however short its alternatives: compileSafeRegex throws the length error first.
  if (target.length > maxLength) compileSafeRegex(target, { maxLength, field });
  const tests = alternativesOf(target).map((alternative) => targetTest(alternative, read));
  return selectAny(
    names,
    tests.filter((test): test is NameTest => test !== undefined),
  );
}

/** One alternative as searchNames reads a whole query: its family, else substring or anchored regex. */
function searchTest(alternative: string, lower: readonly string[], reading: Reading): NameTest {
  const family = familyTest(alternative, reading);
  if (family !== undefined) return family;
  const needle = alternative.toLowerCase();
  const re = anchoredOrUndefined(alternative, reading);
  return (name, i) => (lower[i] as string).includes(needle) || re?.test(name) === true;
}

/**
 * Names for the metric-find dropdown (`/search`, `/metrics`), in `names` order, each once:
 * an empty query lists every name; `/regex/flags` finds names by regex (invalid → PatternError with
 * field `target`); with `opts.families` a family id with members finds its members; any other text keeps
 * the names that contain it ignoring case, plus the names it matches as an anchored regex, so
 * template-variable forms such as `web\.01` work too. A multi-value query `(a|b)` is the union of its
 * alternatives, each read so (an empty alternative adds nothing). Text that is not a valid regex, or is
 * too long for one, still filters by substring (whole, unsplit), and so does text like `/var/lo` whose
 * "flags" are not flags: the dropdown searches as the user types.
 */
export function searchNames(query: string, names: readonly string[], opts: MatchOptions = {}): string[] {
  if (query === '') return select(names, () => true);
  const read = reading(names, opts);
  const { maxLength, field } = read;
  const slash = slashOrText(query);
  if (slash !== undefined) {
    const re = compileSlashRegex(slash, { maxLength, field });
    return select(names, (name) => re.test(name));
  }
  const lower = names.map((name) => name.toLowerCase());
  const alternatives = query.length > maxLength ? [query] : alternativesOf(query);
  const tests = alternatives
    .filter((alternative) => alternative !== '')
    .map((alternative) => searchTest(alternative, lower, read));
  return selectAny(names, tests);
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
