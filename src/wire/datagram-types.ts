/**
 * The non-TCP side of the wire core's public types: an IPv4 packet carrying ICMP (RFC 792), UDP
 * (RFC 768) or anything else, fragments included. Addresses are u32 numbers, as for TCP.
 */
import type { Ipv4Header } from "./types.js";
import type { ParseErrorReason } from "./layout.generated.js";

/** IPv4 protocol numbers the stack dispatches on (IANA "Assigned Internet Protocol Numbers"). */
export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17 } as const;

/** The ICMP message types the stack handles (RFC 792). */
export const IcmpType = {
  ECHO_REPLY: 0,
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
export const UnreachableCode = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  SOURCE_HOST_ISOLATED: 8,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  NET_TOS: 11,
  HOST_TOS: 12,
  ADMIN_PROHIBITED: 13,
  HOST_PRECEDENCE: 14,
  PRECEDENCE_CUTOFF: 15,
} as const;

/** A UDP header as sent: the ports (length and checksum follow from the payload). */
export interface UdpRepr {
  srcPort: number;
  dstPort: number;
}

/** A parsed UDP header. `checksum` 0 means the sender computed none. */
export interface UdpHeader extends UdpRepr {
  length: number;
  checksum: number;
}

/**
 * An ICMP header as sent: type, code and the 32-bit "rest of header" (bytes 4..7), which is the echo
 * identifier << 16 | sequence, the next-hop MTU of a frag-needed message, or a parameter problem's
 * pointer << 24. The message body is the payload (echo data, or an error's quoted datagram).
 */
export interface IcmpRepr {
  type: number;
  code: number;
  rest: number;
}

/** What an ICMP error quotes of the datagram that caused it: its IPv4 header and first 8 bytes after it. */
export interface IcmpQuote {
  src: number;
  dst: number;
  protocol: number;
  totalLength: number;
  moreFragments: boolean;
  fragmentOffset: number;
  /** TCP and UDP: the quoted ports. */
  srcPort: number;
  dstPort: number;
  /** Bytes 4..7 of the quoted transport header: TCP's sequence number. */
  word1: number;
}

export interface IcmpHeader extends IcmpRepr {
  checksum: number;
  /** Present for the error types (3, 4, 5, 11, 12). */
  quote?: IcmpQuote;
}

/** A parsed non-TCP packet. `udp` or `icmp` is present when the packet is whole (not a fragment). */
export interface ParsedDatagram {
  ok: true;
  ip: Ipv4Header;
  udp?: UdpHeader;
  icmp?: IcmpHeader;
  /** The UDP payload, the ICMP body after its 8-byte header, or the whole IPv4 payload otherwise. */
  payloadOffset: number;
  payloadLength: number;
  payload: Uint8Array;
}

/** What parsing a UDP or ICMP datagram gives: the datagram, or why it was dropped. */
export type DatagramResult = ParsedDatagram | { ok: false; reason: ParseErrorReason };

/** The IPv4 fields of a packet the datagram builders emit; unset keys take the defaults shown. */
export interface Ipv4Fields {
  src: number;
  dst: number;
  ttl?: number; // 64
  id?: number; // 0
  tos?: number; // 0
  dontFragment?: boolean; // false: datagrams may be fragmented on the path
}

export interface UdpPacketFields extends Ipv4Fields, UdpRepr {
  payload?: Uint8Array;
}

export interface IcmpPacketFields extends Ipv4Fields, IcmpRepr {
  payload?: Uint8Array;
}
