/**
 * IPv6 addresses (RFC 4291 §2.2 text forms in, RFC 5952 canonical text out). Inside the stack an IPv6
 * address is a 16-byte `Uint8Array` in network order: the form the wire carries, compared and hashed by
 * bytes, so the same bytes are never converted twice on the packet path.
 */

/** An IPv6 address: 16 bytes, network order. */
export type Ipv6Address = Uint8Array;

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const QUAD_TAIL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function notIpv6(text: string): TypeError {
  return new TypeError(`not an IPv6 address: ${JSON.stringify(text)}`);
}

/**
 * "fd00::1" -> 16 bytes. Takes every RFC 4291 §2.2 form: full, `::`-compressed, any case, leading zeros,
 * and a dotted-quad tail ("::ffff:10.0.0.1"). No zone index ("%eth0") and no brackets. Throws a TypeError
 * on anything else.
 */
export function parseIpv6(text: string): Ipv6Address {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.indexOf(".", lastColon) > 0) {
    // RFC 4291 §2.2 form 3: the low 32 bits as a dotted quad.
    const m = QUAD_TAIL.exec(text.slice(lastColon + 1));
    if (m === null) throw notIpv6(text);
    const octets = m.slice(1).map(Number);
    if (octets.some((o) => o > 255)) throw notIpv6(text);
    tail = [(octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]];
    // Keep the colon before the quad so "::1.2.3.4" leaves "::" and "a::1.2.3.4" leaves "a::".
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) throw notIpv6(text);
  const groupsOf = (part: string): number[] => {
    if (part === "") return [];
    return part.split(":").map((g) => {
      if (!HEX_GROUP.test(g)) throw notIpv6(text);
      return Number.parseInt(g, 16);
    });
  };
  const left = groupsOf(halves[0]);
  const right = halves.length === 2 ? groupsOf(halves[1]) : [];
  const given = left.length + right.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    // "::" stands for at least one group of zeros (RFC 4291 §2.2 form 2).
    if (given > 7) throw notIpv6(text);
    groups = [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
  } else {
    if (given !== 8) throw notIpv6(text);
    groups = [...left, ...tail];
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i] >>> 8;
    bytes[2 * i + 1] = groups[i] & 255;
  }
  return bytes;
}

/**
 * 16 bytes -> the RFC 5952 canonical text: lower case, no leading zeros, the longest run of two or more
 * zero groups (the first of equal runs) as "::" (§4.2), and the dotted-quad tail only for IPv4-mapped
 * addresses (::ffff:a.b.c.d, §5).
 */
export function ipv6ToString(address: Ipv6Address): string {
  if (address.length !== 16) throw new RangeError(`IPv6 address: 16 bytes, got ${address.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((address[2 * i] << 8) | address[2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${address[12]}.${address[13]}.${address[14]}.${address[15]}`;
  }
  let bestAt = -1;
  let bestLength = 1; // §4.2.2: a single zero group is not shortened.
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(":");
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLength))}`;
}

/** Whether `text` is an IPv6 address in any RFC 4291 text form. */
export function isIpv6(text: string): boolean {
  try {
    parseIpv6(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether two IPv6 addresses are the same 16 bytes. */
export function ipv6Equal(a: Ipv6Address, b: Ipv6Address): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "fd00::1/64" -> { address, prefix }; without "/n", `defaultPrefix`. Throws a TypeError otherwise. */
export function parseIpv6Prefix(text: string, defaultPrefix = 128): { address: Ipv6Address; prefix: number } {
  const slash = text.indexOf("/");
  if (slash < 0) return { address: parseIpv6(text), prefix: defaultPrefix };
  const p = text.slice(slash + 1);
  const prefix = Number(p);
  if (!/^\d{1,3}$/.test(p) || prefix > 128) throw new TypeError(`not an IPv6 prefix: ${JSON.stringify(text)}`);
  return { address: parseIpv6(text.slice(0, slash)), prefix };
}

/** Whether `address` lies in `network`/`prefix` (the first `prefix` bits equal). */
export function ipv6InPrefix(address: Ipv6Address, network: Ipv6Address, prefix: number): boolean {
  const whole = prefix >>> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== network[i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (address[whole] & mask) === (network[whole] & mask);
}
