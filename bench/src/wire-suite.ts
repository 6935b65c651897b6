/**
 * The wire core's benchmark: Internet checksum throughput (WASM SIMD vs the best pure JS vs native C, on
 * the same bytes) and parse+validate+verify rates. Data for the WASM figures already lives in linear
 * memory, as packets should (design.md); the copy-in figures show what the API costs from a JS buffer.
 * Build figures include the copy out of WASM memory: into a fresh array a link can own (build_packet,
 * which pays V8's ArrayBuffer allocation per packet) or into a caller's buffer (build_packet_into).
 */
import {
  buildPacket,
  buildPacketInto,
  onesComplementSum,
  parseInto,
  parsePacket,
  ParsedRecord,
  TcpFlags,
} from "../../src/wire/index.js";
import type { PacketFields } from "../../src/wire/index.js";
import { wasm, mem8, FREE, LinearView } from "../../src/wire/wasm.js";
import { jsOnesComplementSum } from "./js-checksum.js";
import { compare, type Contender, type MeasureOptions } from "./measure.js";
import { buildNativeChecksum, type NativeVariant } from "./native.js";
import type { BenchOptions, BenchSuite, Figure } from "./suite.js";

/** Results land here so the JIT cannot drop the checksum loops as dead code. */
let _sink = 0;

const SIZES: [label: string, bytes: number][] = [
  ["64KiB", 65536],
  ["1500B", 1500],
];
const NATIVE: [key: string, variant: NativeVariant][] = [
  ["native_c", "portable"],
  ["native_c_intrinsics", "intrinsics"],
];

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7) & 255; // the same bytes as bench/native/checksum.c
  return b;
}

function checksumFigures(o: BenchOptions, m: MeasureOptions): Figure[] {
  const figures: Figure[] = [];
  const native = buildNativeChecksum();
  if (typeof native === "string") o.log(`native C skipped: ${native}`);
  else o.log(`native C: ${native.compiler}, -O3 -march=native`);
  for (const [label, size] of SIZES) {
    const bytes = pattern(size);
    const expected = onesComplementSum(bytes);
    mem8.set(bytes, FREE);
    const words = new Uint32Array(bytes.buffer, 0, size >> 2);
    const tail = bytes.subarray(size & ~3);
    const agree: [string, number][] = [
      ["WASM in place", wasm.onesSum(FREE, size, 0)],
      ["JS", jsOnesComplementSum(words, tail)],
    ];
    const contenders: Record<string, Contender> = {
      wasm_simd: {
        body: (n: number) => {
          for (let i = 0; i < n; i++) _sink ^= wasm.onesSum(FREE, size, 0);
        },
      },
      wasm_simd_copy_in: {
        body: (n: number) => {
          for (let i = 0; i < n; i++) _sink ^= onesComplementSum(bytes);
        },
      },
      js_uint32: {
        body: (n: number) => {
          for (let i = 0; i < n; i++) _sink ^= jsOnesComplementSum(words, tail);
        },
      },
    };
    for (const [key, variant] of NATIVE) {
      const probe = typeof native === "string" ? null : native(size, 1, variant);
      if (probe === null || typeof native === "string") continue;
      agree.push([key, probe.sum]);
      contenders[key] = { sample: () => native(size, m.minMs, variant)!.rate };
    }
    for (const [who, sum] of agree) if (sum !== expected) throw new Error(`${who} checksum ${sum} != ${expected}`);
    const r = compare(contenders, m);
    const gb = (k: string) => (r[k].median * size) / 1e9;
    for (const k of Object.keys(r)) figures.push({ name: `checksum.${k}.${label}`, value: gb(k), unit: "GB/s" });
    figures.push({ name: `checksum.ratio_wasm_vs_js.${label}`, value: gb("wasm_simd") / gb("js_uint32"), unit: "x" });
    if (r.native_c)
      figures.push({ name: `checksum.ratio_wasm_vs_c.${label}`, value: gb("wasm_simd") / gb("native_c"), unit: "x" });
    if (r.native_c_intrinsics) {
      figures.push({
        name: `checksum.ratio_wasm_vs_c_intrinsics.${label}`,
        value: gb("wasm_simd") / gb("native_c_intrinsics"),
        unit: "x",
      });
    }
  }
  return figures;
}

