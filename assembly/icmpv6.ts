// ICMPv6 (RFC 4443): the message header, checksummed over the IPv6 pseudo-header; the packet an error
// message quotes, walked to its upper-layer header; and the builder.
import { onesSum } from "./checksum";
import { be16, be32 } from "./byte-order";
import { icmpSlots, writeIcmpHeader } from "./icmp";
import { buildIpv6Header, pseudoHeader6 } from "./ipv6";
import { setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_ICMP, E_BAD_ICMP_CHECKSUM, E_BAD_ICMP_QUOTE, D_Q_FRAG, D_Q_PROTOCOL, D_Q_TOTAL_LENGTH,
  D_Q_WORD0, D_Q_WORD1, V_Q_UPPER_OFFSET, IPV6_HEADER,
} from "./layout";

const ICMPV6: u32 = 58;

/**
 * The packet an ICMPv6 error quotes, `qlen` bytes at `q` (as much of it as fit the error, RFC 4443
 * §2.4(c)): its IPv6 header and extension headers are walked to the upper-layer header, of which 8 bytes
 * must be there (TCP's and UDP's ports, TCP's sequence number, an echo's identifier). Writes the D_Q_
 * slots and V_Q_UPPER_OFFSET; a fragment header's offset | M goes to D_Q_FRAG.
 */
function quoteAt(q: usize, qlen: usize): i32 {
  if (qlen < <usize>IPV6_HEADER + 8 || load<u8>(q) >> 4 != 6) return E_BAD_ICMP_QUOTE;
  let next = <u32>load<u8>(q, 6);
  let p = <usize>IPV6_HEADER;
  let fragment: u32 = 0;
  // Every header is at least 8 bytes and must lie inside the quote: the walk ends.
  while (next == 0 || next == 43 || next == 44 || next == 60 || next == 51) {
    if (p + 16 > qlen) return E_BAD_ICMP_QUOTE;
    const h = q + p;
    let hlen: usize = 8;
    if (next == 44) fragment = be16(h + 2) & 0xfff9;
    else if (next == 51) hlen = (<usize>load<u8>(h, 1) + 2) << 2; // AH counts 4-byte words (RFC 4302 §2.2)
    else hlen = (<usize>load<u8>(h, 1) + 1) << 3;
    next = <u32>load<u8>(h);
    p += hlen;
  }
  if (p + 8 > qlen) return E_BAD_ICMP_QUOTE;
  setSlot(D_Q_PROTOCOL, next);
  setSlot(D_Q_FRAG, fragment);
  setSlot(D_Q_TOTAL_LENGTH, be16(q + 4) + <u32>IPV6_HEADER);
  setSlot(D_Q_WORD0, be32(q + p));
  setSlot(D_Q_WORD1, be32(q + p + 4));
  setSlot(V_Q_UPPER_OFFSET, <u32>p);
  return OK;
}

/**
 * Validates the ICMPv6 message in the `len` bytes at `t` (the IPv6 upper-layer bytes) with the pseudo-
 * header's sum `pseudo` (without the length, added here), and writes its slots; `base` is `t`'s offset
 * in the packet. Error messages (types below 128, RFC 4443 §2.1) must quote an IPv6 packet's headers.
 */
export function icmpv6At(t: usize, len: usize, base: u32, pseudo: u32): i32 {
  if (len < 8) return E_TRUNCATED_ICMP;
  if (onesSum(t, len, pseudo + <u32>(len >> 16) + <u32>(len & 0xffff)) != 0xffff) return E_BAD_ICMP_CHECKSUM;
  const type = <u32>load<u8>(t);
  if (type < 128) {
    const code = quoteAt(t + 8, len - 8);
    if (code != OK) return code;
  }
  icmpSlots(t, len, base);
  return OK;
}

/**
 * Writes the IPv6 header (BV_ slots) and the 8-byte ICMPv6 header (B_ICMP_TYPE, B_ICMP_CODE,
 * B_ICMP_REST) in the 48 bytes before the payload at `payloadPtr`, the checksum over the pseudo-header
 * filled in, and returns the packet's start.
 */
export function buildIcmp6(payloadPtr: usize, payloadLen: u32): usize {
  const m = payloadPtr - 8;
  const ip = m - <usize>IPV6_HEADER;
  const length = payloadLen + 8;
  buildIpv6Header(ip, ICMPV6, length);
  writeIcmpHeader(m, length, pseudoHeader6(ip, ICMPV6, length));
  return ip;
}
