// Reference IPv4+TCP parser (tests only): DataView reads, the same validation order and reasons as the
// WASM parser, a fresh object per packet.
import type { ParseErrorReason, ParseResult, SackBlock, TcpOptions } from "../../../src/wire/types.js";
import { refOnesComplementSum, refPseudoHeaderSum } from "./checksum.js";

type Options = TcpOptions | ParseErrorReason;

function parseOptions(v: DataView, start: number, end: number): Options {
  const o: TcpOptions = {};
  let i = start;
  while (i < end) {
    const kind = v.getUint8(i);
    if (kind === 0) break;
    if (kind === 1) {
      i += 1;
      continue;
    }
    if (i + 1 >= end) return "bad-option-length";
    const len = v.getUint8(i + 1);
    if (len < 2 || i + len > end) return "bad-option-length";
    if (kind === 2) {
      if (len !== 4) return "bad-option-value";
      o.mss = v.getUint16(i + 2);
    } else if (kind === 3) {
      if (len !== 3) return "bad-option-value";
      o.windowScale = v.getUint8(i + 2);
    } else if (kind === 4) {
      if (len !== 2) return "bad-option-value";
      o.sackPermitted = true;
    } else if (kind === 5) {
      const n = (len - 2) / 8;
      if (!Number.isInteger(n) || n < 1 || n > 4) return "bad-option-value";
      const blocks: SackBlock[] = [];
      for (let b = 0; b < n; b++) blocks.push({ left: v.getUint32(i + 2 + 8 * b), right: v.getUint32(i + 6 + 8 * b) });
      o.sackBlocks = blocks;
    } else if (kind === 8) {
      if (len !== 10) return "bad-option-value";
      o.timestamps = { tsval: v.getUint32(i + 2), tsecr: v.getUint32(i + 6) };
    }
    i += len;
  }
  return o;
}

export function refParsePacket(input: Uint8Array): ParseResult {
  const bytes = input.subarray(0, 65535);
  const fail = (reason: ParseErrorReason): ParseResult => ({ ok: false, reason });
  if (bytes.length < 20) return fail("truncated-ip-header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (v.getUint8(0) >> 4 !== 4) return fail("bad-ip-version");
  const ihl = v.getUint8(0) & 15;
  if (ihl < 5 || ihl * 4 > bytes.length) return fail("bad-ihl");
  const totalLength = v.getUint16(2);
  if (totalLength < ihl * 4 || totalLength > bytes.length) return fail("bad-total-length");
  if (refOnesComplementSum(bytes.subarray(0, ihl * 4)) !== 0xffff) return fail("bad-ip-checksum");
  const frag = v.getUint16(6);
  const moreFragments = (frag & 0x2000) !== 0;
  const fragmentOffset = frag & 0x1fff;
  if (moreFragments || fragmentOffset !== 0) return fail("fragment");
  const protocol = v.getUint8(9);
  if (protocol !== 6) return fail("not-tcp");
  const t = ihl * 4;
  const tcpLength = totalLength - t;
  if (tcpLength < 20) return fail("truncated-tcp-header");
  const dataOffset = v.getUint8(t + 12) >> 4;
  if (dataOffset < 5 || dataOffset * 4 > tcpLength) return fail("bad-data-offset");
  const src = v.getUint32(12);
  const dst = v.getUint32(16);
  const pseudo = refPseudoHeaderSum(src, dst, 6, tcpLength);
  if (refOnesComplementSum(bytes.subarray(t, totalLength), pseudo) !== 0xffff) return fail("bad-tcp-checksum");
  const options = parseOptions(v, t + 20, t + dataOffset * 4);
  if (typeof options === "string") return fail(options);
  const payloadOffset = t + dataOffset * 4;
  return {
    ok: true,
    ip: {
      ihl,
      tos: v.getUint8(1),
      totalLength,
      id: v.getUint16(4),
      dontFragment: (frag & 0x4000) !== 0,
      moreFragments,
      fragmentOffset,
      ttl: v.getUint8(8),
      protocol,
      checksum: v.getUint16(10),
      src,
      dst,
    },
    tcp: {
      srcPort: v.getUint16(t),
      dstPort: v.getUint16(t + 2),
      seq: v.getUint32(t + 4),
      ack: v.getUint32(t + 8),
      dataOffset,
      flags: v.getUint8(t + 13),
      window: v.getUint16(t + 14),
      checksum: v.getUint16(t + 16),
      urgent: v.getUint16(t + 18),
      options,
    },
    payloadOffset,
    payloadLength: totalLength - payloadOffset,
    payload: input.subarray(payloadOffset, totalLength),
  };
}
