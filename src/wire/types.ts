/**
 * The wire core's public types: what `parsePacket` returns and what `buildPacket` takes. Addresses are
 * IPv4 addresses as unsigned 32-bit numbers (fast to demultiplex); `ipv4ToString`/`parseIpv4` convert.
 * Sequence and acknowledgment numbers are unsigned 32-bit numbers.
 */
import type { ParseErrorReason } from "./layout.generated.js";

export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** One RFC 2018 SACK block: the bytes from `left` up to (not including) `right` arrived. */
export interface SackBlock {
  left: number;
  right: number;
}

/** TCP options as negotiated or carried; absent keys were not present. */
export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** 1 to 4 blocks (RFC 2018). */
  sackBlocks?: SackBlock[];
  timestamps?: { tsval: number; tsecr: number };
}

/** The IPv4 header fields a parse gives. */
export interface Ipv4Header {
  ihl: number;
  tos: number;
  totalLength: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: number;
  dst: number;
}

/**
 * One TCP segment's header as the wire core, the engine and the tests share it (smoltcp's TcpRepr):
 * `parseInto` fills one (`ParsedRecord`), `parsePacket` returns one (`TcpHeader`), `buildPacket` emits
 * one (`PacketFields`, where `ack`, `urgent` and `options` may be left out).
 */
export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  options: TcpOptions;
}

/** A parsed header: the repr plus what only the bytes say. */
export interface TcpHeader extends TcpRepr {
  dataOffset: number;
  checksum: number;
}

/** A packet that parsed and passed every check. */
export interface ParsedPacket {
  ok: true;
  ip: Ipv4Header;
  tcp: TcpHeader;
  /** Offset and length of the TCP payload within the parsed bytes. */
  payloadOffset: number;
  payloadLength: number;
  /** A view of the payload inside the bytes given to `parsePacket` (no copy). */
  payload: Uint8Array;
}

/** Why a packet was rejected, one code per validation rule: the parser's status codes (assembly/layout.ts). */
export type { ParseErrorReason };

/** What `parsePacket` returns: the packet, or why it was dropped. */
export type ParseResult = ParsedPacket | { ok: false; reason: ParseErrorReason };

/** What `buildPacket` needs: the IPv4 fields and a `TcpRepr`; unset keys take the defaults shown. */
export interface PacketFields
  extends Pick<TcpRepr, "srcPort" | "dstPort" | "seq" | "flags" | "window">,
    Partial<Pick<TcpRepr, "ack" | "urgent" | "options">> {
  src: number;
  dst: number;
  ttl?: number; // 64
  id?: number; // 0
  tos?: number; // 0
  dontFragment?: boolean; // true
  // ack 0, urgent 0, options none
  payload?: Uint8Array;
}
