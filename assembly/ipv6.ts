// The IPv6 header (RFC 8200 §3) and its extension-header chain (§4), walked with every read bounded by
// the payload length; and the header's builder. No policy: the chain's verdict goes to the record (the
// V_ slots), and the stack decides what to answer.
import { onesSum } from "./checksum";
import { be16, be32, put16, put32 } from "./byte-order";
import { getSlot, setSlot, slotPtr } from "./linear-memory";
import {
  OK, E_BAD_IP_VERSION, E_TRUNCATED_IPV6_HEADER, E_BAD_IPV6_PAYLOAD_LENGTH, E_BAD_EXTENSION_HEADER,
  E_IPV6_PARAMETER_PROBLEM, E_IPV6_UNKNOWN_OPTION, V_CLASS_FLOW, V_HOP_LIMIT, V_TOTAL_LENGTH, V_UPPER,
  V_UPPER_OFFSET, V_UPPER_POINTER, V_FRAGMENT_AT, V_FRAGMENT, V_FRAGMENT_ID, V_PROBLEM, BV_SRC, BV_DST,
  BV_CLASS_FLOW, BV_HOP_LIMIT, IPV6_HEADER,
} from "./layout";

const HOP_BY_HOP: u32 = 0;
const ROUTING: u32 = 43;
const FRAGMENT: u32 = 44;
const DESTINATION_OPTIONS: u32 = 60;
/** ICMPv6 parameter problem codes (RFC 4443 §3.4). */
const ERRONEOUS_FIELD: u32 = 0;
const UNRECOGNIZED_NEXT_HEADER: u32 = 1;
const UNRECOGNIZED_OPTION: u32 = 2;
const INCOMPLETE_CHAIN: u32 = 3;
/** V_PROBLEM's flag: the problem is reported only when the packet's destination is not multicast. */
const UNLESS_MULTICAST: u32 = 1 << 23;

@inline function problem(code: u32, pointer: usize, flags: u32): i32 {
  setSlot(V_PROBLEM, (code << 24) | flags | <u32>pointer);
  return E_IPV6_PARAMETER_PROBLEM;
}

/**
 * The TLV options of a hop-by-hop or destination options header at `p` (header start) of `hlen` bytes;
 * `p - ptr` is its offset in the packet (for the pointer). RFC 8200 §4.2: Pad1 and PadN are skipped,
 * and so is every option this host does not know whose type's two high bits say so (00); 01 discards
 * the packet silently, 10 with a parameter problem (code 2), 11 with one unless the destination is
 * multicast. This host processes no option, so every other type is unrecognized.
 */
function optionsOk(ptr: usize, p: usize, hlen: usize): i32 {
  const end = p + hlen;
  let o = p + 2;
  while (o < end) {
    const type = <u32>load<u8>(o);
    if (type == 0) {
      o++;
      continue;
    }
    if (end - o < 2) return E_BAD_EXTENSION_HEADER;
    const olen = <usize>load<u8>(o, 1) + 2;
    if (olen > end - o) return E_BAD_EXTENSION_HEADER;
    if (type != 1) {
      const action = type >> 6;
      if (action == 1) return E_IPV6_UNKNOWN_OPTION;
      if (action == 2) return problem(UNRECOGNIZED_OPTION, o - ptr, 0);
      if (action == 3) return problem(UNRECOGNIZED_OPTION, o - ptr, UNLESS_MULTICAST);
    }
    o += olen;
  }
  return OK;
}

/**
 * RFC 7112 (RFC 8200 §4.5): whether the extension headers after a first fragment's header, from `next`
 * at `p`, end inside the fragment (`end`), so that the upper-layer header is in it. Their options are
 * not looked at: that happens to the reassembled datagram.
 */
function chainInFragment(next: u32, p: usize, end: usize): bool {
  // Each header takes at least 8 bytes: the walk ends.
  while (next == HOP_BY_HOP || next == ROUTING || next == FRAGMENT || next == DESTINATION_OPTIONS || next == 51) {
    if (end - p < 8) return false;
    let hlen: usize = 8;
    if (next == 51) hlen = (<usize>load<u8>(p, 1) + 2) << 2; // AH counts 4-byte words (RFC 4302 §2.2)
    else if (next != FRAGMENT) hlen = (<usize>load<u8>(p, 1) + 1) << 3;
    if (hlen > end - p) return false;
    next = <u32>load<u8>(p);
    p += hlen;
  }
  return true;
}

/**
 * Validates the IPv6 header of the `len` bytes at `ptr` and walks its extension headers to the upper
 * layer: hop-by-hop only first (§4.1), routing headers with segments left 0 ignored and any other
 * refused with a parameter problem at the routing type (this host routes nothing: RFC 5095's type 0
 * and every other type alike, §4.4), a fragment header ending the walk (its data is the fragmentable
 * part) unless it is an atomic fragment (offset 0 and M clear, RFC 6946: the datagram is whole),
 * destination options (§4.6). Every other next header ends the chain as the upper layer; a first fragment
 * whose chain does not end inside it is refused (code 3, RFC 7112). Writes the V_
 * slots; returns OK or the code (V_PROBLEM for E_IPV6_PARAMETER_PROBLEM).
 */
