import { InvalidTimestampError } from "./errors.js";
import type { CaptureSink } from "./sink.js";
import { splitTime } from "./timestamp.js";
import { BaseWriter, originalLength, type CaptureWriter, type PacketRecord, type WriterOptions } from "./writer.js";

/** LINKTYPE_RAW: each record is a bare IPv4 (or IPv6) packet, no link-layer header. */
export const LINKTYPE_RAW = 101;
/** LINKTYPE_ETHERNET: each record is an Ethernet II frame without FCS. */
export const LINKTYPE_ETHERNET = 1;

/** What a capture's records hold: IPv4 packets off an IP link, or frames off an Ethernet link. */
export type LinkType = "raw" | "ethernet";

export function linkTypeCode(type: LinkType = "raw"): number {
  return type === "ethernet" ? LINKTYPE_ETHERNET : LINKTYPE_RAW;
}

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

export interface PcapWriterOptions extends WriterOptions {
  /** Timestamp resolution: "us" (magic a1b2c3d4, what every reader knows) or "ns" (magic a1b23c4d). Default "us". */
  resolution?: "us" | "ns";
  /** What the records hold (default "raw": IPv4 packets). */
  linkType?: LinkType;
}

/**
 * Classic libpcap format, version 2.4, little-endian, LINKTYPE_RAW (or LINKTYPE_ETHERNET). The file header is written at
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
    const at = this.blocks.alloc(FILE_HEADER_LENGTH);
    const view = this.blocks.view;
    view.setUint32(at, this.resolution === "ns" ? MAGIC_NANOS : MAGIC_MICROS, true);
    view.setUint16(at + 4, 2, true); // version 2.4
    view.setUint16(at + 6, 4, true);
    // at + 8: thiszone and at + 12: sigfigs stay 0, as every modern writer leaves them.
    view.setUint32(at + 16, this.snaplen, true);
    view.setUint32(at + 20, linkTypeCode(options.linkType), true);
    this.sink.write(this.blocks.bytes.subarray(at, at + FILE_HEADER_LENGTH));
  }

  writePacket(packet: PacketRecord): boolean {
    const stored = this.admit(packet);
    const { seconds, nanos } = splitTime(packet.timestampMs);
    if (seconds > 0xffff_ffff)
      throw new InvalidTimestampError(packet.timestampMs, "past 2106, the end of pcap's 32-bit seconds");
    const length = RECORD_HEADER_LENGTH + stored;
    const at = this.blocks.alloc(length);
    const view = this.blocks.view;
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, this.resolution === "ns" ? nanos : Math.floor(nanos / 1000), true);
    view.setUint32(at + 8, stored, true);
    view.setUint32(at + 12, originalLength(packet), true);
    this.blocks.bytes.set(packet.data.subarray(0, stored), at + RECORD_HEADER_LENGTH);
    return this.emit(this.blocks.bytes.subarray(at, at + length));
  }
}
