import { userBytes } from "./byte-slab.js";
import type { MemoryBudget } from "./memory-budget.js";
import { INITIAL_RING, SizedRing } from "./sized-ring.js";

/** Reads up to this many bytes are copied by a loop: below it a subarray view costs more than the copy. */
const SMALL_COPY = 32;

/** `insert`'s answer when the memory budget refused out-of-order data. */
export const MEMORY_REFUSED = -2;

/**
 * The receive side: a ring of at most `capacity` bytes holding in-order bytes not yet read, and, past them,
 * out-of-order bytes placed where they belong. A bounded list of filled ranges (like smoltcp's Assembler)
 * says which out-of-order bytes are present; when the gap after the in-order data fills, they become
 * readable at once. The ring is sized to use (sized-ring.ts): small at first, doubled to cover whatever an insert
 * reaches (an out-of-order segment anywhere in the window included), given back when reads empty it. The
 * window offered follows `capacity`, never the ring's size.
 *
 * Offsets given to `insert` are relative to RCV.NXT (the end of the in-order data).
 */
/**
 * The ranges of a buffer with nothing out of order, shared by all (frozen: a buffer makes its own array
 * on its first out-of-order segment), so an idle connection holds no array of its own.
 */
const NO_RANGES: number[] = Object.freeze([]) as unknown as number[];

export class ReceiveBuffer extends SizedRing {
  readonly #maxRanges: number;
  #head = 0;
  #length = 0;
  /** Out-of-order ranges as [start, end) offsets from RCV.NXT, sorted, disjoint, not touching. */
  #ranges: number[] = NO_RANGES;

  constructor(capacity: number, maxRanges: number, initialRing = INITIAL_RING, budget: MemoryBudget | null = null) {
    super(capacity, initialRing, budget);
    this.#maxRanges = maxRanges;
  }

  /** Raise the capacity to `to` (receive-tuning.ts): the window may then open that far. Never lowers it. */
  grow(to: number): void {
    if (to > this.capacity) this.capacity = to;
  }

  /** In-order bytes ready to read. */
  get length(): number {
    return this.#length;
  }

  /**
   * Space past the in-order data (what the window may offer): up to the capacity, and as far as the memory
   * budget lets the ring grow, so under pressure the window shrinks, to 0 at worst.
   */
  get free(): number {
    return Math.max(0, this.reachable - this.#length);
  }

  /** The out-of-order ranges held, as [start, end) offset pairs from RCV.NXT (what SACK blocks will report). */
  get outOfOrderRanges(): ReadonlyArray<number> {
    return this.#ranges;
  }

  /**
   * Place `data` at `offset` from RCV.NXT. The caller has trimmed it to the window, so it fits.
   * Returns how many bytes became in-order (RCV.NXT advances by that), -1 when the segment was refused
   * because it would need more ranges than the bound, or `MEMORY_REFUSED` when out-of-order data would grow
   * the ring past what the memory budget allows. In-order data inside the window is never refused for memory:
   * the window promised it.
   */
  insert(offset: number, data: Uint8Array): number {
    const len = data.length;
    if (len === 0) return 0;
    const need = this.#length + offset + len;
    if (need > this.capacity) return -1;
    if (offset > 0 && need > this.allocated && need > this.reachable) return MEMORY_REFUSED;
    if (offset > 0 && !this.#addRange(offset, offset + len)) return -1;
    this.#copyIn(offset, data);
    if (offset > 0) return 0;
    // In order: absorb it and any range it now touches.
    let advance = len;
    const r = this.#ranges;
    let drop = 0;
    while (drop < r.length && r[drop] <= advance) {
      advance = Math.max(advance, r[drop + 1]);
      drop += 2;
    }
    if (drop > 0) r.splice(0, drop);
    for (let i = 0; i < r.length; i++) r[i] -= advance;
    this.#length += advance;
    return advance;
  }

  #addRange(start: number, end: number): boolean {
    if (this.#ranges === NO_RANGES) this.#ranges = [];
    const r = this.#ranges;
    let i = 0;
    while (i < r.length && r[i + 1] < start) i += 2;
    // Merge every range that overlaps or touches [start, end).
    let j = i;
    let s = start;
    let e = end;
    while (j < r.length && r[j] <= end) {
      s = Math.min(s, r[j]);
      e = Math.max(e, r[j + 1]);
      j += 2;
    }
    if (j === i && r.length >= this.#maxRanges * 2) return false;
    r.splice(i, j - i, s, e);
    return true;
  }

  #copyIn(offset: number, data: Uint8Array): void {
    // Growing moves everything held: the in-order bytes and the out-of-order ones, up to the old ring's end.
    this.#head = this.reserve(this.#length + offset + data.length, this.#head, this.ring.length);
    const ring = this.ring;
    let at = this.#head + this.#length + offset;
    while (at >= ring.length) at -= ring.length;
    const first = Math.min(data.length, ring.length - at);
    ring.set(first === data.length ? data : data.subarray(0, first), at);
    if (first < data.length) ring.set(data.subarray(first), 0);
  }

  /** Drop everything held (RFC 9293 on a reset: "all segment queues should be flushed"), giving the ring back. */
  clear(): void {
    this.#head = 0;
    this.#length = 0;
    this.#ranges = NO_RANGES;
    this.release();
  }

  /** Take up to `max` in-order bytes, copied into memory the caller owns (a view on a shared slab). */
  read(max: number): Uint8Array {
    const out = userBytes(Math.min(max, this.#length));
    this.#take(out);
    return out;
  }

  /** Take up to `target.length` in-order bytes into `target` (a reader's own buffer); returns the count. */
  readInto(target: Uint8Array): number {
    const n = Math.min(target.length, this.#length);
    this.#take(n === target.length ? target : target.subarray(0, n));
    return n;
  }

  /** Moves `out.length` in-order bytes (no more than held) from the ring into `out`. */
  #take(out: Uint8Array): void {
    const n = out.length;
    const ring = this.ring;
    const head = this.#head;
    const first = Math.min(n, ring.length - head);
    if (first <= SMALL_COPY) {
      // A few bytes (a request, a reply, a keystroke): a loop, not a view and a set per read.
      for (let i = 0; i < first; i++) out[i] = ring[head + i];
    } else out.set(ring.subarray(head, head + first), 0);
    if (first < n) out.set(ring.subarray(0, n - first), first);
    this.#head += n;
    if (this.#head >= ring.length) this.#head -= ring.length;
    this.#length -= n;
    if (this.#length === 0 && this.#ranges.length === 0) {
      this.#head = 0;
      this.release();
    }
  }
}
