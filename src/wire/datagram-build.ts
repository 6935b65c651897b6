import type { IcmpPacketFields, Ipv4Fields, UdpPacketFields } from "./datagram-types.js";
import { wasm, mem8, record, SCRATCH } from "./wasm.js";
import { setIpv6Slots, type Ipv6Ends } from "./ipv6-slots.js";
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
  BV_FRAGMENT,
  BV_FRAGMENT_ID,
  HEADROOM,
  MAX_PACKET,
} from "./layout.generated.js";

/** IPv4 + UDP or ICMP headers: 20 + 8 bytes; IPv6's: 40 + 8. */
const HEADERS = 28;
const HEADERS6 = 48;

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
function emit(
  what: string,
  payload: Uint8Array | undefined,
  build: (ptr: number, len: number) => number,
  headers = HEADERS,
): Uint8Array {
  const len = payload?.length ?? 0;
  if (headers + len > MAX_PACKET) {
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
  return emit("buildUdpPacket", f.payload, wasm.buildUdp);
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
  return emit("buildIcmpPacket", f.payload, wasm.buildIcmp);
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

function setIpv6(what: string, f: Ipv4Fields, ends: Ipv6Ends): void {
  setIpv6Slots(ends, checked(what, "ttl", f.ttl ?? 64, 0xff), checked(what, "tos", f.tos ?? 0, 0xff));
}

/**
 * `buildUdpPacket` over IPv6 between `ends` (RFC 8200 §8.1: the checksum over the IPv6 pseudo-header,
 * never zero); `src` and `dst` of `f` are not read, `ttl` is the hop limit and `tos` the traffic class.
 */
export function buildUdp6Packet(f: UdpPacketFields, ends: Ipv6Ends): Uint8Array {
  setIpv6("buildUdp6Packet", f, ends);
  record[B_SRC_PORT] = checked("buildUdp6Packet", "srcPort", f.srcPort, 0xffff);
  record[B_DST_PORT] = checked("buildUdp6Packet", "dstPort", f.dstPort, 0xffff);
  return emit("buildUdp6Packet", f.payload, wasm.buildUdp6, HEADERS6);
}

/** One ICMPv6 message (RFC 4443 §2.1) between `ends`, read from `f` as `buildIcmpPacket` reads it. */
export function buildIcmp6Packet(f: IcmpPacketFields, ends: Ipv6Ends): Uint8Array {
  setIpv6("buildIcmp6Packet", f, ends);
  record[B_ICMP_TYPE] = checked("buildIcmp6Packet", "type", f.type, 0xff);
  record[B_ICMP_CODE] = checked("buildIcmp6Packet", "code", f.code, 0xff);
  record[B_ICMP_REST] = checked("buildIcmp6Packet", "rest", f.rest, 0xffffffff);
  return emit("buildIcmp6Packet", f.payload, wasm.buildIcmp6, HEADERS6);
}

/**
 * The 48 header bytes of one IPv6 fragment (RFC 8200 §4.5): the IPv6 header between `ends` and the
 * fragment header naming `next`, for `dataLength` bytes of data at `offset` (a multiple of 8).
 */
export function buildIpv6FragmentHeaders(
  ends: Ipv6Ends,
  f: { hopLimit: number; trafficClass: number; next: number; id: number; offset: number; more: boolean },
  dataLength: number,
): Uint8Array {
  if (f.offset % 8 !== 0 || f.offset < 0 || f.offset > 0xfff8) {
    throw new RangeError(`buildIpv6FragmentHeaders: offset must be a multiple of 8 in 0..65528, got ${f.offset}`);
  }
  setIpv6Slots(ends, f.hopLimit, f.trafficClass);
  record[BV_FRAGMENT] = f.offset | (f.more ? 1 : 0);
  record[BV_FRAGMENT_ID] = f.id >>> 0;
  wasm.buildFragment6(SCRATCH, checked("buildIpv6FragmentHeaders", "next", f.next, 0xff), dataLength);
  return mem8.slice(SCRATCH, SCRATCH + HEADERS6);
}
