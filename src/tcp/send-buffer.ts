import { SizedRing } from "./sized-ring.js";

/** Copies of peeks that wrap: one for the process, as each peek is used before the next (output.ts). */
let scratch = new Uint8Array(0);

/**
 * The bytes the user has written and the peer has not yet acknowledged, as a ring of at most `capacity`
 * bytes. Offset 0 is the byte at SND.UNA; `consume` drops acknowledged bytes from the front. The ring is
 * sized to use (sized-ring.ts): none until the first write, small at first, doubled when a write needs more,
 * and given back whenever the acknowledgements empty it, so an idle connection holds no buffer memory.
 */
export class SendBuffer extends SizedRing {
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** What a write can take now: up to the capacity, and as far as the memory budget lets the ring grow. */
  get free(): number {
    return this.reachable - this.#length;
  }

  /** Copies as much of `data` as fits; returns the count. */
  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    if (n === 0) return 0;
    this.#head = this.reserve(this.#length + n, this.#head, this.#length);
    const ring = this.ring;
    let tail = this.#head + this.#length;
    if (tail >= ring.length) tail -= ring.length;
    const first = Math.min(n, ring.length - tail);
    ring.set(first === data.length ? data : data.subarray(0, first), tail);
    if (first < n) ring.set(data.subarray(first, n), 0);
    this.#length += n;
    return n;
  }

  /**
   * `len` bytes from `offset`. A view into the ring when contiguous, else a copy in a scratch buffer that
   * the next call (on any connection) overwrites: the caller must use the bytes before asking again.
   */
  peek(offset: number, len: number): Uint8Array {
    const ring = this.ring;
    let start = this.#head + offset;
    if (start >= ring.length) start -= ring.length;
    if (start + len <= ring.length) return ring.subarray(start, start + len);
    if (scratch.length < len) scratch = new Uint8Array(Math.max(len, 2048));
    const first = ring.length - start;
    scratch.set(ring.subarray(start), 0);
    scratch.set(ring.subarray(0, len - first), first);
    return scratch.subarray(0, len);
  }

  consume(n: number): void {
    const k = Math.min(n, this.#length);
    this.#head += k;
    if (this.#head >= this.ring.length) this.#head -= this.ring.length;
    this.#length -= k;
    if (this.#length === 0) this.clear();
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
    this.release();
  }
}
