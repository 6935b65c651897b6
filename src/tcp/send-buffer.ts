import { LinearView } from "../wire/wasm.js";
import { type RingPool, SizedRing, sendRings } from "./sized-ring.js";

/** Copies of peeks that wrap: one for the process, as each peek is used before the next (output.ts). */
let scratch = new Uint8Array(0);
const EMPTY = new Uint8Array(0);

/**
 * The bytes the user has written and the peer has not yet acknowledged: a ring of at most `capacity`
 * bytes, then the chunks handed over without a copy (`writeNoCopy`), in order. Offset 0 is the byte at
 * SND.UNA; `consume` drops acknowledged bytes from the front. The ring is sized to use (sized-ring.ts): none
 * until the first write, small at first, doubled when a write needs more, and given back whenever the
 * acknowledgements empty it, so an idle connection holds no buffer memory. While chunks are queued a copying
 * write is queued as a chunk of its own (a copy), since its bytes go after theirs.
 */
export class SendBuffer extends SizedRing {
  #head = 0;
  /** Bytes in the ring. */
  #length = 0;
  /** The chunks taken over, oldest first (null: none), their bytes in all, and how much of the first is acknowledged. */
  #chunks: Uint8Array[] | null = null;
  #owned = 0;
  #firstOffset = 0;

  get length(): number {
    return this.#length + this.#owned;
  }

  protected override get pool(): RingPool {
    return sendRings;
  }

  /** What a write can take now: up to the capacity, and as far as the memory budget lets the ring grow. */
  get free(): number {
    return this.reachable - this.#length - this.#owned;
  }

  /** Copies as much of `data` as fits; returns the count. */
  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    if (n === 0) return 0;
    if (this.#chunks !== null) {
      this.#queue(data.slice(0, n));
      return n;
    }
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
   * Keeps as much of `data` as fits as it is, without a copy; returns the count (from the front). The bytes
   * are read again until the peer acknowledges them, so the caller must not change them afterwards.
   */
  writeNoCopy(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    if (n > 0) this.#queue(n === data.length ? data : data.subarray(0, n));
    return n;
  }

  #queue(chunk: Uint8Array): void {
    if (this.#chunks === null) this.#chunks = [];
    this.#chunks.push(chunk);
    this.#owned += chunk.length;
  }

  /**
   * `len` bytes from `offset`. A view into the ring or a chunk when contiguous, else a copy in a scratch
   * buffer that the next call (on any connection) overwrites: the caller must use the bytes before asking again.
   * A view of a ring in linear memory is a LinearView, which the build copies from in its checksum's pass.
   */
  peek(offset: number, len: number): Uint8Array {
    if (len === 0) return EMPTY;
    if (offset + len > this.#length) return this.#peekChunks(offset, len);
    const ring = this.ring;
    let start = this.#head + offset;
    if (start >= ring.length) start -= ring.length;
    if (start + len <= ring.length) {
      return ring instanceof LinearView ? new LinearView(ring.address + start, len) : ring.subarray(start, start + len);
    }
    const out = scratchOf(len);
    const first = ring.length - start;
    out.set(ring.subarray(start), 0);
    out.set(ring.subarray(0, len - first), first);
    return out;
  }

  /**
   * Where `peek(offset, len)` would start in linear memory when it would be a view of a ring there
   * (ring-arena.ts), or -1: the segment's build copies the bytes from that address, and no view is made.
   */
  linearAddress(offset: number, len: number): number {
    if (len === 0 || offset + len > this.#length) return -1;
    const ring = this.ring;
    if (!(ring instanceof LinearView)) return -1;
    let start = this.#head + offset;
    if (start >= ring.length) start -= ring.length;
    return start + len <= ring.length ? ring.address + start : -1;
  }

  /** `peek` of a range reaching into the chunks: a view when one chunk holds it all, else gathered. */
  #peekChunks(offset: number, len: number): Uint8Array {
    const chunks = this.#chunks!;
    let out: Uint8Array | null = null;
    let filled = 0;
    if (offset < this.#length) {
      out = scratchOf(len);
      filled = this.#length - offset;
      out.set(this.peek(offset, filled), 0);
    }
    // Position within the chunks, counted from the first one's unacknowledged byte.
    let at = Math.max(0, offset - this.#length) + this.#firstOffset;
    for (let i = 0; filled < len; i++) {
      const c = chunks[i];
      if (at >= c.length) {
        at -= c.length;
        continue;
      }
      const take = Math.min(c.length - at, len - filled);
      if (out === null) {
        if (take === len) return c.subarray(at, at + len);
        out = scratchOf(len);
      }
      out.set(c.subarray(at, at + take), filled);
      filled += take;
      at = 0;
    }
    return out!;
  }

  consume(n: number): void {
    let k = Math.min(n, this.length);
    const fromRing = Math.min(k, this.#length);
    if (fromRing > 0) {
      this.#head += fromRing;
      if (this.#head >= this.ring.length) this.#head -= this.ring.length;
      this.#length -= fromRing;
      if (this.#length === 0) {
        this.#head = 0;
        this.release();
      }
      k -= fromRing;
    }
    if (k === 0) return;
    const chunks = this.#chunks!;
    this.#owned -= k;
    k += this.#firstOffset;
    let drop = 0;
    while (drop < chunks.length && k >= chunks[drop].length) k -= chunks[drop++].length;
    if (drop > 0) chunks.splice(0, drop);
    this.#firstOffset = k;
    if (this.#owned === 0) {
      this.#chunks = null;
      this.#firstOffset = 0;
    }
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
    this.#chunks = null;
    this.#owned = 0;
    this.#firstOffset = 0;
    this.release();
  }
}

/** The process's scratch buffer, at least `len` bytes, as a view of exactly `len`. */
function scratchOf(len: number): Uint8Array {
  if (scratch.length < len) scratch = new Uint8Array(Math.max(len, 2048));
  return scratch.subarray(0, len);
}
