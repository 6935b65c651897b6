import type { Clock } from "../clock/clock.js";

/**
 * A small cache whose entries expire after their TTL, bounded in entries: when full, the least recently
 * used entry goes (a Map iterates in insertion order, and a hit re-inserts). Expired entries are dropped
 * when met; the bound holds either way.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(maxEntries: number, clock: Clock) {
    if (!(Number.isInteger(maxEntries) && maxEntries >= 0))
      throw new RangeError(`cache size must be an integer >= 0, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  /** The live entry and its remaining lifetime in seconds, or undefined. */
  get(key: string): { value: V; ttl: number } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    const remaining = entry.expiresAt - this.#clock.now();
    if (remaining <= 0) return undefined;
    this.#entries.set(key, entry);
    return { value: entry.value, ttl: Math.ceil(remaining / 1000) };
  }

  /** Keeps `value` for `ttlSeconds`; a TTL of 0 or less stores nothing. */
  set(key: string, value: V, ttlSeconds: number): void {
    this.#entries.delete(key);
    if (!(ttlSeconds > 0) || this.#maxEntries === 0) return;
    while (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
