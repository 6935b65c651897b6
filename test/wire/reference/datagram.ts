// Reference parser and builders for IPv4 with ICMP or UDP (tests only): DataView reads, the validation
// order and reasons of the WASM datagram parser, fresh objects. Written apart from src/wire.
import type { ParseErrorReason } from "../../../src/wire/types.js";
import type {
  DatagramResult,
  IcmpHeader,
  IcmpPacketFields,
  UdpHeader,
  UdpPacketFields,
} from "../../../src/wire/datagram-types.js";
import { refInternetChecksum, refOnesComplementSum, refPseudoHeaderSum } from "./checksum.js";

const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

type Transport = { udp?: UdpHeader; icmp?: IcmpHeader; payloadOffset: number; payloadLength: number };

function refTransport(
  v: DataView,
  t: number,
  len: number,
  protocol: number,
  src: number,
  dst: number,
): Transport | ParseErrorReason {
  const bytes = new Uint8Array(v.buffer, v.byteOffset + t, len);
  if (protocol === 17) {
    if (len < 8) return "truncated-udp-header";
    const length = v.getUint16(t + 4);
    if (length < 8 || length > len) return "bad-udp-length";
    const checksum = v.getUint16(t + 6);
    const pseudo = refPseudoHeaderSum(src, dst, 17, length);
    if (checksum !== 0 && refOnesComplementSum(bytes.subarray(0, length), pseudo) !== 0xffff) {
      return "bad-udp-checksum";
    }
    return {
      udp: { srcPort: v.getUint16(t), dstPort: v.getUint16(t + 2), length, checksum },
      payloadOffset: t + 8,
      payloadLength: length - 8,
    };
  }
  if (protocol === 1) {
    if (len < 8) return "truncated-icmp";
    if (refOnesComplementSum(bytes) !== 0xffff) return "bad-icmp-checksum";
    const type = v.getUint8(t);
    const icmp: IcmpHeader = { type, code: v.getUint8(t + 1), rest: v.getUint32(t + 4), checksum: v.getUint16(t + 2) };
    if (ERROR_TYPES.has(type)) {
      const q = t + 8;
      if (len - 8 < 28) return "bad-icmp-quote";
      const qihl = (v.getUint8(q) & 15) * 4;
      if (v.getUint8(q) >> 4 !== 4 || qihl < 20 || qihl + 8 > len - 8) return "bad-icmp-quote";
      const frag = v.getUint16(q + 6);
      icmp.quote = {
        src: v.getUint32(q + 12),
        dst: v.getUint32(q + 16),
        protocol: v.getUint8(q + 9),
        totalLength: v.getUint16(q + 2),
        moreFragments: (frag & 0x2000) !== 0,
        fragmentOffset: (frag & 0x1fff) * 8,
        srcPort: v.getUint16(q + qihl),
        dstPort: v.getUint16(q + qihl + 2),
        word1: v.getUint32(q + qihl + 4),
      };
    }
    return { icmp, payloadOffset: t + 8, payloadLength: len - 8 };
  }
  return { payloadOffset: t, payloadLength: len };
}

export function refParseDatagram(input: Uint8Array): DatagramResult {
  const bytes = input.subarray(0, 65535);
  const fail = (reason: ParseErrorReason): DatagramResult => ({ ok: false, reason });
  if (bytes.length < 20) return fail("truncated-ip-header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (v.getUint8(0) >> 4 !== 4) return fail("bad-ip-version");
  const ihl = v.getUint8(0) & 15;
  if (ihl < 5 || ihl * 4 > bytes.length) return fail("bad-ihl");
  const totalLength = v.getUint16(2);
  if (totalLength < ihl * 4 || totalLength > bytes.length) return fail("bad-total-length");
  if (refOnesComplementSum(bytes.subarray(0, ihl * 4)) !== 0xffff) return fail("bad-ip-checksum");
  const frag = v.getUint16(6);
  const protocol = v.getUint8(9);
  const src = v.getUint32(12);
  const dst = v.getUint32(16);
  const fragment = (frag & 0x3fff) !== 0;
  const t = ihl * 4;
  const transport: Transport | ParseErrorReason = fragment
    ? { payloadOffset: t, payloadLength: totalLength - t }
    : refTransport(v, t, totalLength - t, protocol, src, dst);
  if (typeof transport === "string") return fail(transport);
  return {
    ok: true,
    ip: {
      ihl,
      tos: v.getUint8(1),
      totalLength,
      id: v.getUint16(4),
      dontFragment: (frag & 0x4000) !== 0,
      moreFragments: (frag & 0x2000) !== 0,
      fragmentOffset: (frag & 0x1fff) * 8,
      ttl: v.getUint8(8),
      protocol,
      checksum: v.getUint16(10),
      src,
      dst,
    },
    ...transport,
    payload: bytes.subarray(transport.payloadOffset, transport.payloadOffset + transport.payloadLength),
  };
}

function refIpv4(out: DataView, f: UdpPacketFields | IcmpPacketFields, protocol: number, total: number): void {
  out.setUint8(0, 0x45);
  out.setUint8(1, f.tos ?? 0);
  out.setUint16(2, total);
  out.setUint16(4, f.id ?? 0);
  out.setUint16(6, f.dontFragment ? 0x4000 : 0);
  out.setUint8(8, f.ttl ?? 64);
  out.setUint8(9, protocol);
  out.setUint32(12, f.src);
  out.setUint32(16, f.dst);
  out.setUint16(10, refInternetChecksum(new Uint8Array(out.buffer, 0, 20)));
}

export function refBuildUdpPacket(f: UdpPacketFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const bytes = new Uint8Array(28 + payload.length);
  const v = new DataView(bytes.buffer);
  refIpv4(v, f, 17, bytes.length);
  v.setUint16(20, f.srcPort);
  v.setUint16(22, f.dstPort);
  v.setUint16(24, 8 + payload.length);
  bytes.set(payload, 28);
  const sum = refInternetChecksum(bytes.subarray(20), refPseudoHeaderSum(f.src, f.dst, 17, 8 + payload.length));
  v.setUint16(26, sum === 0 ? 0xffff : sum);
  return bytes;
}

export function refBuildIcmpPacket(f: IcmpPacketFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const bytes = new Uint8Array(28 + payload.length);
  const v = new DataView(bytes.buffer);
  refIpv4(v, f, 1, bytes.length);
  v.setUint8(20, f.type);
  v.setUint8(21, f.code);
  v.setUint32(24, f.rest);
  bytes.set(payload, 28);
  v.setUint16(22, refInternetChecksum(bytes.subarray(20)));
  return bytes;
}
