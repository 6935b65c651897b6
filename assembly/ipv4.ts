// The IPv4 header on its own (RFC 791 §3.1), for every packet that is not plain TCP: validated without
// rejecting fragments or other protocols (reassembly and the transports decide about those), and
// written in front of a datagram or a fragment of one.
import { headerSum } from "./checksum";
import { be16, be32, put16, put32 } from "./byte-order";
import { getSlot, setSlot } from "./linear-memory";
import {
  OK, E_TRUNCATED_IP_HEADER, E_BAD_IP_VERSION, E_BAD_IHL, E_BAD_TOTAL_LENGTH, E_BAD_IP_CHECKSUM, D_IHL, D_TOS,
  D_TOTAL_LENGTH, D_ID, D_FRAG, D_TTL, D_PROTOCOL, D_IP_CHECKSUM, D_SRC, D_DST, B_SRC, B_DST, B_TTL, B_ID,
  B_TOS, B_FRAG,
} from "./layout";

/**
 * Validates the IPv4 header of the `len` bytes at `ptr` in the order the TCP parser does (length,
 * version, IHL, total length, checksum) and writes its fields to the D_ slots. Returns OK or the code.
 */
export function ipv4Header(ptr: usize, len: usize): i32 {
  if (len < 20) return E_TRUNCATED_IP_HEADER;
  const vihl = <u32>load<u8>(ptr);
  if (vihl >> 4 != 4) return E_BAD_IP_VERSION;
  const ihl = <usize>((vihl & 15) << 2);
  if (ihl < 20 || ihl > len) return E_BAD_IHL;
  const total = <usize>be16(ptr + 2);
  if (total < ihl || total > len) return E_BAD_TOTAL_LENGTH;
  if (headerSum(ptr, ihl, 0) != 0xffff) return E_BAD_IP_CHECKSUM;
  setSlot(D_IHL, <u32>(ihl >> 2));
  setSlot(D_TOS, load<u8>(ptr, 1));
  setSlot(D_TOTAL_LENGTH, <u32>total);
  setSlot(D_ID, be16(ptr + 4));
  setSlot(D_FRAG, be16(ptr + 6));
  setSlot(D_TTL, load<u8>(ptr, 8));
  setSlot(D_PROTOCOL, load<u8>(ptr, 9));
  setSlot(D_IP_CHECKSUM, be16(ptr + 10));
  setSlot(D_SRC, be32(ptr + 12));
  setSlot(D_DST, be32(ptr + 16));
  return OK;
}

/**
 * Writes a 20-byte IPv4 header (no options) at `ip` from the build slots (B_SRC, B_DST, B_TTL, B_ID,
 * B_TOS, B_FRAG: flags and fragment offset) with this protocol and total length, checksum filled in.
 */
export function buildIpv4Header(ip: usize, protocol: u32, totalLength: u32): void {
  store<u8>(ip, 0x45);
  store<u8>(ip, <u8>getSlot(B_TOS), 1);
  put16(ip + 2, totalLength);
  put16(ip + 4, getSlot(B_ID));
  put16(ip + 6, getSlot(B_FRAG));
  store<u8>(ip, <u8>getSlot(B_TTL), 8);
  store<u8>(ip, <u8>protocol, 9);
  put16(ip + 10, 0);
  put32(ip + 12, getSlot(B_SRC));
  put32(ip + 16, getSlot(B_DST));
  put16(ip + 10, ~headerSum(ip, 20, 0) & 0xffff);
}
