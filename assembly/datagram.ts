// One call per non-TCP packet: the IPv4 header, then (unless it is a fragment) the ICMP or UDP header
// after it with its checksum. parseTransport does the second half alone, for a reassembled datagram.
import { ipv4Header } from "./ipv4";
import { icmpAt } from "./icmp";
import { udpAt } from "./udp";
import { getSlot, setSlot } from "./linear-memory";
import {
  OK, R_STATUS, D_IHL, D_TOTAL_LENGTH, D_FRAG, D_PROTOCOL, D_SRC, D_DST, D_TRANSPORT, D_PAYLOAD_OFFSET,
  D_PAYLOAD_LENGTH,
} from "./layout";

/** The header of `protocol` in the `len` bytes at `t`, or none (OK, D_TRANSPORT 0) for other protocols. */
function transportAt(t: usize, len: usize, base: u32, protocol: u32, src: u32, dst: u32): i32 {
  let code = OK;
  if (protocol == 1) code = icmpAt(t, len, base);
  else if (protocol == 17) code = udpAt(t, len, base, src, dst);
  else {
    protocol = 0;
    setSlot(D_PAYLOAD_OFFSET, base);
    setSlot(D_PAYLOAD_LENGTH, <u32>len);
  }
  setSlot(D_TRANSPORT, code == OK ? protocol : 0);
  return code;
}

/**
 * Parses the IPv4 packet of `len` bytes at `ptr` and, unless it is a fragment (MF or an offset), its ICMP
 * or UDP header; returns the status written to slot 0. A fragment or another protocol reports the IPv4
 * payload as the payload, with D_TRANSPORT 0.
 */
export function parseDatagram(ptr: usize, len: usize): i32 {
  let code = ipv4Header(ptr, len);
  if (code == OK) {
    const ihl = getSlot(D_IHL) << 2;
    const payloadLen = <usize>(getSlot(D_TOTAL_LENGTH) - ihl);
    if ((getSlot(D_FRAG) & 0x3fff) != 0) {
      setSlot(D_TRANSPORT, 0);
      setSlot(D_PAYLOAD_OFFSET, ihl);
      setSlot(D_PAYLOAD_LENGTH, <u32>payloadLen);
    } else {
      code = transportAt(ptr + ihl, payloadLen, ihl, getSlot(D_PROTOCOL), getSlot(D_SRC), getSlot(D_DST));
    }
  }
  setSlot(R_STATUS, code);
  return code;
}

/**
 * Parses the `len` transport bytes at `ptr` of a datagram of `protocol` from `src` to `dst` (a reassembled
 * one: the IPv4 slots are the caller's); the payload offset is from `ptr`. Returns the status.
 */
export function parseTransport(ptr: usize, len: usize, protocol: u32, src: u32, dst: u32): i32 {
  const code = transportAt(ptr, len, 0, protocol, src, dst);
  setSlot(R_STATUS, code);
  return code;
}
