import type { IcmpPacketFields, Ipv4Fields, UdpPacketFields } from "./datagram-types.js";
import { wasm, mem8, record, SCRATCH } from "./wasm.js";
import {
  B_SRC,
  B_DST,
  B_TTL,
  B_ID,
  B_TOS,
  B_FRAG,
  B_SRC_PORT,
  B_DST_PORT,
  B_ICMP_TYPE,
  B_ICMP_CODE,
  B_ICMP_REST,
  HEADROOM,
  MAX_PACKET,
} from "./layout.generated.js";

/** IPv4 + UDP or ICMP headers: 20 + 8 bytes. */
const HEADERS = 28;

function checked(what: string, name: string, value: number, max: number): number {
  // An integer in 0..max (max is 2^k - 1) survives the mask unchanged, and nothing else does.
  if ((max === 0xffffffff ? value >>> 0 : value & max) === value) return value;
  throw new RangeError(`${what}: ${name} must be an integer in 0..${max}, got ${value}`);
}

function setIpv4(what: string, f: Ipv4Fields, fragment: number): void {
  record[B_SRC] = checked(what, "src", f.src, 0xffffffff);
  record[B_DST] = checked(what, "dst", f.dst, 0xffffffff);
  record[B_TTL] = checked(what, "ttl", f.ttl ?? 64, 0xff);
  record[B_ID] = checked(what, "id", f.id ?? 0, 0xffff);
  record[B_TOS] = checked(what, "tos", f.tos ?? 0, 0xff);
  record[B_FRAG] = (f.dontFragment ? 0x4000 : 0) | fragment;
}

/** Copies the payload behind the headroom of the scratch area, builds in front of it, copies the packet out. */
function emit(what: string, payload: Uint8Array | undefined, build: (ptr: number, len: number) => number): Uint8Array {
  const len = payload?.length ?? 0;
  if (HEADERS + len > MAX_PACKET) {
    throw new RangeError(`${what}: a ${len}-byte payload makes the packet exceed ${MAX_PACKET} bytes`);
  }
  const at = SCRATCH + HEADROOM;
  if (payload !== undefined) mem8.set(payload, at);
  const start = build(at, len);
  return mem8.slice(start, at + len);
}

/**
 * Builds one IPv4+UDP packet, both checksums filled in (a computed zero UDP checksum is sent as 0xffff,
 * RFC 768), as a fresh array. Throws a RangeError for out-of-range fields or a packet over 65535 bytes
 * (fragmenting it for the link is the caller's business).
 */
export function buildUdpPacket(f: UdpPacketFields): Uint8Array {
  setIpv4("buildUdpPacket", f, 0);
  record[B_SRC_PORT] = checked("buildUdpPacket", "srcPort", f.srcPort, 0xffff);
  record[B_DST_PORT] = checked("buildUdpPacket", "dstPort", f.dstPort, 0xffff);
  return emit("buildUdpPacket", f.payload, (p, n) => wasm.buildUdp(p, n));
}

/**
 * Builds one IPv4+ICMP packet: type, code and the 32-bit rest of the header, then the payload (echo data,
 * or an error's quoted datagram), both checksums filled in. Throws as `buildUdpPacket`.
 */
export function buildIcmpPacket(f: IcmpPacketFields): Uint8Array {
  setIpv4("buildIcmpPacket", f, 0);
  record[B_ICMP_TYPE] = checked("buildIcmpPacket", "type", f.type, 0xff);
  record[B_ICMP_CODE] = checked("buildIcmpPacket", "code", f.code, 0xff);
  record[B_ICMP_REST] = checked("buildIcmpPacket", "rest", f.rest, 0xffffffff);
  return emit("buildIcmpPacket", f.payload, (p, n) => wasm.buildIcmp(p, n));
}

/**
 * A 20-byte IPv4 header (no options) for `protocol` and `totalLength`, checksum filled in, with the fragment
 * fields given (offset in bytes, a multiple of 8): what a fragmenter puts in front of each piece.
 */
export function buildIpv4Header(
  f: Ipv4Fields & { protocol: number; totalLength: number; moreFragments?: boolean; fragmentOffset?: number },
): Uint8Array {
  const offset = f.fragmentOffset ?? 0;
  if (offset % 8 !== 0 || offset < 0 || offset > 0x1fff * 8) {
    throw new RangeError(`buildIpv4Header: fragmentOffset must be a multiple of 8 in 0..65528, got ${offset}`);
  }
  setIpv4("buildIpv4Header", f, (f.moreFragments ? 0x2000 : 0) | (offset / 8));
  const protocol = checked("buildIpv4Header", "protocol", f.protocol, 0xff);
  const total = checked("buildIpv4Header", "totalLength", f.totalLength, 0xffff);
  wasm.buildIpv4Header(SCRATCH, protocol, total);
  return mem8.slice(SCRATCH, SCRATCH + 20);
}
