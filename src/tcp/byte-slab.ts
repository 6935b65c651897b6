/**
 * Small byte arrays carved out of slabs, as Node's Buffer pool does: a typed array with its own backing
 * store costs a malloc and external-memory accounting, a view on a slab costs one small object.
 * Every carve is a distinct range, so whoever receives it owns those bytes; a slab lives while any view
 * on it does.
 */
const SLAB = 64 * 1024;

/** Node's un-zeroed allocator, where there is one (browsers have none). */
const unzeroed = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer?.allocUnsafeSlow;

/**
 * `n` bytes in an ArrayBuffer of their own, for a caller that overwrites all of them before anyone sees
 * them. Under Node the zero fill is skipped (Buffer.allocUnsafeSlow; 64 KiB in about 1 us against 8 us for
 * `new Uint8Array`, whose calloc also faults fresh pages in), and the result is a plain Uint8Array, not a
 * Buffer, whose `slice` would share memory.
 */
export function overwrittenBytes(n: number): Uint8Array {
  return unzeroed === undefined ? new Uint8Array(n) : new Uint8Array(unzeroed(n).buffer, 0, n);
}

export class ByteSlab {
  readonly #size: number;
  readonly #largest: number;
  /** Empty until the first carve: a slab nobody carves from costs nothing (a browser loads every one). */
  #buffer = new Uint8Array(0);
  #used = 0;

  /** Slabs of `size` bytes, carved for requests of up to a quarter of that (larger ones get a buffer each). */
  constructor(size = SLAB) {
    this.#size = size;
    this.#largest = size / 4;
  }

  /** Whether a request of `n` bytes is carved from a slab (larger ones get a buffer each). */
  carves(n: number): boolean {
    return n <= this.#largest;
  }

  /** `n` bytes of fresh memory, for the caller to overwrite whole (larger carves get a buffer each). */
  allocate(n: number): Uint8Array {
    if (n > this.#largest) return overwrittenBytes(n);
    this.reserve(n);
    return this.commit(n);
  }

  /**
   * Makes room for up to `max` bytes and returns the buffer to write them into at `offset`; `commit`
   * then takes the first n of them. A `max` too large for a slab gets a buffer of its own.
   */
  reserve(max: number): Uint8Array {
    if (max > this.#largest) {
      this.#buffer = new Uint8Array(max);
      this.#used = 0;
    } else if (this.#used + max > this.#buffer.length) {
      this.#buffer = new Uint8Array(this.#size);
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

/** The slab for bytes handed to users by `read`: reads of up to 16 KiB (a request, a reply). */
const userSlab = new ByteSlab();

/**
 * The slab for reads of 16-256 KiB (bulk data, a window's worth at a time): a 64 KiB chunk with a buffer
 * of its own cost a malloc, and pages the kernel faulted in afresh each time (the freed chunks went back
 * to it), while 1 MiB slabs are reused by the allocator. A chunk pins its slab while it lives, as any carve
 * does.
 */
const bulkSlab = new ByteSlab(1 << 20);

/** `n` bytes handed to a reader, who owns them from then on: a carve of the slab that suits their size. */
export function userBytes(n: number): Uint8Array {
  return userSlab.carves(n) ? userSlab.allocate(n) : bulkSlab.allocate(n);
}
