/**
 * Bound parameters of a statement being built: each value gets the dialect's placeholder (`$1…` for
 * postgres, `?` for mysql and sqlite, numbered in text order), never its text.
 */
import type { Dialect, Statement } from './types';

export type Param = Statement['params'][number];

export class ParamList {
  readonly dialect: Dialect;
  private readonly values: Param[];
  /** postgres only: placeholders of values added under a key (one `$n` for the same value everywhere). */
  private readonly keyed = new Map<string, string>();

  constructor(dialect: Dialect, initial: readonly Param[] = []) {
    this.dialect = dialect;
    this.values = [...initial];
  }

  /**
   * The placeholder of `value`, appended. With `key` (postgres only), the same key answers the same `$n`:
   * `$__timeGroup(t, $__interval)` in the select list and in GROUP BY are then the same expression text,
   * which PostgreSQL needs to match them. `?` placeholders cannot be shared, so mysql and sqlite bind again.
   */
  add(value: Param, key?: string): string {
    // better-sqlite3 binds numbers, strings, bigints, buffers and null only.
    const bound = this.dialect === 'sqlite' && typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (this.dialect !== 'postgres') {
      this.values.push(bound);
      return '?';
    }
    if (key !== undefined) {
      const known = this.keyed.get(key);
      if (known !== undefined) return known;
    }
    this.values.push(bound);
    const placeholder = `$${this.values.length}`;
    if (key !== undefined) this.keyed.set(key, placeholder);
    return placeholder;
  }

  get params(): readonly Param[] {
    return this.values;
  }
}