export function ipv6Header(ptr: usize, len: usize): i32 {
  if (len < <usize>IPV6_HEADER) return E_TRUNCATED_IPV6_HEADER;
  const word0 = be32(ptr);
  if (word0 >> 28 != 6) return E_BAD_IP_VERSION;
  const payload = <usize>be16(ptr + 4);
  if (payload > len - <usize>IPV6_HEADER) return E_BAD_IPV6_PAYLOAD_LENGTH;
  const end = ptr + <usize>IPV6_HEADER + payload;
  setSlot(V_CLASS_FLOW, word0 & 0x0fffffff);
  setSlot(V_HOP_LIMIT, load<u8>(ptr, 7));
  setSlot(V_TOTAL_LENGTH, <u32>(payload + <usize>IPV6_HEADER));
  setSlot(V_FRAGMENT_AT, 0);
  setSlot(V_FRAGMENT, 0);
  setSlot(V_FRAGMENT_ID, 0);
  let next = <u32>load<u8>(ptr, 6);
  let pointer: usize = 6;
  let p = ptr + <usize>IPV6_HEADER;
  // Each header takes at least 8 bytes of a bounded payload: the walk ends.
  while (true) {
    if (next == HOP_BY_HOP || next == DESTINATION_OPTIONS || next == ROUTING) {
      if (next == HOP_BY_HOP && p != ptr + <usize>IPV6_HEADER) {
        return problem(UNRECOGNIZED_NEXT_HEADER, pointer, 0);
      }
      if (end - p < 8) return E_BAD_EXTENSION_HEADER;
      const hlen = (<usize>load<u8>(p, 1) + 1) << 3;
      if (hlen > end - p) return E_BAD_EXTENSION_HEADER;
      if (next == ROUTING) {
        if (load<u8>(p, 3) != 0) return problem(ERRONEOUS_FIELD, p + 2 - ptr, 0);
      } else {
        const code = optionsOk(ptr, p, hlen);
        if (code != OK) return code;
      }
      pointer = p - ptr;
      next = <u32>load<u8>(p);
      p += hlen;
      continue;
    }
    if (next == FRAGMENT) {
      if (end - p < 8) return E_BAD_EXTENSION_HEADER;
      const field = be16(p + 2);
      const offset = field & 0xfff8;
      const more = field & 1;
      const dataLength = end - p - 8;
      // §4.5: a fragment other than the last whose data is no multiple of 8 bytes: code 0 at the
      // payload length.
      if (more != 0 && (dataLength & 7) != 0) return problem(ERRONEOUS_FIELD, 4, 0);
      // ... and one that would end past 65535 bytes of datagram: code 0 at the fragment offset.
      if (<usize>offset + dataLength > 65535) return problem(ERRONEOUS_FIELD, p + 2 - ptr, 0);
      pointer = p - ptr;
      next = <u32>load<u8>(p);
      if (offset != 0 || more != 0) {
        if (offset == 0 && !chainInFragment(next, p + 8, end)) return problem(INCOMPLETE_CHAIN, 0, 0);
        setSlot(V_FRAGMENT_AT, <u32>(p - ptr));
        setSlot(V_FRAGMENT, offset | more);
        setSlot(V_FRAGMENT_ID, be32(p + 4));
        p += 8;
        break;
      }
      p += 8;
      continue;
    }
    break;
  }
  setSlot(V_UPPER, next);
  setSlot(V_UPPER_OFFSET, <u32>(p - ptr));
  setSlot(V_UPPER_POINTER, <u32>pointer);
  return OK;
}

/**
 * The one's complement sum of the upper-layer pseudo-header (RFC 8200 §8.1) of the IPv6 header at
 * `ip`: both addresses, the upper-layer length as 32 bits, and the next header value.
 */
@inline export function pseudoHeader6(ip: usize, protocol: u32, length: u32): u32 {
  return onesSum(ip + 8, 32, 0) + (length >> 16) + (length & 0xffff) + protocol;
}

/**
 * Writes the fixed IPv6 header at `ip` from the BV_ slots (addresses copied as raw bytes) with this
 * next header and payload length.
 */
export function buildIpv6Header(ip: usize, next: u32, payloadLength: u32): void {
  put32(ip, (6 << 28) | (getSlot(BV_CLASS_FLOW) & 0x0fffffff));
  put16(ip + 4, payloadLength);
  store<u8>(ip, <u8>next, 6);
  store<u8>(ip, <u8>getSlot(BV_HOP_LIMIT), 7);
  memory.copy(ip + 8, slotPtr(BV_SRC), 16);
  memory.copy(ip + 24, slotPtr(BV_DST), 16);
}
