import type { MemoryBudget } from "./memory-budget.js";
import { giveRing, takeRing } from "../wire/ring-arena.js";

/**
 * Ring storage for the send and receive buffers, kept by exact size so a ring given back when it empties
 * is taken again at once by the next burst, as the kernel's slab caches keep freed objects. Giving back on
 * every emptying is then a push and a pop, never a fresh allocation or a regrowth, so bulk transfer does not
 * churn, while an idle connection holds no ring at all. A size keeps as many free rings as were lately out
 * at once (busy connections empty and refill their rings turn by turn: with a fixed count of them, 10
 * connections moving 128 MiB allocated 1,239 receive rings, against 9 now), at most `limit` bytes, and at least
 * `budget` bytes' worth or two; the rest go to the garbage collector, and each ring given back lowers the
 * mark a little, so the free rings sink back to the budget as the traffic ends.
 * Reused rings are not zeroed: the buffers only ever hand out bytes they wrote.
 */
/** One size's rings in the pool: the free ones, how many are out, and the decaying mark of the most out at once. */
class SizeClass {
  readonly free: Uint8Array[] = [];
  out = 0;
  peak = -0; // fractional once it decays: a double from the start (see ControlBlock)
  /** Free rings kept whatever the mark: `budget` bytes' worth, at least two. */
  readonly floor: number;
  /** Free rings never kept beyond: `limit` bytes' worth. */
  readonly ceiling: number;

  constructor(size: number, budget: number, limit: number) {
    this.floor = Math.max(2, Math.floor(budget / size));
    this.ceiling = Math.floor(limit / size);
  }
}

/** Where a pool's new rings come from, and where the ones it does not keep go. */
interface RingSource {
  make(size: number): Uint8Array;
  /** A ring the pool lets go of (the garbage collector's, unless the source keeps its own). */
  drop(ring: Uint8Array): void;
}

export class RingPool {
  readonly #sizes = new Map<number, SizeClass>();
  readonly #budget: number;
  readonly #limit: number;
  readonly #source: RingSource;

  constructor(budget: number, limit: number, source: RingSource) {
    this.#budget = budget;
    this.#limit = limit;
    this.#source = source;
  }

  #of(size: number): SizeClass {
    let c = this.#sizes.get(size);
    if (c === undefined) this.#sizes.set(size, (c = new SizeClass(size, this.#budget, this.#limit)));
    return c;
  }

  take(size: number): Uint8Array {
    const c = this.#of(size);
    const ring = c.free.pop() ?? this.#source.make(size);
    if (++c.out > c.peak) c.peak = c.out;
    return ring;
  }

  /** A ring of `size` if one is waiting, else null (taking it allocates nothing). */
  takeWaiting(size: number): Uint8Array | null {
    const c = this.#sizes.get(size);
    const ring = c?.free.pop();
    if (c === undefined || ring === undefined) return null;
    if (++c.out > c.peak) c.peak = c.out;
    return ring;
  }

  give(ring: Uint8Array): void {
    const c = this.#of(ring.length);
    if (c.out > 0) c.out--;
    // The mark forgets a ring per 16 given back, so once the busy connections finish it sinks to the floor.
    c.peak = Math.max(0, c.peak - 1 / 16);
    const keep = Math.max(c.floor, Math.min(Math.ceil(c.peak), c.ceiling));
    if (c.free.length < keep) c.free.push(ring);
    else {
      this.#source.drop(ring);
      while (c.free.length > keep) this.#source.drop(c.free.pop()!);
    }
  }
}

/**
 * The rings of every connection in the process. The 1 MiB limit per size is what idle memory allows: with
 * 32 MiB an idle connection that had carried a request and reply cost 8.7 KB (the pool kept the rings
 * thousands of them had just given back), with 1 MiB 5.0 KB (4.7 with no mark at all); 10 busy connections
 * still find their rings waiting.
 */
const rings = new RingPool(256 * 1024, 1 << 20, { make: (size) => new Uint8Array(size), drop() {} });

/**
 * The send buffers' rings: in linear memory while the region has room (ring-arena.ts), so the build copies
 * a segment's payload in the checksum's pass; kept as the other rings are.
 */
export const sendRings = new RingPool(256 * 1024, 1 << 20, {
  make: (size) => takeRing(size) ?? new Uint8Array(size),
  drop: giveRing,
});

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

  /** The pool this buffer's rings come from and go back to (a getter: no field per buffer). */
  protected get pool(): RingPool {
    return rings;
  }

  constructor(capacity: number, initialRing = INITIAL_RING, budget: MemoryBudget | null = null) {
    this.capacity = capacity;
    this.#initial = Math.min(capacity, initialRing);
    this.#budget = budget;
  }

  /** Bytes of ring storage held now. */
  get allocated(): number {
    return this.ring.length;
  }

  /**
   * The most bytes the ring can hold without a refusal from the budget: its size plus the room it may grow
   * by. Where the budget, not the capacity, sets that bound, it is cut to a size the doubling reaches: a
   * buffer one fair share across (1,000 connections of a 256 MiB budget: 134,217 bytes) would otherwise
   * grow a full 128 KiB ring by a sliver and copy all of it, for 3 KiB more.
   */
  protected get reachable(): number {
    const held = this.ring.length;
    if (this.#budget === null) return this.capacity;
    const most = held + this.#budget.room(held);
    return most >= this.capacity ? this.capacity : this.#doubled(held, most);
  }

  /** The largest size the doubling reaches within `most`, never below `held` (a method: the getter stays small). */
  #doubled(held: number, most: number): number {
    let size = this.#initial;
    while (size * 2 <= most) size *= 2;
    return Math.max(held, Math.min(size, most));
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
        (this.#lastSize >= need && this.#affordable(this.#lastSize, 0)
          ? this.pool.takeWaiting(this.#lastSize)
          : null) ?? this.pool.take(this.#grownSize(this.#initial, need, 0));
      this.#budget?.charge(this.ring.length);
      return 0;
    }
    const ring = this.pool.take(this.#grownSize(old.length, need, old.length));
    this.#budget?.charge(ring.length - old.length);
    const first = Math.min(used, old.length - head);
    ring.set(old.subarray(head, head + first), 0);
    if (first < used) ring.set(old.subarray(0, used - first), first);
    this.pool.give(old);
    this.ring = ring;
    return 0;
  }

  protected release(): void {
    if (this.ring === NONE) return;
    this.#budget?.release(this.ring.length);
    this.#lastSize = this.ring.length;
    this.pool.give(this.ring);
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
