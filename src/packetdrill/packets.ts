import { internetChecksum, parsePacket, pseudoHeaderSum, type TcpRepr } from "../wire/index.js";
import type { TcpOption } from "./ast.js";

/** packetdrill's flag letters and the TCP header bits they stand for (AE is the bit below CWR's byte). */
const FLAG_BITS: ReadonlyArray<[string, number]> = [
  ["F", 0x01],
  ["S", 0x02],
  ["R", 0x04],
  ["P", 0x08],
  [".", 0x10],
  ["U", 0x20],
  ["E", 0x40],
  ["W", 0x80],
  ["A", 0x100],
];

export function flagBits(letters: string): number {
  let bits = 0;
  for (const [letter, bit] of FLAG_BITS) if (letters.includes(letter)) bits |= bit;
  return bits;
}

/** Flags in packetdrill's spelling and order (`S.`, `P.`, `F.`, `R`). */
export function flagLetters(bits: number): string {
  let s = "";
  for (const [letter, bit] of FLAG_BITS) if (letter !== "." && bits & bit) s += letter;
  return bits & 0x10 ? `${s}.` : s;
}

/**
 * A TCP option as it sits on the wire, in order, padding (nop, eol) included: the script's kinds, or an
 * option the script language has no word for.
 */
export type WireOption =
  | Exclude<TcpOption, { kind: "unsupported" }>
  | { kind: "other"; code: number; data: Uint8Array };

/**
 * A TCP segment decoded from bytes or about to be encoded: the wire core's repr, but with the options as
 * the list the script wrote (order and padding kept) and the payload.
 */
export interface Segment extends Omit<TcpRepr, "options"> {
  options: WireOption[];
  payload: Uint8Array;
}

/** Option bytes for a script's list (unsupported options are rejected before this is called). */
export function encodeOptions(options: readonly WireOption[]): Uint8Array {
  const bytes: number[] = [];
  const u16 = (v: number) => bytes.push((v >>> 8) & 0xff, v & 0xff);
  const u32 = (v: number) => bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  for (const o of options) {
    switch (o.kind) {
      case "nop":
        bytes.push(1);
        break;
      case "eol":
        bytes.push(0);
        break;
      case "mss":
        bytes.push(2, 4);
        u16(o.value);
        break;
      case "wscale":
        bytes.push(3, 3, o.value);
        break;
      case "sackOK":
        bytes.push(4, 2);
        break;
      case "sack":
        bytes.push(5, 2 + 8 * o.blocks.length);
        for (const [l, r] of o.blocks) {
          u32(l);
          u32(r);
        }
        break;
      case "TS":
        bytes.push(8, 10);
        u32(o.val);
        u32(o.ecr);
        break;
      case "other":
        bytes.push(o.code, 2 + o.data.length, ...o.data);
        break;
    }
  }
  return Uint8Array.from(bytes);
}

/** The options of a TCP header, in wire order; null when one runs past the header or has a bad length. */
export function decodeOptions(bytes: Uint8Array): WireOption[] | null {
  const out: WireOption[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i < bytes.length) {
    const code = bytes[i];
    if (code === 0) {
      out.push({ kind: "eol" });
      i++;
      continue;
    }
    if (code === 1) {
      out.push({ kind: "nop" });
      i++;
      continue;
    }
    const len = bytes[i + 1];
    if (len === undefined || len < 2 || i + len > bytes.length) return null;
    if (code === 2 && len === 4) out.push({ kind: "mss", value: view.getUint16(i + 2) });
    else if (code === 3 && len === 3) out.push({ kind: "wscale", value: bytes[i + 2] });
    else if (code === 4 && len === 2) out.push({ kind: "sackOK" });
    else if (code === 5 && (len - 2) % 8 === 0) {
      const blocks: Array<[number, number]> = [];
      for (let k = i + 2; k < i + len; k += 8) blocks.push([view.getUint32(k), view.getUint32(k + 4)]);
      out.push({ kind: "sack", blocks });
    } else if (code === 8 && len === 10)
      out.push({ kind: "TS", val: view.getUint32(i + 2), ecr: view.getUint32(i + 6) });
    else out.push({ kind: "other", code, data: bytes.slice(i + 2, i + len) });
    i += len;
  }
  return out;
}

