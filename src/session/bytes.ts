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

  u8(x: number): void {
    this.view.setUint8(this.reserve(1), x);
  }
  u16(x: number): void {
    this.view.setUint16(this.reserve(2), x);
  }
  u32(x: number): void {
    this.view.setUint32(this.reserve(4), x);
  }
  i32(x: number): void {
    this.view.setInt32(this.reserve(4), x);
  }
  u64(x: bigint): void {
    this.view.setBigUint64(this.reserve(8), x);
  }
  f64(x: number): void {
    this.view.setFloat64(this.reserve(8), x);
  }
  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.reserve(bytes.length));
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
      throw new DecodeError(`truncated payload: needed ${n} more bytes at offset ${this.offset}, have ${this.remaining}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2));
  }
  u32(): number {
    return this.view.getUint32(this.take(4));
  }
  i32(): number {
    return this.view.getInt32(this.take(4));
  }
  u64(): bigint {
    return this.view.getBigUint64(this.take(8));
  }
  f64(): number {
    return this.view.getFloat64(this.take(8));
  }
  /** `n` bytes, copied so the value outlives the frame buffer. */
  raw(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.slice(at, at + n);
  }
}
