const NONE = new Uint8Array(0);

/**
 * The bytes the user has written and the peer has not yet acknowledged, as a fixed-capacity ring.
 * Offset 0 is the byte at SND.UNA; `consume` drops acknowledged bytes from the front. The ring is
 * allocated on the first write, so an idle connection costs no buffer memory.
 */
export class SendBuffer {
  readonly capacity: number;
  #ring = NONE;
  #head = 0;
  #length = 0;
  #scratch: Uint8Array | null = null;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get length(): number {
    return this.#length;
  }

  get free(): number {
    return this.capacity - this.#length;
  }

  /** Copies as much of `data` as fits; returns the count. */
  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.capacity - this.#length);
    if (n === 0) return 0;
    if (this.#ring === NONE) this.#ring = new Uint8Array(this.capacity);
    let tail = this.#head + this.#length;
    if (tail >= this.capacity) tail -= this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.#ring.set(first === data.length ? data : data.subarray(0, first), tail);
    if (first < n) this.#ring.set(data.subarray(first, n), 0);
    this.#length += n;
    return n;
  }

  /**
   * `len` bytes from `offset`. A view into the ring when contiguous, else a copy in a scratch buffer that
   * the next call overwrites: the caller must use the bytes before asking again.
   */
  peek(offset: number, len: number): Uint8Array {
    let start = this.#head + offset;
    if (start >= this.capacity) start -= this.capacity;
    if (start + len <= this.capacity) return this.#ring.subarray(start, start + len);
    if (this.#scratch === null || this.#scratch.length < len) this.#scratch = new Uint8Array(Math.max(len, 2048));
    const first = this.capacity - start;
    this.#scratch.set(this.#ring.subarray(start), 0);
    this.#scratch.set(this.#ring.subarray(0, len - first), first);
    return this.#scratch.subarray(0, len);
  }

  consume(n: number): void {
    const k = Math.min(n, this.#length);
    this.#head += k;
    if (this.#head >= this.capacity) this.#head -= this.capacity;
    this.#length -= k;
    if (this.#length === 0) this.#head = 0;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}
