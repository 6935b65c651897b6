import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { seqLt, seqLe, seqGt, seqGe, seqAdd, seqDiff, seqInWindow } from "../../src/wire/index.js";
import { refSeqLt, refSeqLe, refSeqGt, refSeqGe, refSeqAdd, refSeqDiff, refSeqInWindow } from "./reference/index.js";

const u32 = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc.nat({ max: 64 }),
  fc.nat({ max: 64 }).map((d) => 0xffffffff - d),
  fc.nat({ max: 64 }).map((d) => 0x80000000 + d - 32),
);

describe("sequence arithmetic modulo 2^32 (RFC 9293 §3.4)", () => {
  it("TS and the reference agree on every comparison, sum and distance", () => {
    fc.assert(
      fc.property(u32, u32, (a, b) => {
        const expected = [refSeqLt(a, b), refSeqLe(a, b), refSeqGt(a, b), refSeqGe(a, b)];
        expect([seqLt(a, b), seqLe(a, b), seqGt(a, b), seqGe(a, b)]).toEqual(expected);
        expect(seqAdd(a, b)).toBe(refSeqAdd(a, b));
        expect(seqDiff(a, b)).toBe(refSeqDiff(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("TS and the reference agree on the window test, wrapped windows included", () => {
    fc.assert(
      fc.property(u32, u32, fc.oneof(fc.nat({ max: 0xffffffff }), fc.nat({ max: 70000 })), (x, start, size) => {
        const expected = refSeqInWindow(x, start, size);
        expect(seqInWindow(x, start, size)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("orders numbers across the wrap as TCP needs", () => {
    expect(seqLt(0xffffffff, 0)).toBe(true);
    expect(seqGt(0, 0xffffffff)).toBe(true);
    expect(seqLe(5, 5) && seqGe(5, 5) && !seqLt(5, 5) && !seqGt(5, 5)).toBe(true);
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqDiff(0xfffffff0, 0x10)).toBe(-0x20);
    // The window [0xfffffff0, 0x10) spans the wrap: its edges and both sides of zero.
    expect([0xffffffef, 0xfffffff0, 0xffffffff, 0, 0xf, 0x10].map((x) => seqInWindow(x, 0xfffffff0, 0x20))).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(seqInWindow(7, 7, 0)).toBe(false);
  });
});
