import type { DatagramRecord } from "../wire/datagram-record.js";

/** One fragment as reassembly takes it: the IPv4 header fields it needs (RFC 791 §3.1) and the bytes. */
export interface Fragment {
  src: number;
  dst: number;
  protocol: number;
  id: number;
  /** Where this fragment's data starts in the datagram's data, in bytes (the field times 8). */
  offset: number;
  /** More Fragments: false on the last fragment only. */
  more: boolean;
  /** The header, options included (fragment zero's becomes the datagram's). */
  header: Uint8Array;
  /** The fragment's data (a view into the packet). */
  data: Uint8Array;
}

/** The fragment in `packet`, whose IPv4 header the wire core parsed and checked into `r`; views into `packet`. */
export function fragmentOf(r: DatagramRecord, packet: Uint8Array): Fragment {
  const headerLength = r.ihl * 4; // the header counts 32-bit words
  return {
    src: r.src,
    dst: r.dst,
    protocol: r.protocol,
    id: r.id,
    offset: r.fragmentOffset,
    more: r.moreFragments,
    header: packet.subarray(0, headerLength),
    data: packet.subarray(headerLength, r.totalLength),
  };
}
