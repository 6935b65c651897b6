import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { fragmentOf, type Fragment } from "../../src/fragments/fragment-header.js";
import {
  FRAGMENT_DROPS,
  Reassembler,
  type ReassemblyCounters,
  type ReassemblyLimits,
} from "../../src/fragments/reassembler.js";
import { internetChecksum } from "../../src/wire/checksum.js";
import { parseDatagramInto } from "../../src/wire/datagram-parse.js";
import { DatagramRecord } from "../../src/wire/datagram-record.js";
import { xorshiftBytes } from "../helpers/bytes.js";

export const SRC = 0x0a000001;

/** `packet` read as a fragment by the wire core, as the stack reads it; null when the core rejects it. */
export function readFragment(packet: Uint8Array): Fragment | null {
  const r = new DatagramRecord();
  return parseDatagramInto(packet, r) === null ? fragmentOf(r, packet) : null;
}
export const DST = 0x0a000002;

/** A whole IPv4 datagram of `length` data bytes, identification `id`, protocol 253 (RFC 3692 experimentation: no transport header to check). */
export function datagram(length: number, id: number, seed = id + 1, src = SRC): Uint8Array {
  const p = new Uint8Array(20 + length);
  p.set([0x45, 0, (20 + length) >> 8, (20 + length) & 255, id >> 8, id & 255, 0, 0, 64, 253]);
  new DataView(p.buffer).setUint32(12, src);
  new DataView(p.buffer).setUint32(16, DST);
  xorshiftBytes(length, seed * 2654435761 + 7, p.subarray(20));
  const sum = internetChecksum(p.subarray(0, 20));
  p[10] = sum >> 8;
  p[11] = sum & 255;
  return p;
}

/** The fragment of `whole` holding data bytes [from, to) (any bounds: tests make bad fragments too). */
export function piece(whole: Uint8Array, from: number, to: number, more = to < whole.length - 20): Fragment {
  const p = new Uint8Array(20 + to - from);
  p.set(whole.subarray(0, 20));
  p.set(whole.subarray(20 + from, 20 + to), 20);
  p[2] = p.length >> 8;
  p[3] = p.length & 255;
  const field = ((from / 8) & 0x1fff) | (more ? 0x2000 : 0);
  p[6] = field >> 8;
  p[7] = field & 255;
  p[10] = 0;
  p[11] = 0;
  const sum = internetChecksum(p.subarray(0, 20));
  p[10] = sum >> 8;
  p[11] = sum & 255;
  const f = readFragment(p);
  if (f === null) throw new Error("bad test fragment");
  return f;
}

/** `whole` cut into fragments of `size` data bytes (a multiple of 8). */
export function pieces(whole: Uint8Array, size: number): Fragment[] {
  const out: Fragment[] = [];
  for (let at = 0; at < whole.length - 20; at += size)
    out.push(piece(whole, at, Math.min(at + size, whole.length - 20)));
  return out;
}

export function newReassemblyCounters(): ReassemblyCounters {
  const drops = {} as ReassemblyCounters["drops"];
  for (const d of FRAGMENT_DROPS) drops[d] = 0;
  return { fragmentsIn: 0, datagramsReassembled: 0, duplicateFragments: 0, drops };
}

export function rig(limits: Partial<ReassemblyLimits> = {}) {
  const clock = new VirtualClock(0);
  const counters = newReassemblyCounters();
  const quoted: Uint8Array[] = [];
  const r = new Reassembler(clock, counters, (q) => quoted.push(q.slice()), limits);
  const out: Uint8Array[] = [];
  const feed = (fs: Fragment[]) => {
    for (const f of fs) {
      const whole = r.add(f);
      if (whole !== null) out.push(whole);
    }
  };
  return { clock, counters, quoted, r, out, feed };
}
