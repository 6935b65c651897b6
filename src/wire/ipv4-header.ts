import type { Ipv4Header } from "./types.js";

/** What both parse records (TCP's and the datagrams') hold of the IPv4 header. */
export interface Ipv4HeaderFields {
  readonly ihl: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly ttl: number;
  readonly protocol: number;
  readonly ipChecksum: number;
  readonly src: number;
  readonly dst: number;
}

/**
 * A self-contained copy of a record's IPv4 header, for the fresh-object parse results (`parsePacket`,
 * `parseDatagram`). The TCP parser refuses fragments, so its caller passes no fragment fields.
 */
export function ipv4HeaderOf(r: Ipv4HeaderFields, moreFragments = false, fragmentOffset = 0): Ipv4Header {
  return {
    ihl: r.ihl,
    tos: r.tos,
    totalLength: r.totalLength,
    id: r.id,
    dontFragment: r.dontFragment,
    moreFragments,
    fragmentOffset,
    ttl: r.ttl,
    protocol: r.protocol,
    checksum: r.ipChecksum,
    src: r.src,
    dst: r.dst,
  };
}
