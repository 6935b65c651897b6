import { DecodeError } from "./errors.js";

/** A growable output buffer that codecs append to. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initial = 64) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for n bytes and returns where they go. Call it before touching buf/view: it may replace them. */
  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  /** Append an unsigned 8-bit integer. */
  u8(x: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, x);
  }
  /** Append an unsigned 16-bit integer, big-endian. */
  u16(x: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, x);
  }
  /** Append an unsigned 32-bit integer, big-endian. */
  u32(x: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, x);
  }
  /** Append a signed 32-bit integer, big-endian. */
  i32(x: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, x);
  }
  /** Append an unsigned 64-bit integer (a bigint), big-endian. */
  u64(x: bigint): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, x);
  }
  /** Append an IEEE 754 double, big-endian. */
  f64(x: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, x);
  }
  /** Append the bytes as they are. */
  raw(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
  }

  /** Overwrites 4 bytes already written (a length known only after its contents). */
  patchU32(at: number, x: number): void {
    this.view.setUint32(at, x);
  }

  /** Forgets everything after the first n bytes (undoing a value that failed half-way). */
  truncate(n: number): void {
    this.length = Math.min(n, this.length);
  }

  /** The capacity, so a writer grown by one huge value can be dropped for a small one. */
  get capacity(): number {
    return this.buf.length;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A cursor over one frame's payload; every read past the end is a DecodeError. */
export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private take(n: number): number {
    if (this.remaining < n) {
      throw new DecodeError(
        `truncated payload: needed ${n} more bytes at offset ${this.offset}, have ${this.remaining}`,
      );
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  /** Read an unsigned 8-bit integer. */
  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  /** Read an unsigned 16-bit integer, big-endian. */
  u16(): number {
    return this.view.getUint16(this.take(2));
  }
  /** Read an unsigned 32-bit integer, big-endian. */
  u32(): number {
    return this.view.getUint32(this.take(4));
  }
  /** Read a signed 32-bit integer, big-endian. */
  i32(): number {
    return this.view.getInt32(this.take(4));
  }
  /** Read an unsigned 64-bit integer (a bigint), big-endian. */
  u64(): bigint {
    return this.view.getBigUint64(this.take(8));
  }
  /** Read an IEEE 754 double, big-endian. */
  f64(): number {
    return this.view.getFloat64(this.take(8));
  }
  /** `n` bytes, copied so the value outlives the frame buffer. */
  raw(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.slice(at, at + n);
  }
}