/** A script option as it goes on the wire; null for one the stack does not model. */
export function wireOption(o: TcpOption): WireOption | null {
  return o.kind === "unsupported" ? null : o;
}

export interface Addresses {
  src: number;
  dst: number;
  tos?: number;
  ttl?: number;
}

/** One IPv4+TCP packet with correct checksums; the payload is zeros, as packetdrill's are. */
export function buildTcpPacket(a: Addresses, s: Segment): Uint8Array {
  const opts = encodeOptions(s.options);
  const tcpLength = 20 + opts.length + s.payload.length;
  const packet = new Uint8Array(20 + tcpLength);
  const v = new DataView(packet.buffer);
  v.setUint8(0, 0x45);
  v.setUint8(1, a.tos ?? 0);
  v.setUint16(2, packet.length);
  v.setUint16(6, 0x4000);
  v.setUint8(8, a.ttl ?? 64);
  v.setUint8(9, 6);
  v.setUint32(12, a.src);
  v.setUint32(16, a.dst);
  v.setUint16(10, internetChecksum(packet.subarray(0, 20)));
  v.setUint16(20, s.srcPort);
  v.setUint16(22, s.dstPort);
  v.setUint32(24, s.seq >>> 0);
  v.setUint32(28, s.ack >>> 0);
  v.setUint8(32, (((20 + opts.length) / 4) << 4) | ((s.flags >> 8) & 1));
  v.setUint8(33, s.flags & 0xff);
  v.setUint16(34, s.window);
  v.setUint16(38, s.urgent);
  packet.set(opts, 40);
  packet.set(s.payload, 40 + opts.length);
  v.setUint16(36, internetChecksum(packet.subarray(20), pseudoHeaderSum(a.src, a.dst, 6, tcpLength)));
  return packet;
}

export type Decoded =
  | { ok: true; src: number; dst: number; tos: number; ttl: number; segment: Segment }
  | { ok: false; reason: string };

/** An IPv4+TCP packet the stack sent, checked (both checksums) and decoded, options in wire order. */
export function decodeTcpPacket(packet: Uint8Array): Decoded {
  const parsed = parsePacket(packet);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const { ip, tcp } = parsed;
  const optionStart = ip.ihl * 4 + 20;
  const options = decodeOptions(packet.subarray(optionStart, ip.ihl * 4 + tcp.dataOffset * 4));
  if (options === null) return { ok: false, reason: "bad-option-length" };
  const ae = (packet[ip.ihl * 4 + 12] & 1) << 8;
  return {
    ok: true,
    src: ip.src,
    dst: ip.dst,
    tos: ip.tos,
    ttl: ip.ttl,
    segment: {
      srcPort: tcp.srcPort,
      dstPort: tcp.dstPort,
      seq: tcp.seq,
      ack: tcp.ack,
      flags: tcp.flags | ae,
      window: tcp.window,
      urgent: tcp.urgent,
      options,
      payload: parsed.payload.slice(),
    },
  };
}

/** packetdrill's short form of a segment: `S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>`. */
export function formatSegment(s: Segment, showWindow = true): string {
  const end = (s.seq + s.payload.length) >>> 0;
  let text = `${flagLetters(s.flags)} ${s.seq}:${end}(${s.payload.length})`;
  if (s.flags & 0x10) text += ` ack ${s.ack}`;
  if (showWindow) text += ` win ${s.window}`;
  if (s.urgent !== 0) text += ` urg ${s.urgent}`;
  if (s.options.length > 0) text += ` <${s.options.map(formatOption).join(",")}>`;
  return text;
}

export function formatOption(o: WireOption | TcpOption): string {
  switch (o.kind) {
    case "mss":
    case "wscale":
      return `${o.kind} ${o.value}`;
    case "sack":
      return `sack ${o.blocks.map(([l, r]) => `${l}:${r}`).join(" ")}`;
    case "TS":
      return `TS val ${o.val} ecr ${o.ecr}`;
    case "other":
      return `opt${o.code}`;
    case "unsupported":
      return o.name;
    default:
      return o.kind;
  }
}
