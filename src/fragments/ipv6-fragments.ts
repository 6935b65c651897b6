import { buildIpv6FragmentHeaders } from "../wire/datagram-build.js";
import type { Ipv6Record } from "../wire/ipv6-record.js";
import type { Fragment } from "./fragment-header.js";

/** IPv6 header plus fragment header (RFC 8200 §4.5). */
const FRAGMENT_HEADERS = 48;

/**
 * The fragment in the IPv6 `packet` parsed into `v6` (src and dst: its address keys) as reassembly
 * takes it: the fixed header, copied, naming the fragment's next header so the reassembled packet is a
 * plain one (the unfragmentable extension headers were processed on each fragment's way in), and the
 * fragment's data. RFC 8200 §4.5 keys a datagram by source, destination and identification.
 */
export function ipv6FragmentOf(v6: Ipv6Record, packet: Uint8Array, src: number, dst: number): Fragment {
  const header = packet.slice(0, 40);
  header[6] = v6.upper;
  return {
    src,
    dst,
    protocol: 0,
    id: v6.fragmentId,
    offset: v6.fragmentOffset,
    more: v6.moreFragments,
    header,
    data: packet.subarray(v6.upperOffset, v6.totalLength),
  };
}

/** Reassembly's `seal` for IPv6: the payload length is the packet's (the header's next header is set). */
export function sealIpv6(packet: Uint8Array): void {
  const payload = packet.length - 40;
  packet[4] = payload >> 8;
  packet[5] = payload & 0xff;
}

/**
 * Splits the IPv6 packet `packet` (a fixed header and its upper layer, no extension headers: what this
 * stack sends) into fragments of at most `mtu` bytes with identification `id` (RFC 8200 §4.5: only the
 * source fragments; each piece's data a multiple of 8 bytes but the last's).
 */
export function fragmentIpv6(packet: Uint8Array, mtu: number, id: number): Uint8Array[] {
  const ends = { src: packet.subarray(8, 24), dst: packet.subarray(24, 40) };
  const f = { hopLimit: packet[7], trafficClass: ((packet[0] & 15) << 4) | (packet[1] >> 4), next: packet[6], id };
  const data = packet.subarray(40);
  const room = (mtu - FRAGMENT_HEADERS) & ~7;
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += room) {
    const length = Math.min(room, data.length - at);
    const piece = new Uint8Array(FRAGMENT_HEADERS + length);
    piece.set(buildIpv6FragmentHeaders(ends, { ...f, offset: at, more: at + length < data.length }, length));
    piece.set(data.subarray(at, at + length), FRAGMENT_HEADERS);
    out.push(piece);
  }
  return out;
}
