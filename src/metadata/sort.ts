/**
 * The order of value lists (variable values, builder options): numbers numerically when every value is
 * a number, else by code point, so the order does not depend on the server's locale.
 */
export function sortValues(values: Iterable<string>): string[] {
  const list = [...values];
  const numeric = list.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return list.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
