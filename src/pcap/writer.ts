import { CaptureClosedError, SnaplenExceededError } from "./errors.js";
import type { CaptureSink } from "./sink.js";
import { BlockAllocator } from "./block-allocator.js";

/** Which way a packet went, as pcapng records it. */
export type Direction = "inbound" | "outbound";

/** One packet as a capture writer takes it. */
export interface PacketRecord {
  /** When the packet passed, in milliseconds on the clock's timeline (Unix time for the real clock). */
  timestampMs: number;
  /** The raw IPv4 packet. The writer copies it before returning, so the caller may pass the bytes on. */
  data: Uint8Array;
  /** Length on the wire when `data` is already a truncated copy; defaults to `data.length`. */
  originalLength?: number;
  /** pcapng only (epb_flags); classic pcap has no direction field and ignores it. */
  direction?: Direction;
  /** pcapng only (one opt_comment each); classic pcap has no comments and ignores them. */
  comments?: readonly string[];
  /** pcapng only: which interface (from `addInterface`) the packet passed; 0 by default. */
  interfaceId?: number;
}

/** What the capture middleware needs from a writer, whatever the format. */
export interface CaptureWriter {
  /** False for classic pcap: comments and direction given to it are dropped. */
  readonly supportsComments: boolean;
  /** The media type to give a download of this capture. */
  readonly mediaType: string;
  /** Append one packet. Returns the sink's backpressure signal (false = await `drained()` if you can). */
  writePacket(packet: PacketRecord): boolean;
  /** Resolves once the sink has room again (after `writePacket` returned false). */
  drained(): Promise<void>;
  /** Flush and close the sink. Writing afterwards throws `CaptureClosedError`. Idempotent. */
  close(): Promise<void>;
  /** Packets written so far. */
  readonly packets: number;
}

/** Options every capture writer takes. */
export interface WriterOptions {
  /** Largest number of bytes stored per packet (default 262144, libpcap's maximum). */
  snaplen?: number;
  /** When false, a packet longer than `snaplen` throws `SnaplenExceededError` instead of being cut. Default true. */
  truncate?: boolean;
}

/** Bytes of each packet recorded unless `snaplen` says otherwise (Wireshark's default). */
export const DEFAULT_SNAPLEN = 262_144;

/** State and checks both formats share: open/closed, snaplen policy, the sink. */
export abstract class BaseWriter {
  protected readonly sink: CaptureSink;
  /** @internal Where blocks are encoded before they go to the sink. */
  protected readonly blocks = new BlockAllocator();
  readonly snaplen: number;
  readonly #truncate: boolean;
  #closed = false;
  #packets = 0;

  protected constructor(sink: CaptureSink, options: WriterOptions) {
    const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0xffff_ffff) {
      throw new RangeError(`snaplen must be an integer from 1 to 2^32-1, got ${snaplen}`);
    }
    this.sink = sink;
    this.snaplen = snaplen;
    this.#truncate = options.truncate ?? true;
  }

  get packets(): number {
    return this.#packets;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Validate a packet before any byte of it is written; returns how many bytes to store. */
  protected admit(packet: PacketRecord): number {
    this.ensureOpen();
    const length = packet.data.length;
    if (length <= this.snaplen) return length;
    if (!this.#truncate) throw new SnaplenExceededError(length, this.snaplen);
    return this.snaplen;
  }

  /** Hand one encoded block to the sink; returns its backpressure signal. */
  protected emit(block: Uint8Array): boolean {
    const more = this.sink.write(block);
    this.#packets++;
    return more;
  }

  /** Throws `CaptureClosedError` once the writer is closed. */
  protected ensureOpen(): void {
    if (this.#closed) throw new CaptureClosedError("write to a closed capture writer");
  }

  /** Resolves once the sink has room again. */
  drained(): Promise<void> {
    return this.sink.drained();
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.sink.close();
  }
}

/** Original length: what the caller says, never less than what is stored. */
export function originalLength(packet: PacketRecord): number {
  return Math.max(packet.originalLength ?? packet.data.length, packet.data.length);
}
