import { BV_SRC, BV_DST, BV_CLASS_FLOW, BV_HOP_LIMIT } from "./layout.generated.js";
import { mem8, record } from "./wasm.js";

/** The two addresses of an IPv6 packet, 16 bytes each in network order. */
export interface Ipv6Ends {
  src: Uint8Array;
  dst: Uint8Array;
}

const SRC_AT = record.byteOffset + BV_SRC * 4;
const DST_AT = record.byteOffset + BV_DST * 4;

/** The IPv6 header's build slots (assembly/ipv6.ts copies the address bytes as they are). */
export function setIpv6Slots(ends: Ipv6Ends, hopLimit: number, trafficClass: number, flowLabel = 0): void {
  if (ends.src.length !== 16 || ends.dst.length !== 16) throw new RangeError("IPv6 addresses are 16 bytes");
  mem8.set(ends.src, SRC_AT);
  mem8.set(ends.dst, DST_AT);
  record[BV_HOP_LIMIT] = hopLimit;
  record[BV_CLASS_FLOW] = ((trafficClass << 20) | (flowLabel & 0xfffff)) >>> 0;
}
