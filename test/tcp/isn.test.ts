import { describe, expect, it } from "vitest";
import { sipHash24 } from "../../src/wire/siphash.js";
import { IsnGenerator } from "../../src/tcp/isn.js";

const key = Uint8Array.from({ length: 16 }, (_, i) => i);

describe("SipHash-2-4", () => {
  it("matches the reference vectors of the paper and the reference code", () => {
    expect(sipHash24(key, new Uint8Array(0))).toEqual([0x726fdb47, 0xdd0e0e31]);
    expect(
      sipHash24(
        key,
        Uint8Array.from({ length: 15 }, (_, i) => i),
      ),
    ).toEqual([0xa129ca61, 0x49be45e5]);
    // vectors.h, message 00..07 (one whole block, empty tail)
    expect(
      sipHash24(
        key,
        Uint8Array.from({ length: 8 }, (_, i) => i),
      ),
    ).toEqual([0x93f5f579, 0x9a932462]);
  });
});

describe("RFC 6528 ISN", () => {
  it("depends on the key and the 4-tuple, and advances with the clock at 250 per ms", () => {
    const a = new IsnGenerator(key);
    const b = new IsnGenerator(Uint8Array.from({ length: 16 }, (_, i) => 255 - i));
    const x = a.next(0x0a000001, 1000, 0x0a000002, 80, 0);
    expect(a.next(0x0a000001, 1000, 0x0a000002, 80, 0)).toBe(x);
    expect(b.next(0x0a000001, 1000, 0x0a000002, 80, 0)).not.toBe(x);
    expect(a.next(0x0a000001, 1001, 0x0a000002, 80, 0)).not.toBe(x);
    expect(a.next(0x0a000001, 1000, 0x0a000002, 80, 4)).toBe((x + 1000) >>> 0);
  });
  it("draws a random key per generator when none is given", () => {
    const a = new IsnGenerator();
    const b = new IsnGenerator();
    expect(a.next(1, 2, 3, 4, 0)).not.toBe(b.next(1, 2, 3, 4, 0));
  });
});
