import type { MemoryBudget } from "./memory-budget.js";

/**
 * Ring storage for the send and receive buffers, kept by exact size so a ring given back when it empties
 * is taken again at once by the next burst, as the kernel's slab caches keep freed objects. Giving back on
 * every emptying is then a push and a pop, never a fresh allocation or a regrowth, so bulk transfer does not
 * churn, while an idle connection holds no ring at all. A size keeps at most `budget` bytes of rings (and at
 * least two, so a duplex pair of large rings is not lost); the rest go to the garbage collector.
 * Reused rings are not zeroed: the buffers only ever hand out bytes they wrote.
 */
class RingPool {
  readonly #free = new Map<number, Uint8Array[]>();
  readonly #budget: number;

  constructor(budget: number) {
    this.#budget = budget;
  }

  take(size: number): Uint8Array {
    return this.#free.get(size)?.pop() ?? new Uint8Array(size);
  }

  /** A ring of `size` if one is waiting, else null (taking it allocates nothing). */
  takeWaiting(size: number): Uint8Array | null {
    return this.#free.get(size)?.pop() ?? null;
  }

  give(ring: Uint8Array): void {
    const size = ring.length;
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    if (list.length < Math.max(2, Math.floor(this.#budget / size))) list.push(ring);
  }
}

/** The rings of every connection in the process. */
const rings = new RingPool(256 * 1024);

/** A new ring's size: a few segments, what a request or reply of a keep-alive protocol needs. */
export const INITIAL_RING = 4096;
const NONE = new Uint8Array(0);

/**
 * A buffer's ring, sized to use as a kernel's socket memory is: none until bytes come, `initialRing` at
 * first, doubled when more is needed (each byte moves O(1) times), at most `capacity`, and given back to the
 * pool by `release` when the buffer empties. The send and receive buffers extend it (a field of their own
 * would cost every idle connection an object per buffer).
 */
export class SizedRing {
  /** The most the ring may hold; only ever raised (the receive buffer's autotuning, receive-tuning.ts). */
  capacity: number;
  protected ring: Uint8Array = NONE;
  readonly #initial: number;
  /** The stack's memory budget (memory-budget.ts), charged for the ring; null: unbounded (unit tests). */
  readonly #budget: MemoryBudget | null;
  /** The size last given back: the next burst takes one of that size if the pool has it. */
  #lastSize = 0;

  constructor(capacity: number, initialRing = INITIAL_RING, budget: MemoryBudget | null = null) {
    this.capacity = capacity;
    this.#initial = Math.min(capacity, initialRing);
    this.#budget = budget;
  }

  /** Bytes of ring storage held now. */
  get allocated(): number {
    return this.ring.length;
  }

  /** The most bytes the ring can hold without a refusal from the budget: its size plus the room it may grow by. */
  protected get reachable(): number {
    const held = this.ring.length;
    return this.#budget === null ? this.capacity : Math.min(this.capacity, held + this.#budget.room(held));
  }

  /**
   * Makes the ring hold at least `need` bytes, where the buffer's `used` bytes start at `head`. Returns the
   * head: unchanged, or 0 when the ring grew (the bytes move to the front, as the wrap point changes).
   */
  protected reserve(need: number, head: number, used: number): number {
    const old = this.ring;
    if (need <= old.length) return head;
    if (old === NONE) {
      this.ring =
        (this.#lastSize >= need && this.#affordable(this.#lastSize, 0) ? rings.takeWaiting(this.#lastSize) : null) ??
        rings.take(this.#grownSize(this.#initial, need, 0));
      this.#budget?.charge(this.ring.length);
      return 0;
    }
    const ring = rings.take(this.#grownSize(old.length, need, old.length));
    this.#budget?.charge(ring.length - old.length);
    const first = Math.min(used, old.length - head);
    ring.set(old.subarray(head, head + first), 0);
    if (first < used) ring.set(old.subarray(0, used - first), first);
    rings.give(old);
    this.ring = ring;
    return 0;
  }

  protected release(): void {
    if (this.ring === NONE) return;
    this.#budget?.release(this.ring.length);
    this.#lastSize = this.ring.length;
    rings.give(this.ring);
    this.ring = NONE;
  }

  /**
   * Doubling from `from` until `need` fits, at most `capacity`; just `need` when the budget cannot afford the
   * doubled size (the callers have checked that `need` itself is allowed, or that it was promised).
   */
  #grownSize(from: number, need: number, held: number): number {
    let size = from;
    while (size < need) size *= 2;
    size = Math.min(size, this.capacity);
    return this.#affordable(size, held) ? size : need;
  }

  #affordable(size: number, held: number): boolean {
    return this.#budget === null || size - held <= this.#budget.room(held);
  }
}
