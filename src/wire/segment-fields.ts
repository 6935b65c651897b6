import type { PacketFields, TcpOptions } from "./types.js";
import { LinearView } from "./wasm.js";

/**
 * The fields of the segments the stack's own engine sends, in one reused record (tcp/output.ts), whose
 * payload may be given as where it lies in linear memory (a send ring there, ring-arena.ts) instead of as a
 * view: the arena build (build.ts) copies it from that address in its checksum's pass, so a data segment
 * needs no view object at all (a `LinearView` per segment cost about 40 ns with its garbage). Anything else
 * that reads `payload` (a host of the tests, the IPv6 and slab builds) gets a view, made on that first read.
 *
 * Every field is here from the start, the 32-bit ones as doubles (-0): the record keeps one shape, as a
 * field added on first use or a sequence number past 2^31 turning a small integer into a double would
 * deoptimize every function that builds a segment.
 */
export class SegmentFields implements PacketFields {
  src = -0;
  dst = -0;
  srcPort = 0;
  dstPort = 0;
  seq = -0;
  ack = -0;
  flags = 0;
  window = 0;
  tos = 0;
  id = 0;
  options: TcpOptions | undefined = undefined;
  /** Where the payload starts in linear memory, or -1 when `payload` holds it as a view (or there is none). */
  payloadAddress = -1;
  /** The payload's length, however it is held. */
  payloadLength = 0;
  #payload: Uint8Array | undefined = undefined;

  get payload(): Uint8Array | undefined {
    if (this.payloadAddress >= 0) {
      this.#payload = new LinearView(this.payloadAddress, this.payloadLength);
      this.payloadAddress = -1;
    }
    return this.#payload;
  }

  set payload(bytes: Uint8Array | undefined) {
    this.#payload = bytes;
    this.payloadAddress = -1;
    this.payloadLength = bytes === undefined ? 0 : bytes.length;
  }

  /** The payload is the `length` bytes of linear memory at `address`. */
  payloadAt(address: number, length: number): void {
    this.#payload = undefined;
    this.payloadAddress = address;
    this.payloadLength = length;
  }
}

/** The payload length of `f` without making a view of it. */
export function payloadLengthOf(f: PacketFields): number {
  if (f instanceof SegmentFields) return f.payloadLength;
  return f.payload === undefined ? 0 : f.payload.length;
}
