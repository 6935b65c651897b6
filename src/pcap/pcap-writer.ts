import { InvalidTimestampError } from "./errors.js";
import type { CaptureSink } from "./sink.js";
import { splitTime } from "./timestamp.js";
import { BaseWriter, originalLength, type CaptureWriter, type PacketRecord, type WriterOptions } from "./writer.js";

/** LINKTYPE_RAW: each record is a bare IPv4 (or IPv6) packet, no link-layer header. */
export const LINKTYPE_RAW = 101;

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

export interface PcapWriterOptions extends WriterOptions {
  /** Timestamp resolution: "us" (magic a1b2c3d4, what every reader knows) or "ns" (magic a1b23c4d). Default "us". */
  resolution?: "us" | "ns";
}

/**
 * Classic libpcap format, version 2.4, little-endian, LINKTYPE_RAW. The file header is written at
 * construction, so even an empty capture is a valid file. No comments and no direction: the format has
 * no place for them, so `PacketRecord.comments`/`direction` are dropped (use `PcapngWriter` to keep them).
 * Sub-resolution time is truncated, as libpcap does: a microsecond file holds floor(ns / 1000).
 */
export class PcapWriter extends BaseWriter implements CaptureWriter {
  readonly supportsComments = false;
  readonly mediaType = "application/vnd.tcpdump.pcap";
  readonly resolution: "us" | "ns";

  constructor(sink: CaptureSink, options: PcapWriterOptions = {}) {
    super(sink, options);
    this.resolution = options.resolution ?? "us";
    const header = new Uint8Array(FILE_HEADER_LENGTH);
    const view = new DataView(header.buffer);
    view.setUint32(0, this.resolution === "ns" ? MAGIC_NANOS : MAGIC_MICROS, true);
    view.setUint16(4, 2, true); // version 2.4
    view.setUint16(6, 4, true);
    // 8: thiszone and 12: sigfigs stay 0, as every modern writer leaves them.
    view.setUint32(16, this.snaplen, true);
    view.setUint32(20, LINKTYPE_RAW, true);
    this.sink.write(header);
  }

  writePacket(packet: PacketRecord): boolean {
    const stored = this.admit(packet);
    const { seconds, nanos } = splitTime(packet.timestampMs);
    if (seconds > 0xffff_ffff) throw new InvalidTimestampError(packet.timestampMs, "past 2106, the end of pcap's 32-bit seconds");
    const record = new Uint8Array(RECORD_HEADER_LENGTH + stored);
    const view = new DataView(record.buffer);
    view.setUint32(0, seconds, true);
    view.setUint32(4, this.resolution === "ns" ? nanos : Math.floor(nanos / 1000), true);
    view.setUint32(8, stored, true);
    view.setUint32(12, originalLength(packet), true);
    record.set(packet.data.subarray(0, stored), RECORD_HEADER_LENGTH);
    return this.emit(record);
  }
}
