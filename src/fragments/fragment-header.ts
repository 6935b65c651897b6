/** The IPv4 header fields reassembly needs, read from one fragment (RFC 791 §3.1). */
export interface Fragment {
  src: number;
  dst: number;
  protocol: number;
  id: number;
  /** Where this fragment's data starts in the datagram's data, in bytes (the field times 8). */
  offset: number;
  /** More Fragments: false on the last fragment only. */
  more: boolean;
  /** The header, options included (the first fragment's becomes the datagram's). */
  header: Uint8Array;
  /** The fragment's data (a view into the packet). */
  data: Uint8Array;
}

/**
 * Reads the IPv4 header of `packet`, which the wire core validated (version, lengths, header checksum) and
 * then rejected as a fragment before reading any transport header; the views point into `packet`. Returns
 * null for a packet whose lengths do not hold, so a caller that skipped the wire core gets no crash.
 */
export function readFragment(packet: Uint8Array): Fragment | null {
  if (packet.length < 20 || packet[0] >> 4 !== 4) return null;
  const ihl = (packet[0] & 0x0f) * 4;
  const total = (packet[2] << 8) | packet[3];
  if (ihl < 20 || total < ihl || total > packet.length) return null;
  const header = packet.subarray(0, ihl);
  const frag = (packet[6] << 8) | packet[7];
  return {
    src: ((packet[12] << 24) | (packet[13] << 16) | (packet[14] << 8) | packet[15]) >>> 0,
    dst: ((packet[16] << 24) | (packet[17] << 16) | (packet[18] << 8) | packet[19]) >>> 0,
    protocol: packet[9],
    id: (packet[4] << 8) | packet[5],
    offset: (frag & 0x1fff) * 8,
    more: (frag & 0x2000) !== 0,
    header,
    data: packet.subarray(ihl, total),
  };
}
