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
