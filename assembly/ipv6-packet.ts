// One call per IPv6 packet: the header and extension-header chain (ipv6.ts), then, unless the packet is
// a fragment, its TCP (the TCP parser's P_ slots, so the engine reads it as it reads IPv4), UDP or
// ICMPv6 header (the datagram parser's D_ slots) with the checksum over the RFC 8200 §8.1 pseudo-header.
// The builders of TCP, UDP and fragments over IPv6 are here too.
import { be16, put16, put32 } from "./byte-order";
import { swapped } from "./checksum";
import { writeTcp, optionsLength } from "./build";
import { icmpv6At } from "./icmpv6";
import { buildIpv6Header, ipv6Header, pseudoHeader6 } from "./ipv6";
import { getSlot, setSlot } from "./linear-memory";
import { tcpAt } from "./parse";
import { udpWith, writeUdp } from "./udp";
import {
  OK, R_STATUS, P_SRC, P_DST, P_IP_FIELDS, P_IP_LENGTH, P_CHECKSUMS, P_MISC, D_TRANSPORT, D_PAYLOAD_OFFSET,
  D_PAYLOAD_LENGTH, V_CLASS_FLOW, V_HOP_LIMIT, V_TOTAL_LENGTH, V_UPPER, V_UPPER_OFFSET, V_FRAGMENT_AT,
  V_PARSED, BV_FRAGMENT_ID, BV_FRAGMENT, MAX_PACKET, IPV6_HEADER,
} from "./layout";

@inline function done(code: i32): i32 {
  setSlot(R_STATUS, code);
  return code;
}

/**
 * Parses the IPv6 packet of `len` bytes at `ptr`: headers, then the TCP, UDP or ICMPv6 header of an
 * unfragmented packet (V_PARSED says which slots hold it; 0 for a fragment or another upper layer, whose
 * bytes D_PAYLOAD_OFFSET and D_PAYLOAD_LENGTH then give). Returns the status written to slot 0.
 */
export function parseIpv6(ptr: usize, len: usize): i32 {
  setSlot(V_PARSED, 0);
  const code = ipv6Header(ptr, len);
  if (code != OK) return done(code);
  const at = <usize>getSlot(V_UPPER_OFFSET);
  const upperLen = <usize>getSlot(V_TOTAL_LENGTH) - at;
  const upper = getSlot(V_UPPER);
  const t = ptr + at;
  if (getSlot(V_FRAGMENT_AT) != 0 || (upper != 6 && upper != 17 && upper != 58)) {
    setSlot(D_TRANSPORT, 0);
    setSlot(D_PAYLOAD_OFFSET, <u32>at);
    setSlot(D_PAYLOAD_LENGTH, <u32>upperLen);
    return done(OK);
  }
  const pseudo = pseudoHeader6(ptr, upper, 0);
  if (upper == 6) {
    const tcp = tcpAt(t, upperLen, at, swapped(pseudo + <u32>(upperLen >> 16) + <u32>(upperLen & 0xffff)));
    if (tcp != OK) return done(tcp);
    // The IPv4-shaped slots the engine reads: hop limit as TTL, traffic class as TOS, no identification.
    setSlot(P_SRC, 0);
    setSlot(P_DST, 0);
    setSlot(P_IP_FIELDS, (getSlot(V_HOP_LIMIT) << 24) | ((getSlot(V_CLASS_FLOW) >> 20) << 16));
    setSlot(P_IP_LENGTH, 0x40000000 | (getSlot(V_TOTAL_LENGTH) & 0xffff));
    setSlot(P_CHECKSUMS, be16(t + 16));
    const words = <u32>(at >> 2);
    setSlot(P_MISC, (be16(t + 18) << 16) | (6 << 8) | (words > 255 ? 255 : words));
    setSlot(V_PARSED, 6);
    return done(OK);
  }
  const transport =
    upper == 17 ? udpWith(t, upperLen, <u32>at, pseudo, true) : icmpv6At(t, upperLen, <u32>at, pseudo);
  if (transport != OK) return done(transport);
  setSlot(D_TRANSPORT, upper);
  setSlot(V_PARSED, upper);
  return done(OK);
}

/**
 * Writes the IPv6 header (BV_ slots) and the TCP header (build slots, options included) ending at
 * `payloadPtr`, the checksum over the pseudo-header filled in, and returns the packet's start; 0, writing
 * nothing, when the options exceed 40 bytes or the payload length would pass 65535. The payload comes from
 * `src` as in buildPacket.
 */
export function buildTcp6(payloadPtr: usize, payloadLen: u32, src: usize): usize {
  const options = optionsLength();
  if (options < 0 || <u32>20 + <u32>options + payloadLen > <u32>MAX_PACKET) return 0;
  const tcpHdr: usize = 20 + <usize>options;
  const t = payloadPtr - tcpHdr;
  const ip = t - <usize>IPV6_HEADER;
  const tcpLen = <u32>tcpHdr + payloadLen;
  buildIpv6Header(ip, 6, tcpLen);
  writeTcp(t, tcpHdr, tcpLen, pseudoHeader6(ip, 6, tcpLen), src);
  return ip;
}

/** The IPv6 and UDP headers in the 48 bytes before the payload at `payloadPtr`; returns the packet's start. */
export function buildUdp6(payloadPtr: usize, payloadLen: u32): usize {
  const u = payloadPtr - 8;
  const ip = u - <usize>IPV6_HEADER;
  const ulen = payloadLen + 8;
  buildIpv6Header(ip, 17, ulen);
  writeUdp(u, ulen, pseudoHeader6(ip, 17, ulen));
  return ip;
}

/**
 * The 48 bytes of an IPv6 fragment's headers at `ip`: the IPv6 header (BV_ slots; next header 44) for
 * `dataLength` bytes of fragment data, and the fragment header (RFC 8200 §4.5) naming `next`, with
 * BV_FRAGMENT (offset in bytes | M) and BV_FRAGMENT_ID.
 */
export function buildFragment6(ip: usize, next: u32, dataLength: u32): void {
  buildIpv6Header(ip, 44, dataLength + 8);
  const f = ip + <usize>IPV6_HEADER;
  store<u8>(f, <u8>next);
  store<u8>(f, 0, 1);
  put16(f + 2, getSlot(BV_FRAGMENT) & 0xfff9);
  put32(f + 4, getSlot(BV_FRAGMENT_ID));
}
