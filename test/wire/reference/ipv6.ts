// Reference parser for IPv6 (tests only): RFC 8200 §4's header rules and RFC 8200 §8.1's pseudo-header
// written out with DataView and plain loops, apart from assembly/ and src/wire, giving the verdict the
// WASM parser reports (reason, or the upper layer and what its header says).
import type { ParseErrorReason } from "../../../src/wire/types.js";
import { refOnesComplementSum } from "./checksum.js";

export interface RefIpv6 {
  reason: ParseErrorReason | null;
  problem?: { code: number; pointer: number; unlessMulticast: boolean };
  upper?: number;
  upperOffset?: number;
  upperPointer?: number;
  fragment?: { at: number; offset: number; more: boolean; id: number };
  /** The transport header read: TCP ports/seq/ack/flags, UDP ports/length, ICMPv6 type/code/rest. */
  transport?: Record<string, number>;
  payloadOffset?: number;
  payloadLength?: number;
}

function pseudo(bytes: Uint8Array, protocol: number, length: number): number {
  const p = new Uint8Array(40);
  p.set(bytes.subarray(8, 40));
  new DataView(p.buffer).setUint32(32, length);
  p[39] = protocol;
  return refOnesComplementSum(p);
}

/** The options of the header at `at` (`length` bytes), or the verdict they force. */
function refOptions(v: DataView, at: number, length: number): RefIpv6 | null {
  let o = at + 2;
  const end = at + length;
  while (o < end) {
    const type = v.getUint8(o);
    if (type === 0) {
      o += 1;
      continue;
    }
    if (o + 2 > end) return { reason: "bad-extension-header" };
    const size = v.getUint8(o + 1) + 2;
    if (o + size > end) return { reason: "bad-extension-header" };
    if (type !== 1) {
      const action = type >> 6;
      if (action === 1) return { reason: "ipv6-unknown-option" };
      if (action >= 2) {
        return { reason: "ipv6-parameter-problem", problem: { code: 2, pointer: o, unlessMulticast: action === 3 } };
      }
    }
    o += size;
  }
  return null;
}

