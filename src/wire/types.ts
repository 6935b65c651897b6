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

/** The TCP header fields a parse gives. */
export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  dataOffset: number;
  flags: number;
  window: number;
  checksum: number;
  urgent: number;
  options: TcpOptions;
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

/** What `buildPacket` needs; unset keys take the defaults shown. */
export interface PacketFields {
  src: number;
  dst: number;
  ttl?: number; // 64
  id?: number; // 0
  tos?: number; // 0
  dontFragment?: boolean; // true
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number; // 0
  flags: number;
  window: number;
  urgent?: number; // 0
  options?: TcpOptions;
  payload?: Uint8Array;
}
