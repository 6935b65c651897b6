import { readU32 } from "./big-endian.js";

const QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** "10.0.0.1" -> 0x0a000001. Throws a TypeError on anything but a dotted quad of 0..255. */
export function parseIpv4(text: string): number {
  const m = QUAD.exec(text);
  if (m === null) throw new TypeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) throw new TypeError(`not an IPv4 address: ${JSON.stringify(text)}`);
    n = n * 256 + octet;
  }
  return n;
}

/** 0x0a000001 -> "10.0.0.1". */
export function ipv4ToString(address: number): string {
  const a = address >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** The destination address of the IPv4 packet `packet` (bytes 16..19), or -1 when it is too short. */
export function ipv4DestinationOf(packet: Uint8Array): number {
  return addressAt(packet, 16);
}

/** The source address of the IPv4 packet `packet` (bytes 12..15), or -1 when it is too short. */
export function ipv4SourceOf(packet: Uint8Array): number {
  return addressAt(packet, 12);
}

function addressAt(packet: Uint8Array, at: number): number {
  if (packet.length < 20) return -1;
  return readU32(packet, at);
}

/** The netmask of a prefix length 0..32, as an unsigned number (/24 is 0xffffff00). */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.0.0.2/24" -> { address, prefix }; without "/n", `defaultPrefix`. Throws a TypeError otherwise. */
export function parseIpv4Prefix(text: string, defaultPrefix = 32): { address: number; prefix: number } {
  const slash = text.indexOf("/");
  if (slash < 0) return { address: parseIpv4(text), prefix: defaultPrefix };
  const p = text.slice(slash + 1);
  const prefix = Number(p);
  if (!/^\d{1,2}$/.test(p) || prefix > 32) throw new TypeError(`not an IPv4 prefix: ${JSON.stringify(text)}`);
  return { address: parseIpv4(text.slice(0, slash)), prefix };
}
