/**
 * Small byte arrays carved out of 64 KiB slabs, as Node's Buffer pool does: a typed array with its own
 * backing store costs a malloc and external-memory accounting, a view on a slab costs one small object.
 * Every carve is a distinct range, so whoever receives it owns those bytes; a slab lives while any view
 * on it does.
 */
const SLAB = 64 * 1024;
const LARGEST_CARVED = SLAB / 4;

export class Slab {
  #buffer = new Uint8Array(SLAB);
  #used = 0;

  /** `n` bytes of fresh memory. */
  allocate(n: number): Uint8Array {
    if (n > LARGEST_CARVED) return new Uint8Array(n);
    this.reserve(n);
    return this.commit(n);
  }

  /**
   * Makes room for up to `max` bytes and returns the buffer to write them into at `offset`; `commit`
   * then takes the first n of them. A `max` too large for a slab gets a buffer of its own.
   */
  reserve(max: number): Uint8Array {
    if (max > LARGEST_CARVED) {
      this.#buffer = new Uint8Array(max);
      this.#used = 0;
    } else if (this.#used + max > this.#buffer.length) {
      this.#buffer = new Uint8Array(SLAB);
      this.#used = 0;
    }
    return this.#buffer;
  }

  get offset(): number {
    return this.#used;
  }

  commit(n: number): Uint8Array {
    const out = this.#buffer.subarray(this.#used, this.#used + n);
    // 8-byte alignment keeps later carves usable through wider typed-array views.
    this.#used = (this.#used + n + 7) & ~7;
    return out;
  }
}

/** The slab for bytes handed to users by `read`. */
export const userBytes = new Slab();

/**
 * Ring storage for the send and receive buffers, kept by exact size so a ring given back when it empties
 * is taken again at once by the next burst, as the kernel's slab caches keep freed objects. Giving back on
 * every emptying is then a push and a pop, never a fresh allocation or a regrowth, so bulk transfer does not
 * churn, while an idle connection holds no ring at all. A size keeps at most `budget` bytes of rings (and at
 * least two, so a duplex pair of large rings is not lost); the rest go to the garbage collector.
 * Reused rings are not zeroed: the buffers only ever hand out bytes they wrote.
 */
export class RingPool {
  readonly #free = new Map<number, Uint8Array[]>();
  readonly #budget: number;

  constructor(budget: number) {
    this.#budget = budget;
  }

  #take(size: number): Uint8Array {
    return this.#free.get(size)?.pop() ?? new Uint8Array(size);
  }

  /**
   * A ring for `need` bytes when the buffer has none: the size it last gave back if one is waiting (the next
   * burst of a bulk transfer), else `initial` doubled until the bytes fit, at most `max`.
   */
  acquire(need: number, lastSize: number, initial: number, max: number): Uint8Array {
    const waiting = lastSize >= need ? this.#free.get(lastSize)?.pop() : undefined;
    return waiting ?? this.#take(ringSize(initial, need, max));
  }

  /**
   * A larger ring holding the `used` bytes of `old` from `head` on, moved to offset 0 (the ring's wrap point
   * changes with its size); `old` goes back to the pool.
   */
  grow(old: Uint8Array, head: number, used: number, need: number, max: number): Uint8Array {
    const ring = this.#take(ringSize(old.length, need, max));
    const first = Math.min(used, old.length - head);
    ring.set(old.subarray(head, head + first), 0);
    if (first < used) ring.set(old.subarray(0, used - first), first);
    this.give(old);
    return ring;
  }

  give(ring: Uint8Array): void {
    const size = ring.length;
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    if (list.length < Math.max(2, Math.floor(this.#budget / size))) list.push(ring);
  }
}

/** `from` doubled until it holds `need`, at most `max` (geometric growth: each byte is moved O(1) times). */
function ringSize(from: number, need: number, max: number): number {
  let size = from;
  while (size < need) size *= 2;
  return Math.min(size, max);
}

/** A new ring's size: a few segments, what a request or reply of a keep-alive protocol needs. */
export const INITIAL_RING = 4096;

/** The rings of every connection in the process. */
export const rings = new RingPool(256 * 1024);
