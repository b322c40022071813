import type { Registry } from '../registry/registry';

/** Answers kept per endpoint; the oldest goes first when full. */
const MAX_ENTRIES = 256;
/** Longer answers are not kept: they are rare and would hold memory for little gain. */
const MAX_BYTES = 256 * 1024;

/**
 * Remembers JSON answers, as the bytes sent (a Buffer goes to the socket as is, a string is encoded
 * again on every write), that depend only on the registry and the request (the metric list, variable
 * values): computed once per registry revision, then sent as the same text. Grafana repeats these on
 * every dashboard load and variable refresh. A reloaded registry (a new object) or one that gained a
 * metric (a new revision) starts empty; an answer that throws is not kept.
 */
export class AnswerMemo {
  #registry: Registry | undefined;
  #revision = -1;
  readonly #texts = new Map<string, Buffer>();

  /** The answer kept for `key` from this registry revision, if any. */
  peek(registry: Registry, key: string): Buffer | undefined {
    this.#follow(registry);
    return this.#texts.get(key);
  }

  /** The answer for `key`: kept from an earlier call, or `compute()` encoded (and kept when small). */
  bytes(registry: Registry, key: string, compute: () => string): Buffer {
    this.#follow(registry);
    const kept = this.#texts.get(key);
    if (kept !== undefined) return kept;
    const bytes = Buffer.from(compute());
    if (bytes.length <= MAX_BYTES) {
      if (this.#texts.size >= MAX_ENTRIES) this.#texts.delete(this.#texts.keys().next().value as string);
      this.#texts.set(key, bytes);
    }
    return bytes;
  }

  /** Forgets every answer when the registry is another one or has changed. */
  #follow(registry: Registry): void {
    if (registry !== this.#registry || registry.revision !== this.#revision) {
      this.#texts.clear();
      this.#registry = registry;
      this.#revision = registry.revision;
    }
  }
}
