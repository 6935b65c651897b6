import { INITIAL_RING, rings } from "./slab.js";

const NONE = new Uint8Array(0);
/** Copies of peeks that wrap: one for the process, as each peek is used before the next (output.ts). */
let scratch = NONE;

/**
 * The bytes the user has written and the peer has not yet acknowledged, as a ring of at most `capacity`
 * bytes. Offset 0 is the byte at SND.UNA; `consume` drops acknowledged bytes from the front. The ring is
 * sized to use, as a kernel's socket memory is: none until the first write, small at first, doubled when a
 * write needs more (up to `capacity`), and given back to the ring pool whenever the acknowledgements empty it
 * (slab.ts says why that costs nothing in bulk transfer).
 */
export class SendBuffer {
  readonly capacity: number;
  readonly #initial: number;
  #ring: Uint8Array = NONE;
  /** The size of the ring last given back, taken again if the pool has one. */
  #lastSize = 0;
  #head = 0;
  #length = 0;

  constructor(capacity: number, initialRing = INITIAL_RING) {
    this.capacity = capacity;
    this.#initial = Math.min(capacity, initialRing);
  }

  get length(): number {
    return this.#length;
  }

  get free(): number {
    return this.capacity - this.#length;
  }

  /** Bytes of ring storage held now. */
  get allocated(): number {
    return this.#ring.length;
  }

  /** Copies as much of `data` as fits; returns the count. */
  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.capacity - this.#length);
    if (n === 0) return 0;
    const need = this.#length + n;
    if (this.#ring === NONE) this.#ring = rings.acquire(need, this.#lastSize, this.#initial, this.capacity);
    else if (need > this.#ring.length) {
      this.#ring = rings.grow(this.#ring, this.#head, this.#length, need, this.capacity);
      this.#head = 0;
    }
    const size = this.#ring.length;
    let tail = this.#head + this.#length;
    if (tail >= size) tail -= size;
    const first = Math.min(n, size - tail);
    this.#ring.set(first === data.length ? data : data.subarray(0, first), tail);
    if (first < n) this.#ring.set(data.subarray(first, n), 0);
    this.#length += n;
    return n;
  }

  /**
   * `len` bytes from `offset`. A view into the ring when contiguous, else a copy in a scratch buffer that
   * the next call (on any connection) overwrites: the caller must use the bytes before asking again.
   */
  peek(offset: number, len: number): Uint8Array {
    const size = this.#ring.length;
    let start = this.#head + offset;
    if (start >= size) start -= size;
    if (start + len <= size) return this.#ring.subarray(start, start + len);
    if (scratch.length < len) scratch = new Uint8Array(Math.max(len, 2048));
    const first = size - start;
    scratch.set(this.#ring.subarray(start), 0);
    scratch.set(this.#ring.subarray(0, len - first), first);
    return scratch.subarray(0, len);
  }

  consume(n: number): void {
    const k = Math.min(n, this.#length);
    this.#head += k;
    if (this.#head >= this.#ring.length) this.#head -= this.#ring.length;
    this.#length -= k;
    if (this.#length === 0) this.#release();
  }

  clear(): void {
    this.#length = 0;
    this.#release();
  }

  #release(): void {
    this.#head = 0;
    if (this.#ring === NONE) return;
    this.#lastSize = this.#ring.length;
    rings.give(this.#ring);
    this.#ring = NONE;
  }
}
