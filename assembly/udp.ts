// UDP (RFC 768): header validation with the checksum over the pseudo-header, and the builder.
import { onesSum, pseudoHeaderSum } from "./checksum";
import { be16, put16 } from "./byte-order";
import { buildIpv4Header } from "./ipv4";
import { getSlot, setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_UDP_HEADER, E_BAD_UDP_LENGTH, E_BAD_UDP_CHECKSUM, E_MISSING_UDP_CHECKSUM, D_SRC_PORT, D_DST_PORT, D_UDP_LENGTH,
  D_CHECKSUM, D_PAYLOAD_OFFSET, D_PAYLOAD_LENGTH, B_SRC, B_DST, B_SRC_PORT, B_DST_PORT,
} from "./layout";

const UDP: u32 = 17;

/**
 * Validates the UDP datagram in the `len` bytes at `t` (the IPv4 payload), between `src` and `dst`, and
 * writes its slots; `base` is `t`'s offset in the caller's bytes (the payload offset is reported from
 * there). Bytes past the UDP length are ignored (RFC 768 lets the IP length exceed it).
 */
export function udpAt(t: usize, len: usize, base: u32, src: u32, dst: u32): i32 {
  return udpWith(t, len, base, pseudoHeaderSum(src, dst, UDP, 0));
}

/**
 * `udpAt` with the pseudo-header's sum `pseudo` given without the UDP length (which is added here);
 * IPv6 callers pass `required` (RFC 8200 §8.1: a zero checksum is no checksum, and is refused).
 */
export function udpWith(t: usize, len: usize, base: u32, pseudo: u32, required: bool = false): i32 {
  if (len < 8) return E_TRUNCATED_UDP_HEADER;
  const ulen = <usize>be16(t + 4);
  if (ulen < 8 || ulen > len) return E_BAD_UDP_LENGTH;
  const checksum = be16(t + 6);
  if (checksum == 0 && required) return E_MISSING_UDP_CHECKSUM;
  // A zero checksum means the sender computed none (RFC 768); a computed zero is sent as 0xffff.
  if (checksum != 0 && onesSum(t, ulen, pseudo + <u32>ulen) != 0xffff) {
    return E_BAD_UDP_CHECKSUM;
  }
  setSlot(D_SRC_PORT, be16(t));
  setSlot(D_DST_PORT, be16(t + 2));
  setSlot(D_UDP_LENGTH, <u32>ulen);
  setSlot(D_CHECKSUM, checksum);
  setSlot(D_PAYLOAD_OFFSET, base + 8);
  setSlot(D_PAYLOAD_LENGTH, <u32>(ulen - 8));
  return OK;
}

/**
 * Writes the IPv4 header and the UDP header in the 28 bytes before the payload at `payloadPtr`, both
 * checksums filled in, and returns the packet's start. The IPv4 total length is 16 bits: callers keep
 * `payloadLen` at most 65507.
 */
export function buildUdp(payloadPtr: usize, payloadLen: u32): usize {
  const u = payloadPtr - 8;
  const ip = u - 20;
  const ulen = payloadLen + 8;
  writeUdp(u, ulen, pseudoHeaderSum(getSlot(B_SRC), getSlot(B_DST), UDP, ulen));
  buildIpv4Header(ip, UDP, ulen + 20);
  return ip;
}

/** The UDP header at `u` for `ulen` bytes of datagram, its checksum over the pseudo-header's sum `pseudo`. */
export function writeUdp(u: usize, ulen: u32, pseudo: u32): void {
  put16(u, getSlot(B_SRC_PORT));
  put16(u + 2, getSlot(B_DST_PORT));
  put16(u + 4, ulen);
  put16(u + 6, 0);
  let checksum = ~onesSum(u, ulen, pseudo) & 0xffff;
  if (checksum == 0) checksum = 0xffff;
  put16(u + 6, checksum);
}
