/**
 * Interface identifiers, the low 64 bits of an address formed from a /64 prefix: stable ones by RFC
 * 7217 §5, random ones by RFC 8981 §3.3.1, neither of them a reserved identifier of RFC 5453.
 */
import type { Ipv6Address } from "../wire/ipv6-address.js";
import { sipHash24 } from "../wire/siphash.js";

/** Whether the 8 bytes of `iid` are reserved (RFC 5453 §3): never used for an address. */
export function isReservedInterfaceId(iid: Uint8Array): boolean {
  // The subnet-router anycast identifier (RFC 4291 §2.6.1): all zeros.
  if (iid.every((b) => b === 0)) return true;
  // Reserved subnet anycast (RFC 2526): fdff:ffff:ffff:ff80 to fdff:ffff:ffff:ffff.
  if (iid[0] === 0xfd && iid.subarray(1, 7).every((b) => b === 0xff) && iid[7] >= 0x80) return true;
  // The proxy and home agent anycast range 0200:5eff:fe00:0000 to 0200:5eff:feff:ffff.
  return iid[0] === 0x02 && iid[1] === 0x00 && iid[2] === 0x5e && iid[3] === 0xff && iid[4] === 0xfe;
}

/**
 * RFC 7217 §5's F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key), with SipHash-2-4 as the PRF
 * (keyed by the 128-bit secret, as §5 asks of F) and no Network_ID: the same prefix, interface and secret
 * give the same identifier, and another DAD counter another one. A reserved result moves to the next
 * counter (§5), so the returned counter may be larger than `dadCounter`.
 */
export function stableInterfaceId(
  secret: Uint8Array,
  prefix: Ipv6Address,
  netIface: Uint8Array,
  dadCounter: number,
): { iid: Uint8Array; dadCounter: number } {
  const message = new Uint8Array(8 + netIface.length + 1);
  message.set(prefix.subarray(0, 8));
  message.set(netIface, 8);
  for (let counter = dadCounter; ; counter++) {
    message[message.length - 1] = counter & 0xff;
    const [hi, lo] = sipHash24(secret, message);
    const iid = new Uint8Array(8);
    new DataView(iid.buffer).setUint32(0, hi);
    new DataView(iid.buffer).setUint32(4, lo);
    if (!isReservedInterfaceId(iid)) return { iid, dadCounter: counter };
  }
}

/** RFC 8981 §3.3.1: 64 random bits, drawn again while reserved (a source that gives only those throws). */
export function randomInterfaceId(randomBytes: (n: number) => Uint8Array): Uint8Array {
  for (let i = 0; i < 64; i++) {
    const iid = randomBytes(8);
    if (!isReservedInterfaceId(iid)) return iid;
  }
  throw new RangeError("neighbour discovery: the random source gives only reserved interface identifiers");
}

/** The address of `prefix`'s first 64 bits and `iid`. */
export function withInterfaceId(prefix: Ipv6Address, iid: Uint8Array): Ipv6Address {
  const a = new Uint8Array(16);
  a.set(prefix.subarray(0, 8));
  a.set(iid, 8);
  return a;
}
