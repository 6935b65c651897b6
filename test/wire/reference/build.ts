// Reference packet builder (tests only): the same option layout as the WASM builder, one option at a time
// into a byte list, checksums by the reference sum.
import type { PacketFields } from "../../../src/wire/types.js";
import { refInternetChecksum, refPseudoHeaderSum } from "./checksum.js";

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function optionBytes(f: PacketFields): number[] {
  const o = f.options ?? {};
  const out: number[] = [];
  if (o.mss !== undefined) out.push(2, 4, o.mss >> 8, o.mss & 255);
  if (o.windowScale !== undefined) out.push(1, 3, 3, o.windowScale);
  if (o.timestamps !== undefined) {
    out.push(...(o.sackPermitted ? [4, 2] : [1, 1]), 8, 10, ...u32(o.timestamps.tsval), ...u32(o.timestamps.tsecr));
  } else if (o.sackPermitted) {
    out.push(1, 1, 4, 2);
  }
  if (o.sackBlocks !== undefined && o.sackBlocks.length > 0) {
    out.push(1, 1, 5, 2 + 8 * o.sackBlocks.length);
    for (const b of o.sackBlocks) out.push(...u32(b.left), ...u32(b.right));
  }
  return out;
}

export function refBuildPacket(f: PacketFields): Uint8Array {
  const options = optionBytes(f);
  const payload = f.payload ?? new Uint8Array(0);
  const tcpLength = 20 + options.length + payload.length;
  const out = new Uint8Array(20 + tcpLength);
  const v = new DataView(out.buffer);
  v.setUint8(0, 0x45);
  v.setUint8(1, f.tos ?? 0);
  v.setUint16(2, out.length);
  v.setUint16(4, f.id ?? 0);
  v.setUint16(6, (f.dontFragment ?? true) ? 0x4000 : 0);
  v.setUint8(8, f.ttl ?? 64);
  v.setUint8(9, 6);
  v.setUint32(12, f.src);
  v.setUint32(16, f.dst);
  v.setUint16(10, refInternetChecksum(out.subarray(0, 20)));
  v.setUint16(20, f.srcPort);
  v.setUint16(22, f.dstPort);
  v.setUint32(24, f.seq);
  v.setUint32(28, f.ack ?? 0);
  v.setUint8(32, ((20 + options.length) / 4) << 4);
  v.setUint8(33, f.flags);
  v.setUint16(34, f.window);
  v.setUint16(38, f.urgent ?? 0);
  out.set(options, 40);
  out.set(payload, 40 + options.length);
  v.setUint16(36, refInternetChecksum(out.subarray(20), refPseudoHeaderSum(f.src, f.dst, 6, tcpLength)));
  return out;
}
