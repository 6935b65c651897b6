import type { Clock, Timer } from "../clock/clock.js";

/** How long rings wait with none taken before the reserve hands them on: many bursts of a busy link. */
export const QUIET_MS = 200;

/**
 * A stack's drained rings, kept for its own connections while they are busy. The process's ring pool
 * (sized-ring.ts) keeps at most 1 MiB per size, what idle memory allows; a thousand busy connections give
 * back their receive rings all at once when their readers drain them, and take them again a burst later,
 * so past that 1 MiB each burst zeroed fresh rings (the scale suite's 1,000 connections: 212 MB of fresh
 * receive rings per 128 MiB moved). The reserve holds them in between, bounded by the stack's memory
 * budget (rings in use and in reserve never pass its limit: a fresh ring charged past it first empties
 * the reserve), and hands them on to the pool once QUIET_MS pass with none taken, or the stack closes,
 * so an idle stack keeps nothing here.
 */
export class RingReserve {
  readonly #clock: Clock;
  /** Bytes the budget has free now (its limit less what is charged). */
  readonly #headroom: () => number;
  /** Where rings go when the reserve lets them go: the process pool. */
  readonly #handOn: (ring: Uint8Array) => void;
  readonly #sizes = new Map<number, Uint8Array[]>();
  #bytes = 0;
  /** A ring taken since the quiet timer was armed: the stack is still busy. */
  #taken = false;
  #timer: Timer | null = null;
  #closed = false;
  readonly #onQuiet = (): void => this.#quiet();

  constructor(clock: Clock, headroom: () => number, handOn: (ring: Uint8Array) => void) {
    this.#clock = clock;
    this.#headroom = headroom;
    this.#handOn = handOn;
  }

  /** Bytes of rings held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * A ring of exactly `size`, or null. On null the caller charges a fresh one: if the reserve would then
   * take the stack past its limit, it lets its rings go first.
   */
  take(size: number): Uint8Array | null {
    const ring = this.#sizes.get(size)?.pop();
    if (ring !== undefined) {
      this.#bytes -= size;
      this.#taken = true;
      return ring;
    }
    if (this.#bytes > 0 && this.#bytes + size > this.#headroom()) this.#letGo();
    return null;
  }

  /** Keeps `ring` if the budget has room for it beside what is charged; false when it did not. */
  give(ring: Uint8Array): boolean {
    if (this.#closed || this.#bytes + ring.length > this.#headroom()) return false;
    const list = this.#sizes.get(ring.length);
    if (list === undefined) this.#sizes.set(ring.length, [ring]);
    else list.push(ring);
    this.#bytes += ring.length;
    if (this.#timer === null) this.#timer = this.#clock.schedule(QUIET_MS, this.#onQuiet);
    return true;
  }

  /** The stack closed: every ring goes on to the pool, and none is kept from now on. */
  close(): void {
    this.#closed = true;
    this.#letGo();
  }

  #quiet(): void {
    this.#timer = null;
    if (!this.#taken) return this.#letGo();
    this.#taken = false;
    if (this.#bytes > 0) this.#timer = this.#clock.schedule(QUIET_MS, this.#onQuiet);
  }

  #letGo(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#taken = false;
    this.#bytes = 0;
    for (const list of this.#sizes.values()) for (const ring of list) this.#handOn(ring);
    this.#sizes.clear();
  }
}
