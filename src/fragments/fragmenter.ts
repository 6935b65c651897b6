import { sealHeader } from "./seal-header.js";

/** The smallest MTU every IPv4 link has (RFC 791: "Every internet module must be able to forward a
 * datagram of 68 octets without further fragmentation"): a 60-byte header and 8 data bytes. */
export const MIN_IPV4_MTU = 68;

/**
 * Splits the IPv4 packet `packet` into fragments of at most `mtu` bytes (RFC 791 §3.2, "fragment"): the
 * first keeps the whole header, the others only the options whose copied flag is set; each carries a
 * multiple of 8 data bytes but the last, and the last keeps the original MF (so a fragment can be
 * fragmented again). A packet that fits comes back alone. The caller checks DF: this never refuses.
 */
export function fragmentPacket(packet: Uint8Array, mtu: number): Uint8Array[] {
  if (!Number.isInteger(mtu) || mtu < MIN_IPV4_MTU) throw new RangeError(`mtu must be at least ${MIN_IPV4_MTU}`);
  const hl = (packet[0] & 0x0f) * 4;
  const total = (packet[2] << 8) | packet[3];
  if (total <= mtu) return [packet];
  const frag = (packet[6] << 8) | packet[7];
  const baseOffset = (frag & 0x1fff) * 8;
  const moreAtEnd = (frag & 0x2000) !== 0;
  const laterHeader = copiedHeader(packet.subarray(0, hl));
  const data = packet.subarray(hl, total);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const header = at === 0 ? packet.subarray(0, hl) : laterHeader;
    const room = (mtu - header.length) & ~7;
    const length = Math.min(room, data.length - at);
    const last = at + length === data.length;
    const f = new Uint8Array(header.length + length);
    f.set(header);
    f.set(data.subarray(at, at + length), header.length);
    sealHeader(f, header.length, ((baseOffset + at) >> 3) | (!last || moreAtEnd ? 0x2000 : 0));
    out.push(f);
    at += length;
  }
  return out;
}

/** The header for fragments after the first: the fixed 20 bytes and the options marked "copied", padded. */
function copiedHeader(header: Uint8Array): Uint8Array {
  const options: number[] = [];
  let i = 20;
  while (i < header.length) {
    const type = header[i];
    if (type === 0) break; // end of option list
    if (type === 1) {
      i++; // no-operation: padding, not copied
      continue;
    }
    const len = header[i + 1];
    if (len === undefined || len < 2 || i + len > header.length) break;
    if ((type & 0x80) !== 0) for (let k = 0; k < len; k++) options.push(header[i + k]);
    i += len;
  }
  while (options.length % 4 !== 0) options.push(0);
  const out = new Uint8Array(20 + options.length);
  out.set(header.subarray(0, 20));
  out.set(options, 20);
  out[0] = 0x40 | (out.length >> 2);
  return out;
}
