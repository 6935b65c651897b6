import type { Ipv6Address } from "../wire/ipv6-address.js";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** An IPv6 address as a map key (32 hex digits): Maps compare Uint8Arrays by identity, not bytes. */
export function ipv6HexKey(a: Ipv6Address): string {
  let s = "";
  for (let i = 0; i < 16; i++) s += HEX[a[i]];
  return s;
}

/** The address `ipv6HexKey` made `key` from. */
export function ipv6FromHexKey(key: string): Ipv6Address {
  const a = new Uint8Array(16);
  for (let i = 0; i < 16; i++) a[i] = Number.parseInt(key.slice(2 * i, 2 * i + 2), 16);
  return a;
}
