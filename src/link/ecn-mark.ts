/**
 * RFC 3168 §5 for a router's queue: the ECN field is the low two bits of an IPv4 packet's TOS byte (of an
 * IPv6 packet's traffic class), and a congested queue that would drop an ECN-capable packet sets it to CE
 * instead. The link layer knows no transport, only these two bits of the IP header and IPv4's checksum,
 * updated incrementally (RFC 1624).
 */

/** What `markCongestion` did to a packet. */
export type MarkOutcome = "marked" | "not-ect" | "not-ipv4";

/**
 * Sets CE on `packet` (an IPv4 or IPv6 packet, header at offset 0) if it is ECN-capable (ECT(0), ECT(1), or
 * already CE), fixing the header checksum; returns "not-ect" for a Not-ECT packet, which a marking queue
 * drops, and "not-ipv4" for bytes that are no IP header (an Ethernet frame), which it leaves alone.
 */
export function markCongestion(packet: Uint8Array): MarkOutcome {
  // IPv6 (RFC 8200 §7): the ECN field is the traffic class's low two bits, bits 4-5 of byte 1; no checksum.
  if (packet.length >= 40 && packet[0] >> 4 === 6) {
    const ecn = (packet[1] >> 4) & 0b11;
    if (ecn === 0) return "not-ect";
    packet[1] |= 0b11 << 4;
    return "marked";
  }
  if (packet.length < 20 || packet[0] >> 4 !== 4 || (packet[0] & 0x0f) < 5) return "not-ipv4";
  const tos = packet[1];
  if ((tos & 0b11) === 0) return "not-ect";
  if ((tos & 0b11) === 0b11) return "marked";
  // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding the TOS byte.
  const m = (packet[0] << 8) | tos;
  const m2 = (packet[0] << 8) | tos | 0b11;
  let sum = (~((packet[10] << 8) | packet[11]) & 0xffff) + (~m & 0xffff) + m2;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const checksum = ~sum & 0xffff;
  packet[1] = tos | 0b11;
  packet[10] = checksum >>> 8;
  packet[11] = checksum & 0xff;
  return "marked";
}
