// ICMP (RFC 792): the message header, the quoted datagram of an error message, and the builder.
import { onesSum } from "./checksum";
import { be16, be32, put16, put32 } from "./byte-order";
import { buildIpv4Header } from "./ipv4";
import { getSlot, setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_ICMP, E_BAD_ICMP_CHECKSUM, E_BAD_ICMP_QUOTE, D_CHECKSUM, D_ICMP_TYPE, D_ICMP_CODE,
  D_ICMP_REST, D_Q_FRAG, D_Q_PROTOCOL, D_Q_SRC, D_Q_DST, D_Q_TOTAL_LENGTH, D_Q_WORD0, D_Q_WORD1,
  D_PAYLOAD_OFFSET, D_PAYLOAD_LENGTH, B_ICMP_TYPE, B_ICMP_CODE, B_ICMP_REST,
} from "./layout";

const ICMP: u32 = 1;

/** Destination unreachable (3), source quench (4), redirect (5), time exceeded (11), parameter problem (12). */
@inline function quotesDatagram(type: u32): bool {
  return (type >= 3 && type <= 5) || type == 11 || type == 12;
}

/**
 * Validates the ICMP message in the `len` bytes at `t` (the IPv4 payload) and writes its slots; `base` is
 * `t`'s offset in the caller's bytes. An error message must quote an IPv4 header and at least the 8 bytes
 * after it (RFC 792), which are what matching it to a connection needs.
 */
export function icmpAt(t: usize, len: usize, base: u32): i32 {
  if (len < 8) return E_TRUNCATED_ICMP;
  if (onesSum(t, len, 0) != 0xffff) return E_BAD_ICMP_CHECKSUM;
  const type = <u32>load<u8>(t);
  if (quotesDatagram(type)) {
    const q = t + 8;
    const qlen = len - 8;
    if (qlen < 28) return E_BAD_ICMP_QUOTE;
    const vihl = <u32>load<u8>(q);
    const qihl = <usize>((vihl & 15) << 2);
    if (vihl >> 4 != 4 || qihl < 20 || qihl + 8 > qlen) return E_BAD_ICMP_QUOTE;
    setSlot(D_Q_TOTAL_LENGTH, be16(q + 2));
    setSlot(D_Q_FRAG, be16(q + 6));
    setSlot(D_Q_PROTOCOL, load<u8>(q, 9));
    setSlot(D_Q_SRC, be32(q + 12));
    setSlot(D_Q_DST, be32(q + 16));
    setSlot(D_Q_WORD0, be32(q + qihl));
    setSlot(D_Q_WORD1, be32(q + qihl + 4));
  }
  icmpSlots(t, len, base);
  return OK;
}

/** The slots of the 8-byte header at `t` (ICMP's and ICMPv6's share the layout) and of the body after it. */
export function icmpSlots(t: usize, len: usize, base: u32): void {
  setSlot(D_ICMP_TYPE, load<u8>(t));
  setSlot(D_ICMP_CODE, load<u8>(t, 1));
  setSlot(D_CHECKSUM, be16(t + 2));
  setSlot(D_ICMP_REST, be32(t + 4));
  setSlot(D_PAYLOAD_OFFSET, base + 8);
  setSlot(D_PAYLOAD_LENGTH, <u32>(len - 8));
}

/** The 8-byte header at `m` from the build slots, its checksum over `length` bytes and `pseudo` (0 for ICMP). */
export function writeIcmpHeader(m: usize, length: u32, pseudo: u32): void {
  store<u8>(m, <u8>getSlot(B_ICMP_TYPE));
  store<u8>(m, <u8>getSlot(B_ICMP_CODE), 1);
  put16(m + 2, 0);
  put32(m + 4, getSlot(B_ICMP_REST));
  put16(m + 2, ~onesSum(m, length, pseudo) & 0xffff);
}

/**
 * Writes the IPv4 header and the 8-byte ICMP header (B_ICMP_TYPE, B_ICMP_CODE, B_ICMP_REST) in the 28
 * bytes before the payload at `payloadPtr` (echo data, or an error's quoted datagram), both checksums
 * filled in, and returns the packet's start.
 */
export function buildIcmp(payloadPtr: usize, payloadLen: u32): usize {
  const m = payloadPtr - 8;
  const ip = m - 20;
  writeIcmpHeader(m, payloadLen + 8, 0);
  buildIpv4Header(ip, ICMP, payloadLen + 28);
  return ip;
}