export function refParseIpv6(input: Uint8Array): RefIpv6 {
  const bytes = input.subarray(0, Math.min(input.length, 65535));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 40) return { reason: "truncated-ipv6-header" };
  if (bytes[0] >> 4 !== 6) return { reason: "bad-ip-version" };
  const payloadLength = v.getUint16(4);
  if (40 + payloadLength > bytes.length) return { reason: "bad-ipv6-payload-length" };
  const end = 40 + payloadLength;
  let next = bytes[6];
  let pointer = 6;
  let at = 40;
  let fragment: RefIpv6["fragment"];
  const problem = (code: number, p: number): RefIpv6 => ({
    reason: "ipv6-parameter-problem",
    problem: { code, pointer: p, unlessMulticast: false },
  });
  for (;;) {
    if (next === 0 || next === 60 || next === 43) {
      if (next === 0 && at !== 40) return problem(1, pointer);
      if (end - at < 8) return { reason: "bad-extension-header" };
      const length = (bytes[at + 1] + 1) * 8;
      if (at + length > end) return { reason: "bad-extension-header" };
      if (next === 43) {
        if (bytes[at + 3] !== 0) return problem(0, at + 2);
      } else {
        const verdict = refOptions(v, at, length);
        if (verdict !== null) return verdict;
      }
      pointer = at;
      next = bytes[at];
      at += length;
    } else if (next === 44) {
      if (end - at < 8) return { reason: "bad-extension-header" };
      const field = v.getUint16(at + 2);
      const offset = field & 0xfff8;
      const more = (field & 1) === 1;
      const data = end - at - 8;
      if (more && data % 8 !== 0) return problem(0, 4);
      if (offset + data > 65535) return problem(0, at + 2);
      pointer = at;
      next = bytes[at];
      if (offset !== 0 || more) {
        if (offset === 0) {
          // RFC 7112: the first fragment holds the whole extension-header chain.
          let n = next;
          let q = at + 8;
          while ([0, 43, 44, 60, 51].includes(n)) {
            if (end - q < 8) return problem(3, 0);
            const size = n === 44 ? 8 : n === 51 ? (bytes[q + 1] + 2) * 4 : (bytes[q + 1] + 1) * 8;
            if (size > end - q) return problem(3, 0);
            n = bytes[q];
            q += size;
          }
        }
        fragment = { at, offset, more, id: v.getUint32(at + 4) };
        at += 8;
        break;
      }
      at += 8;
    } else {
      break;
    }
  }
  const base = { upper: next, upperOffset: at, upperPointer: pointer, fragment };
  const len = end - at;
  if (fragment !== undefined || (next !== 6 && next !== 17 && next !== 58)) {
    return { reason: null, ...base, payloadOffset: at, payloadLength: len };
  }
  const t = bytes.subarray(at, end);
  if (next === 6) {
    if (len < 20) return { reason: "truncated-tcp-header" };
    const doff = (t[12] >> 4) * 4;
    if (doff < 20 || doff > len) return { reason: "bad-data-offset" };
    if (refOnesComplementSum(t, pseudo(bytes, 6, len)) !== 0xffff) return { reason: "bad-tcp-checksum" };
    // Option validation is the IPv4 reference's (shared TCP code in WASM); only well-formed ones here.
    const tv = new DataView(t.buffer, t.byteOffset, t.length);
    return {
      reason: null,
      ...base,
      transport: {
        srcPort: tv.getUint16(0),
        dstPort: tv.getUint16(2),
        seq: tv.getUint32(4),
        ack: tv.getUint32(8),
        flags: t[13],
        window: tv.getUint16(14),
      },
      payloadOffset: at + doff,
      payloadLength: len - doff,
    };
  }
  if (next === 17) {
    if (len < 8) return { reason: "truncated-udp-header" };
    const tv = new DataView(t.buffer, t.byteOffset, t.length);
    const ulen = tv.getUint16(4);
    if (ulen < 8 || ulen > len) return { reason: "bad-udp-length" };
    const checksum = tv.getUint16(6);
    if (checksum === 0) return { reason: "missing-udp-checksum" };
    if (refOnesComplementSum(t.subarray(0, ulen), pseudo(bytes, 17, ulen)) !== 0xffff) {
      return { reason: "bad-udp-checksum" };
    }
    return {
      reason: null,
      ...base,
      transport: { srcPort: tv.getUint16(0), dstPort: tv.getUint16(2), length: ulen },
      payloadOffset: at + 8,
      payloadLength: ulen - 8,
    };
  }
  if (len < 8) return { reason: "truncated-icmp" };
  if (refOnesComplementSum(t, pseudo(bytes, 58, len)) !== 0xffff) return { reason: "bad-icmp-checksum" };
  const tv = new DataView(t.buffer, t.byteOffset, t.length);
  const type = t[0];
  if (type < 128) {
    // The quote: an IPv6 header, extension headers, and 8 bytes of the upper layer, inside the quote.
    const q = t.subarray(8);
    if (q.length < 48 || q[0] >> 4 !== 6) return { reason: "bad-icmp-quote" };
    let qn = q[6];
    let p = 40;
    while ([0, 43, 44, 60, 51].includes(qn)) {
      if (p + 16 > q.length) return { reason: "bad-icmp-quote" };
      const size = qn === 44 ? 8 : qn === 51 ? (q[p + 1] + 2) * 4 : (q[p + 1] + 1) * 8;
      qn = q[p];
      p += size;
    }
    if (p + 8 > q.length) return { reason: "bad-icmp-quote" };
  }
  return {
    reason: null,
    ...base,
    transport: { type, code: t[1], rest: tv.getUint32(4) },
    payloadOffset: at + 8,
    payloadLength: len - 8,
  };
}
