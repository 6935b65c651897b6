/**
 * Fixed-size slots of linear memory from `base`, handed out and given back by index: the packet arena's
 * bookkeeping (packet-arena.ts). Slots come into use a chunk at a time, up to a maximum, so the pool's
 * capacity tracks the most packets ever in flight at once and only those slots' pages are ever touched;
 * the maximum is the bound, never passed: a take beyond it is refused (-1), and counted, so a flood costs
 * the senders their own packet buffers (speed), never unbounded linear memory.
 */
export class SlotPool {
  readonly #base: number;
  readonly #size: number;
  /** Slots reserved in linear memory: the highest the maximum may be set to. */
  readonly #reserved: number;
  readonly #chunk: number;
  readonly #free: Int32Array;
  readonly #taken: Uint8Array;
  #top = 0;
  #capacity = 0;
  #max: number;
  /** Chunks added after the first, and takes refused because the pool was at its maximum with none free. */
  growths = 0;
  refused = 0;

  constructor(base: number, size: number, reserved: number, chunk: number) {
    this.#base = base;
    this.#size = size;
    this.#reserved = reserved;
    this.#chunk = Math.min(chunk, reserved);
    this.#max = reserved;
    this.#free = new Int32Array(reserved);
    this.#taken = new Uint8Array(reserved);
    this.#add(this.#chunk);
  }

  /** Slots free now (without growing). */
  get free(): number {
    return this.#top;
  }

  /** Slots in use or free now: the first chunk plus every chunk grown since. */
  get capacity(): number {
    return this.#capacity;
  }

  get max(): number {
    return this.#max;
  }

  /**
   * Sets the most slots the pool may grow to, within what is reserved; never below the slots it already has
   * (a slot in use cannot be taken back), so lowering it stops growth from here on.
   */
  set max(slots: number) {
    if (!Number.isInteger(slots) || slots < 1)
      throw new RangeError(`slot maximum must be a positive integer: ${slots}`);
    this.#max = Math.max(this.#capacity, Math.min(slots, this.#reserved));
  }

  /** Address of a free slot, now taken, growing by a chunk when none is free; -1 (counted) at the maximum. */
  take(): number {
    if (this.#top === 0) {
      if (this.#capacity >= this.#max) {
        this.refused++;
        return -1;
      }
      this.#add(Math.min(this.#chunk, this.#max - this.#capacity));
      this.growths++;
    }
    const i = this.#free[--this.#top];
    this.#taken[i] = 1;
    return this.#base + i * this.#size;
  }

  /** Bytes of the slot before `address`, or -1 when the address is not in this pool. */
  offsetIn(address: number): number {
    const offset = address - this.#base;
    if (offset < 0 || offset >= this.#size * this.#capacity) return -1;
    return offset % this.#size;
  }

  /** Frees the slot holding `address`; false when the address is not in this pool. */
  release(address: number): boolean {
    const offset = address - this.#base;
    if (offset < 0 || offset >= this.#size * this.#capacity) return false;
    const i = (offset / this.#size) | 0;
    if (this.#taken[i] !== 0) {
      this.#taken[i] = 0;
      this.#free[this.#top++] = i;
    }
    return true;
  }

  /** Brings `count` more slots into use, lowest on top: the few slots a steady flow cycles through stay warm. */
  #add(count: number): void {
    const from = this.#capacity;
    this.#capacity += count;
    // Only ever called with no slot free, so the new ones are the whole free stack.
    for (let i = this.#capacity - 1; i >= from; i--) this.#free[this.#top++] = i;
  }
}
