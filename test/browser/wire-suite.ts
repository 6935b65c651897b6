/**
 * The wire core's differential checks as one function that runs unchanged in Node and, bundled, in
 * Chromium: parse (real packets and seeded mutations of them), checksum (every alignment, many lengths),
 * sequence arithmetic and build, each against the pure-TS reference. The result is plain data, so the test
 * can demand that the browser's WASM gives exactly Node's answers, and that each agrees with the reference.
 */
import {
  buildPacket,
  internetChecksum,
  parsePacket,
  seqAdd,
  seqDiff,
  seqGe,
  seqGt,
  seqInWindow,
  seqLe,
  seqLt,
  TcpFlags,
  type PacketFields,
} from "../../src/wire/index.js";
import {
  refBuildPacket,
  refInternetChecksum,
  refParsePacket,
  refSeqAdd,
  refSeqDiff,
  refSeqGe,
  refSeqGt,
  refSeqInWindow,
  refSeqLe,
  refSeqLt,
} from "../wire/reference/index.js";

export interface WireSuiteResult {
  /** Per input packet (then per mutation): the parse result without its payload view, as JSON. */
  parses: string[];
  checksums: number[];
  /** seqLt/Le/Gt/Ge as 0/1, then seqAdd, seqDiff, seqInWindow, per random triple. */
  seq: number[];
  /** Built packets, hex. */
  builds: string[];
  /** Where the WASM core and the reference disagree in this runtime (should be none). */
  mismatches: string[];
}

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** JSON with keys sorted: option order in the record is not part of the answer. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
const parseJson = (r: ReturnType<typeof parsePacket>) => canonical({ ...r, payload: undefined });

export function runWireSuite(packets: readonly Uint8Array[], seed: number): WireSuiteResult {
  const next = xorshift(seed);
  const out: WireSuiteResult = { parses: [], checksums: [], seq: [], builds: [], mismatches: [] };
  const check = (what: string, ours: unknown, reference: unknown) => {
    if (ours !== reference)
      out.mismatches.push(
        `${what}: wasm ${String(ours).slice(0, 300)} != reference ${String(reference).slice(0, 300)}`,
      );
  };

  // Real packets, then three seeded mutations of each: a flipped byte, two flipped bytes, a truncation.
  // Copies via the constructor: a Node Buffer's slice() is a view, and mutating it would change the input.
  const inputs: Uint8Array[] = [];
  for (const p of packets) {
    inputs.push(p);
    for (const flips of [1, 2]) {
      const m = new Uint8Array(p);
      for (let i = 0; i < flips; i++) m[next() % m.length] ^= 1 << (next() % 8);
      inputs.push(m);
    }
    inputs.push(new Uint8Array(p.subarray(0, next() % (p.length + 1))));
  }
  inputs.forEach((bytes, i) => {
    const ours = parseJson(parsePacket(bytes));
    out.parses.push(ours);
    check(`parse #${i}`, ours, parseJson(refParsePacket(bytes)));
  });

  const area = new Uint8Array(70_008);
  for (let i = 0; i < area.length; i++) area[i] = next() & 0xff;
  const lengths = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1499, 1500, 4095, 4096, 65535, 70_000];
  for (let i = 0; i < 40; i++) lengths.push(next() % 70_001);
  for (const length of lengths) {
    for (let align = 0; align < 8; align++) {
      const view = area.subarray(align, align + length);
      const ours = internetChecksum(view);
      out.checksums.push(ours);
      check(`checksum len ${length} align ${align}`, ours, refInternetChecksum(view));
    }
  }

  for (let i = 0; i < 2000; i++) {
    // Mix uniform values with ones near the 2^31 boundary, where sequence comparison turns over.
    const a = next();
    const b = i % 4 === 0 ? (a + 0x7fffffff + (next() % 3) - 1) >>> 0 : next();
    const n = next() % 0x80000000;
    const size = next() % 0x10000;
    const row = [
      +seqLt(a, b),
      +seqLe(a, b),
      +seqGt(a, b),
      +seqGe(a, b),
      seqAdd(a, n),
      seqDiff(a, b),
      +seqInWindow(a, b, size),
    ];
    const ref = [
      +refSeqLt(a, b),
      +refSeqLe(a, b),
      +refSeqGt(a, b),
      +refSeqGe(a, b),
      refSeqAdd(a, n),
      refSeqDiff(a, b),
      +refSeqInWindow(a, b, size),
    ];
    out.seq.push(...row);
    check(`seq ${a} ${b} ${n} ${size}`, row.join(), ref.join());
  }

  for (let i = 0; i < 200; i++) {
    const fields: PacketFields = {
      src: next(),
      dst: next(),
      srcPort: next() & 0xffff,
      dstPort: next() & 0xffff,
      seq: next(),
      ack: next(),
      window: next() & 0xffff,
      flags: (next() & 0x3f) | TcpFlags.ACK,
      options: {
        ...(i % 2 === 0 ? { mss: 536 + (next() % 9000) } : {}),
        ...(i % 3 === 0 ? { windowScale: next() % 15, sackPermitted: true } : {}),
        ...(i % 5 === 0 ? { timestamps: { tsval: next(), tsecr: next() } } : {}),
        ...(i % 7 === 0 ? { sackBlocks: [{ left: next(), right: next() }] } : {}),
      },
      payload: area.subarray(i, i + (next() % 1500)),
    };
    const bytes = buildPacket(fields);
    out.builds.push(hex(bytes));
    check(`build #${i}`, hex(bytes), hex(refBuildPacket(fields)));
    const parsed = parsePacket(bytes);
    if (!parsed.ok) out.mismatches.push(`build #${i} does not parse: ${parsed.reason}`);
    else check(`build #${i} payload`, hex(parsed.payload), hex(fields.payload!));
  }
  return out;
}
