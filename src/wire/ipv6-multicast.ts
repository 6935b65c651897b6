/**
 * The IPv6 address kinds neighbour discovery tells apart (RFC 4291 §2.4), the solicited-node multicast
 * group (RFC 4291 §2.7.1) and the Ethernet MAC a multicast group maps to (RFC 2464 §7).
 */
import type { Ipv6Address } from "./ipv6-address.js";
import { readU32 } from "./big-endian.js";
import { macFromParts, type MacAddress } from "./mac-address.js";

/** The unspecified address `::` (RFC 4291 §2.5.2). Shared: never write into it. */
export const IPV6_UNSPECIFIED: Ipv6Address = new Uint8Array(16);

/** `ff02::1`, every node on the link (RFC 4291 §2.7.1). Shared: never write into it. */
export const IPV6_ALL_NODES: Ipv6Address = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** `ff02::2`, every router on the link (RFC 4291 §2.7.1). Shared: never write into it. */
export const IPV6_ALL_ROUTERS: Ipv6Address = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

/** Whether `a` is `::`. */
export function isIpv6Unspecified(a: Ipv6Address): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== 0) return false;
  return true;
}

/** Whether `a` is a multicast address, ff00::/8 (RFC 4291 §2.7). */
export function isIpv6Multicast(a: Ipv6Address): boolean {
  return a[0] === 0xff;
}

/** Whether `a` is a link-local unicast address, fe80::/10 (RFC 4291 §2.5.6). */
export function isIpv6LinkLocal(a: Ipv6Address): boolean {
  return a[0] === 0xfe && (a[1] & 0xc0) === 0x80;
}

/** The solicited-node group of `a`: ff02::1:ff00:0/104 and the low 24 bits of `a` (RFC 4291 §2.7.1). */
export function solicitedNodeAddress(a: Ipv6Address): Ipv6Address {
  return Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, a[13], a[14], a[15]);
}

/** Whether `a` is in ff02::1:ff00:0/104, some address's solicited-node group. */
export function isSolicitedNodeAddress(a: Ipv6Address): boolean {
  const head = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff];
  for (let i = 0; i < head.length; i++) if (a[i] !== head[i]) return false;
  return true;
}

/** The Ethernet destination of a packet to multicast group `group`: 33:33 and its last 32 bits (RFC 2464 §7). */
export function ipv6MulticastMac(group: Ipv6Address): MacAddress {
  return macFromParts(0x3333, readU32(group, 12));
}
