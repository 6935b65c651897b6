import { FrameTooLargeError, PeerClosedError } from "./errors.js";
import type { ByteStream } from "./transport.js";

/*
 * Wire format: every frame is a 4-byte big-endian payload length, a 1-byte tag, then the payload.
 * The first frame each side sends is HELLO (version + protocol fingerprint).
 */
export const Tag = {
  hello: 0,
  message: 1,
  choice: 2,
  end: 3,
  abort: 4,
} as const;

export const HEADER_BYTES = 5;
export const PROTOCOL_VERSION = 1;

export interface Frame {
  readonly tag: number;
  readonly payload: Uint8Array;
}

export function encodeFrame(tag: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out[4] = tag;
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Cuts frames out of a byte stream, refusing an oversized one from its header alone. */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private eof = false;

  constructor(
    private readonly stream: ByteStream,
    private readonly maxPayload: number,
  ) {}

  /** The next frame, or null when the stream ends cleanly between frames. */
  async next(): Promise<Frame | null> {
    if (!(await this.fill(HEADER_BYTES))) {
      if (this.buffered === 0) return null;
      throw new PeerClosedError(`transport ended inside a frame header (${this.buffered} of ${HEADER_BYTES} bytes)`);
    }
    const header = this.peek(HEADER_BYTES);
    const length = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(0);
    if (length > this.maxPayload) throw new FrameTooLargeError(length, this.maxPayload);
    if (!(await this.fill(HEADER_BYTES + length))) {
      throw new PeerClosedError(
        `transport ended inside a frame (${this.buffered - HEADER_BYTES} of ${length} payload bytes)`,
      );
    }
    const tag = this.take(HEADER_BYTES)[4];
    return { tag, payload: this.take(length) };
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n) {
      if (this.eof) return false;
      const chunk = await this.stream.read();
      if (chunk === null) {
        this.eof = true;
      } else if (chunk.length > 0) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
    }
    return true;
  }

  private peek(n: number): Uint8Array {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    const head = this.take(n);
    this.chunks.unshift(head);
    this.buffered += n;
    return head;
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }
}
