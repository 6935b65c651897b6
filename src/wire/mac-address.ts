/**
 * A MAC address as a number: the 48 bits big-endian (bytes 0..5 are the most to the least significant),
 * exact in a double. A number, not a string or bytes, because the neighbour cache and the switch key maps
 * by it per frame and the wire core takes it as two 32-bit slots.
 */
export type MacAddress = number;

/** ff:ff:ff:ff:ff:ff. */
export const BROADCAST_MAC: MacAddress = 0xffff_ffff_ffff;

const TWO_32 = 0x1_0000_0000;
const MAC = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i;

/** "02:00:5e:10:00:01" (or with dashes) -> the number. Throws a TypeError on anything else. */
export function parseMac(text: string): MacAddress {
  const m = MAC.exec(text);
  if (m === null) throw new TypeError(`not a MAC address: ${JSON.stringify(text)}`);
  let n = 0;
  for (let i = 1; i <= 6; i++) n = n * 256 + Number.parseInt(m[i], 16);
  return n;
}

/** The number -> "02:00:5e:10:00:01" (lower case, colons, as Linux prints it). */
export function macToString(mac: MacAddress): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push((Math.floor(mac / 2 ** (8 * i)) & 0xff).toString(16).padStart(2, "0"));
  return parts.join(":");
}

/** Bytes 0..1, as the wire core's HI slot takes them. */
export function macHigh(mac: MacAddress): number {
  return Math.floor(mac / TWO_32);
}

/** Bytes 2..5, as the wire core's LO slot takes them. */
export function macLow(mac: MacAddress): number {
  return mac % TWO_32;
}

export function macFromParts(high: number, low: number): MacAddress {
  return (high & 0xffff) * TWO_32 + (low >>> 0);
}

/** The group bit (I/G, bit 0 of byte 0): broadcast and multicast destinations. */
export function isGroupMac(mac: MacAddress): boolean {
  return (macHigh(mac) & 0x100) !== 0;
}

/** Whether `value` is an integer MAC address (48 bits). */
export function isMac(value: unknown): value is MacAddress {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= BROADCAST_MAC;
}

/**
 * A random unicast, locally administered address (IEEE 802 §8.2: byte 0 has the U/L bit set, the I/G
 * bit clear), as Linux gives a TAP or veth device that was assigned none. `random` returns a 32-bit
 * unsigned integer (default: the platform CSPRNG).
 */
export function randomLocalMac(random: () => number = cryptoRandom): MacAddress {
  const high = (random() & 0xfeff) | 0x0200;
  return macFromParts(high, random());
}

function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
