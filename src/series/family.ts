/**
 * Metric **families**: `temperature.*` is every metric whose name starts with `temperature.`. `/metrics`
 * offers a family for each dotted name prefix that two or more metrics share, so a builder-mode user picks
 * "temperature.*" and then narrows it by label. Read as a regex, `temperature.*` would match nearly the
 * same names (any name starting with `temperature`); the family reading is exact, and it also accepts the
 * form Grafana's regex formatter turns a variable value `temperature.*` into (`temperature\.\*`).
 */

/** Every name that starts with `prefix` (which ends with `.`); its id, the target, is `prefix*`. */
export interface MetricFamily {
  readonly id: string;
  readonly prefix: string;
  readonly members: readonly string[];
}

/** A family id: a name prefix ending in `.` (no regex syntax besides the dots), then `*`. */
const FAMILY = /^([^\\^$*+?()[\]{}|/]*\.)\*$/;
/** The characters Grafana's regex formatter escapes (docs/client-contract.md §1.3). */
const GRAFANA_ESCAPED = /[\\^$*+?.()|[\]{}/]/g;

/** The prefix of a family id as typed (`a.b.*`) or as Grafana escapes a variable holding it (`a\.b\.\*`). */
export function familyPrefix(target: string): string | undefined {
  const typed = FAMILY.exec(target);
  if (typed !== null) return typed[1];
  const unescaped = target.replace(/\\(.)/g, '$1');
  const escaped = FAMILY.exec(unescaped);
  if (escaped === null || unescaped.replace(GRAFANA_ESCAPED, '\\$&') !== target) return undefined;
  return escaped[1];
}

/**
 * The families of `names`: one per dotted prefix shared by at least two names (`a.b.c` has the prefixes
 * `a.` and `a.b.`), ordered by their first member, the shorter prefix first.
 */
export function metricFamilies(names: readonly string[]): MetricFamily[] {
  const members = new Map<string, string[]>();
  for (const name of names) {
    for (let dot = name.indexOf('.'); dot !== -1 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
      const prefix = name.slice(0, dot + 1);
      const list = members.get(prefix);
      if (list === undefined) members.set(prefix, [name]);
      else list.push(name);
    }
  }
  return [...members]
    .filter(([, list]) => list.length >= 2)
    .map(([prefix, list]) => ({ id: `${prefix}*`, prefix, members: list }));
}
