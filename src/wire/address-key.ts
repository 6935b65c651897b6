/**
 * Address keys: one number per IP address of either family, so the engine's demultiplexing, connection
 * ends and path MTU cache stay plain number comparisons and Map lookups for both. An IPv4 address is its
 * own key (the unsigned 32-bit number, as before); an IPv6 address's key is IPV6_KEY_BASE plus a 48-bit
 * keyed digest of its 16 bytes, given by the stack's address book (src/stack/address-book.ts), which maps
 * it back to the bytes. Keys of the two families never meet, and IPv4 pays nothing to tell them apart.
 */

/** The first IPv6 key: every key at or above it names an IPv6 address. */
export const IPV6_KEY_BASE = 2 ** 32;

/** Whether `key` names an IPv6 address. */
export function isIpv6Key(key: number): boolean {
  return key >= IPV6_KEY_BASE;
}

/** The IP header bytes a packet to or from `key` carries without options: 20 for IPv4, 40 for IPv6. */
export function ipHeaderLength(key: number): number {
  return key >= IPV6_KEY_BASE ? 40 : 20;
}
