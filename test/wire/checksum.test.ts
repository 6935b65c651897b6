import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { internetChecksum, onesComplementSum, pseudoHeaderSum, checksumUpdate } from "../../src/wire/index.js";
import { mem8, FREE, wasm } from "../../src/wire/wasm.js";
import { refInternetChecksum, refOnesComplementSum, refPseudoHeaderSum, refChecksumUpdate } from "./reference/index.js";
import { xorshiftBytes } from "../helpers/bytes.js";

const MAX = 70000;

/** Deterministic pseudo-random bytes (xorshift32), so a failure names its seed. */
function randomBytes(length: number, seed: number, into = new Uint8Array(length)): Uint8Array {
  return xorshiftBytes(length, seed | 1, into);
}

function put16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >> 8;
  bytes[at + 1] = value & 255;
}

/** Zeroes the 16-bit checksum field at `at`, then stores the checksum of the whole buffer there. */
function fillChecksum(bytes: Uint8Array, at: number): number {
  put16(bytes, at, 0);
  const ck = internetChecksum(bytes);
  put16(bytes, at, ck);
  return ck;
}

describe("Internet checksum (RFC 1071)", () => {
  it("matches the RFC 1071 §3 worked example in both implementations", () => {
    const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    for (const sum of [onesComplementSum, refOnesComplementSum]) expect(sum(bytes)).toBe(0xddf2);
    for (const ck of [internetChecksum, refInternetChecksum]) expect(ck(bytes)).toBe(0x220d);
  });

  it("agrees with the reference for every length 0..70000 at every alignment, in WASM memory", () => {
    const bytes = randomBytes(MAX + 16, 0x5eed);
    // Reference sums of every prefix, built word by word: the same rule as refOnesComplementSum.
    const prefix = new Float64Array(MAX + 1);
    for (let n = 1; n <= MAX; n++) {
      prefix[n] = n % 2 === 0 ? prefix[n - 2] + bytes[n - 2] * 256 + bytes[n - 1] : prefix[n - 1] + bytes[n - 1] * 256;
    }
    for (const n of [0, 1, 63, 64, 65, 1500, 65536, 65537, MAX]) {
      const fold = refOnesComplementSum(bytes.subarray(0, n));
      let s = prefix[n];
      while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
      expect(s).toBe(fold);
    }
    for (let align = 0; align < 16; align++) {
      const base = FREE + align;
      mem8.set(bytes.subarray(0, MAX), base);
      const mismatches: string[] = [];
      for (let n = 0; n <= MAX; n++) {
        let s = prefix[n];
        while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
        const got = onesComplementSum(mem8.subarray(base, base + n));
        if (got !== s && mismatches.length < 5) mismatches.push(`align ${align} length ${n}: ${got} != ${s}`);
      }
      expect(mismatches).toEqual([]);
    }
  });

  it("keeps every lane in range on extreme words over a whole 2048-round chunk", () => {
    // 0x0000 and 0xffff words are the ends of the biased pair sums (assembly/checksum.ts), 0x8000 and 0x7fff
    // those of the signed 16-bit lanes; 256 KiB is the largest chunk summed in one vector before its lanes.
    const length = 256 << 10;
    const patterns: [string, (i: number) => number][] = [
      ["zeros", () => 0],
      ["ones", () => 0xff],
      ["0x8000 words", (i) => (i % 2 === 0 ? 0x80 : 0)],
      ["0x7fff words", (i) => (i % 2 === 0 ? 0x7f : 0xff)],
      ["0xffff and 0x0000 words in turn", (i) => (i % 4 < 2 ? 0xff : 0)],
    ];
    for (const [name, byte] of patterns) {
      const bytes = Uint8Array.from({ length }, (_, i) => byte(i));
      mem8.set(bytes, FREE);
      for (const n of [length, length - 1, length - 128, 128 * 1000 + 77, 1500, 129, 128, 127]) {
        const want = refOnesComplementSum(bytes.subarray(0, n), 0x1234);
        expect([name, n, wasm.onesSum(FREE, n, 0x1234)]).toEqual([name, n, want]);
      }
    }
  });

  it("agrees with the reference on random buffers, offsets and initial values (copy-in path)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer(),
        fc.nat(),
        (length, offset, seed, initial) => {
          const backing = randomBytes(length + offset, seed);
          const bytes = backing.subarray(offset);
          expect(onesComplementSum(bytes, initial)).toBe(refOnesComplementSum(bytes, initial));
          expect(internetChecksum(bytes, initial)).toBe(refInternetChecksum(bytes, initial));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("sums buffers larger than the WASM scratch area in chunks, odd lengths included", () => {
    for (const length of [131071, 200001, 1 << 20]) {
      const bytes = randomBytes(length, length);
      expect(internetChecksum(bytes, 0x1234)).toBe(refInternetChecksum(bytes, 0x1234));
    }
  });

  it("gives 0 over a header that carries its own correct checksum", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 60 }), (raw) => {
        const bytes = raw.subarray(0, raw.length & ~1);
        fillChecksum(bytes, 10);
        expect(internetChecksum(bytes)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("pseudo-header sum (RFC 9293 §3.1)", () => {
  it("agrees with the reference on random addresses, protocols and lengths", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 255 }),
        fc.nat({ max: 0xffff }),
        (src, dst, proto, len) => {
          expect(pseudoHeaderSum(src, dst, proto, len)).toBe(refPseudoHeaderSum(src, dst, proto, len));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("sums 10.0.0.1 -> 10.0.0.2, TCP, 40 bytes by hand", () => {
    // 0a00 + 0001 + 0a00 + 0002 + 0006 + 0028 = 0x1431
    expect(pseudoHeaderSum(0x0a000001, 0x0a000002, 6, 40)).toBe(0x1431);
  });
});

describe("incremental checksum update (RFC 1624)", () => {
  it("equals a full recomputation after any 16-bit field changes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 200 }),
        fc.nat(),
        fc.nat({ max: 0xffff }),
        (raw, at, value) => {
          const bytes = raw.subarray(0, raw.length & ~1);
          const ck = fillChecksum(bytes, 0);
          const i = 2 + 2 * (at % ((bytes.length - 2) / 2));
          const old = (bytes[i] << 8) | bytes[i + 1];
          put16(bytes, i, value);
          // All-zero data has no one's complement sum but -0; no IPv4 or TCP header is all zero.
          fc.pre(bytes.subarray(2).some((b) => b !== 0));
          const updated = checksumUpdate(ck, old, value);
          expect(updated).toBe(refChecksumUpdate(ck, old, value));
          put16(bytes, 0, updated);
          expect(refOnesComplementSum(bytes)).toBe(0xffff);
        },
      ),
      { numRuns: 500 },
    );
  });
});
