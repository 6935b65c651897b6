/** Default slab size: room for about 40 full-size packets. */
const SLAB_BYTES = 64 * 1024;

/**
 * Carves capture blocks out of shared zeroed slabs. A fresh ArrayBuffer per packet costs microseconds in
 * V8 (each is a separately tracked allocation); a view into a slab costs tens of nanoseconds. Each block
 * is handed to the sink as its own view at once, so streaming is unchanged, and no byte of a slab is ever
 * handed out twice, so the sink owns its views outright. A slab lives as long as any view into it.
 */
export class BlockAllocator {
  // Annotated: inferred generic typed arrays would reach the .d.ts, which TypeScript < 5.7 rejects.
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.bytes.buffer);
  #used = 0;

  /** Reserve `length` zeroed bytes; returns their offset in `bytes`/`view` (valid until the next call). */
  alloc(length: number): number {
    if (this.#used + length > this.bytes.length) {
      this.bytes = new Uint8Array(Math.max(SLAB_BYTES, length));
      this.view = new DataView(this.bytes.buffer);
      this.#used = 0;
    }
    const at = this.#used;
    this.#used += length;
    return at;
  }
}
