/**
 * The ICMPv6 type of an IPv6 packet whose header chain the wire core stopped on (a parameter problem):
 * the chain is followed with every read bounded by the bytes, so RFC 4443 §2.4(e.1) can tell whether the
 * offending packet is itself an ICMPv6 error. -1 when the upper layer is not ICMPv6 or is not reached.
 */
export function icmpv6TypeOf(packet: Uint8Array): number {
  if (packet.length < 40) return -1;
  let next = packet[6];
  let at = 40;
  // Every header is at least 8 bytes: at most length / 8 rounds.
  while (next === 0 || next === 43 || next === 44 || next === 60 || next === 51) {
    if (at + 8 > packet.length) return -1;
    const length = next === 44 ? 8 : next === 51 ? (packet[at + 1] + 2) * 4 : (packet[at + 1] + 1) * 8;
    next = packet[at];
    at += length;
  }
  return next === 58 && at < packet.length ? packet[at] : -1;
}
