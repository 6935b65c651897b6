// Builds an IPv4+TCP packet from the build parameters in the record (layout.ts). The payload is in place at
// `payloadPtr`, or is copied there from `src` in the checksum's pass; headers are written immediately before it.
import { copySum, headerSum, onesSum, pseudoHeaderSum } from "./checksum";
import { getSlot } from "./linear-memory";
import {
  B_SRC, B_DST, B_TTL, B_ID, B_TOS, B_FRAG, B_SRC_PORT, B_DST_PORT, B_SEQ, B_ACK, B_FLAGS, B_WINDOW,
  B_URGENT, B_OPT_MASK, B_MSS, B_WSCALE, B_TSVAL, B_TSECR, B_SACK_COUNT, B_SACK, OPT_MSS, OPT_WINDOW_SCALE,
  OPT_SACK_PERMITTED, OPT_TIMESTAMPS, OPT_SACK, MAX_PACKET,
} from "./layout";

@inline function put16(p: usize, v: u32): void {
  store<u16>(p, bswap<u16>(<u16>v));
}

@inline function put32(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

/**
 * Bytes of TCP options for the requested set, each laid out on 32-bit boundaries the way Linux does
 * (SACK-permitted shares a word with the timestamps' NOP padding), or -1 above the 40-byte limit.
 */
export function optionsLength(): i32 {
  const mask = getSlot(B_OPT_MASK);
  let n = 0;
  if (mask & OPT_MSS) n += 4;
  if (mask & OPT_WINDOW_SCALE) n += 4;
  if (mask & OPT_TIMESTAMPS) n += 12;
  else if (mask & OPT_SACK_PERMITTED) n += 4;
  if (mask & OPT_SACK) n += 4 + 8 * <i32>getSlot(B_SACK_COUNT);
  return n > 40 ? -1 : n;
}

function writeOptions(p: usize): void {
  const mask = getSlot(B_OPT_MASK);
  if (mask & OPT_MSS) {
    put32(p, 0x02040000 | (getSlot(B_MSS) & 0xffff));
    p += 4;
  }
  if (mask & OPT_WINDOW_SCALE) {
    put32(p, 0x01030300 | (getSlot(B_WSCALE) & 0xff));
    p += 4;
  }
  if (mask & OPT_TIMESTAMPS) {
    put32(p, mask & OPT_SACK_PERMITTED ? 0x0402080a : 0x0101080a);
    put32(p + 4, getSlot(B_TSVAL));
    put32(p + 8, getSlot(B_TSECR));
    p += 12;
  } else if (mask & OPT_SACK_PERMITTED) {
    put32(p, 0x01010402);
    p += 4;
  }
  if (mask & OPT_SACK) {
    const n = <i32>getSlot(B_SACK_COUNT);
    put32(p, 0x01010502 | (8 * n));
    p += 4;
    for (let i = 0; i < n; i++) {
      put32(p, getSlot(B_SACK + 2 * i));
      put32(p + 4, getSlot(B_SACK + 2 * i + 1));
      p += 8;
    }
  }
}

/**
 * Writes the 20-byte IPv4 header and the TCP header (with options) ending at `payloadPtr`, fills both
 * checksums, and returns the packet's start address; 0, writing nothing, when the options exceed 40 bytes
 * or the packet would exceed MAX_PACKET (the caller tells which by optionsLength()). The payload is the
 * `payloadLen` bytes at `src`, copied to `payloadPtr` after the headers are written (so `src` must not
 * overlap the packet: the caller checks); with `src` 0 they are there already.
 */
export function buildPacket(payloadPtr: usize, payloadLen: u32, src: usize): usize {
  const options = optionsLength();
  if (options < 0 || <u32>40 + <u32>options + payloadLen > <u32>MAX_PACKET) return 0;
  const optLen = <usize>options;
  const tcpHdr: usize = 20 + optLen;
  const t = payloadPtr - tcpHdr;
  const ip = t - 20;
  const total = <u32>tcpHdr + 20 + payloadLen;
  const srcIp = getSlot(B_SRC);
  const dstIp = getSlot(B_DST);

  store<u8>(ip, 0x45);
  store<u8>(ip, <u8>getSlot(B_TOS), 1);
  put16(ip + 2, total);
  put16(ip + 4, getSlot(B_ID));
  put16(ip + 6, getSlot(B_FRAG));
  store<u8>(ip, <u8>getSlot(B_TTL), 8);
  store<u8>(ip, 6, 9);
  put16(ip + 10, 0);
  put32(ip + 12, srcIp);
  put32(ip + 16, dstIp);
  put16(ip + 10, ~headerSum(ip, 20, 0) & 0xffff);

  const tcpLen = <u32>tcpHdr + payloadLen;
  writeTcp(t, tcpHdr, tcpLen, pseudoHeaderSum(srcIp, dstIp, 6, tcpLen), src);
  return ip;
}

/**
 * Writes the TCP header of `tcpHdr` bytes (options included) at `t` from the build slots, and its
 * checksum over the `tcpLen` bytes of the segment with the pseudo-header's sum `pseudo` (IPv4's or IPv6's).
 * The payload after the header is copied from `src` unless that is 0 (see buildPacket).
 */
@inline export function writeTcp(t: usize, tcpHdr: usize, tcpLen: u32, pseudo: u32, src: usize): void {
  put16(t, getSlot(B_SRC_PORT));
  put16(t + 2, getSlot(B_DST_PORT));
  put32(t + 4, getSlot(B_SEQ));
  put32(t + 8, getSlot(B_ACK));
  store<u8>(t, <u8>((tcpHdr >> 2) << 4), 12);
  store<u8>(t, <u8>getSlot(B_FLAGS), 13);
  put16(t + 14, getSlot(B_WINDOW));
  put16(t + 16, 0);
  put16(t + 18, getSlot(B_URGENT));
  writeOptions(t + 20);
  const payload = t + tcpHdr;
  const payloadLen = <usize>tcpLen - tcpHdr;
  // The header's length is a multiple of 4, so the payload's sum chains onto it.
  const sum = src == 0 ? onesSum(t, tcpLen, pseudo) : headerSum(t, tcpHdr, copySum(payload, src, payloadLen, pseudo));
  put16(t + 16, ~sum & 0xffff);
}