/** 16 distinct segments of `size` bytes with timestamps (the common case on the wire). */
function segmentFields(size: number): PacketFields[] {
  return Array.from({ length: 16 }, (_, i) => ({
    src: 0x0a000001,
    dst: 0x0a000002,
    srcPort: 40000 + i,
    dstPort: 8080,
    seq: i * 1448,
    ack: 1,
    flags: TcpFlags.ACK | TcpFlags.PSH,
    window: 502,
    options: { timestamps: { tsval: i, tsecr: 7 } },
    payload: pattern(size - 52).map((b) => b ^ i),
  }));
}

function parseFigures(m: MeasureOptions): Figure[] {
  const figures: Figure[] = [];
  const rec = new ParsedRecord();
  for (const size of [1500, 64]) {
    const fields = segmentFields(size);
    const slab = new Uint8Array(size);
    const packets = fields.map((f) => buildPacket(f));
    // The same packets inside linear memory as the packet arena hands them out, for the zero-copy path.
    const inWasm = packets.map((p, i) => {
      mem8.set(p, FREE + i * 2048);
      return new LinearView(FREE + i * 2048, p.length);
    });
    const fail = () => {
      throw new Error("a valid packet was rejected or built wrong");
    };
    const r = compare(
      {
        // The anchor of the wire core's target: the checksum of the same bytes alone, in place.
        "checksum.of_packet": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) _sink ^= wasm.onesSum(inWasm[i & 15].address, size, 0);
          },
        },
        "parse.parse_into": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) if (parseInto(packets[i & 15], rec) !== null) fail();
          },
        },
        "parse.parse_into_in_wasm": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) if (parseInto(inWasm[i & 15], rec) !== null) fail();
          },
        },
        "parse.parse_packet": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) if (!parsePacket(packets[i & 15]).ok) fail();
          },
        },
        "build.build_packet": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) if (buildPacket(fields[i & 15]).length !== size) fail();
          },
        },
        "build.build_packet_into": {
          body: (n: number) => {
            for (let i = 0; i < n; i++) if (buildPacketInto(fields[i & 15], slab) !== size) fail();
          },
        },
      },
      m,
    );
    for (const [k, rate] of Object.entries(r))
      figures.push({ name: `${k}.${size}B`, value: rate.median / 1e6, unit: "Mpkt/s" });
    figures.push({
      name: `parse.cost_vs_checksum.${size}B`,
      value: 1e9 / r["parse.parse_into_in_wasm"].median,
      unit: "ns",
      anchor: { name: `checksum of the ${size} bytes alone`, value: 1e9 / r["checksum.of_packet"].median },
    });
  }
  return figures;
}

const suite: BenchSuite = {
  name: "wire",
  targets: [
    { figure: "checksum.ratio_wasm_vs_js.64KiB", atLeast: 10, what: "WASM checksum >= 10x the best pure JS at 64 KiB" },
    {
      figure: "checksum.ratio_wasm_vs_c.64KiB",
      atLeast: 0.75,
      what: "WASM checksum >= 0.75x native C (gcc -O3 -march=native) at 64 KiB",
    },
    { figure: "parse.parse_into.1500B", atLeast: 5, what: "parse+validate+verify of 1500-byte packets >= 5 M/s" },
    {
      figure: "parse.cost_vs_checksum.1500B",
      on: "ratio",
      atMost: 1.5,
      what: "parse+validate+verify of a 1500-byte packet in place <= 1.5x its checksum alone",
    },
  ],
  async run(o) {
    const m: MeasureOptions = o.quick ? { runs: 3, minMs: 40 } : { runs: 9, minMs: 150 };
    return [...checksumFigures(o, m), ...parseFigures(m)];
  },
};

export default suite;
