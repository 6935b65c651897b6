import { describe, expect, it } from "vitest";
import { sipHash24, sipHash24Into } from "../../src/wire/siphash.js";

const key = Uint8Array.from({ length: 16 }, (_, i) => i);
const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe("sipHash24Into", () => {
  it("gives the paper's vector for a message inside a larger buffer, into the caller's array", () => {
    // The paper's appendix A: key 00..0f, message 00..0e.
    const buffer = new Uint8Array(40).fill(0xee);
    buffer.set(message(15), 9);
    const out = new Uint32Array(2);
    expect(sipHash24Into(key, buffer, out, 9, 15)).toBe(out);
    expect([...out]).toEqual([0xa129ca61, 0x49be45e5]);
  });

  it("carries nothing from one call to the next: lengths 0..64 hash the same in either order", () => {
    const hash = (n: number) => [...sipHash24Into(key, message(n), new Uint32Array(2))];
    const lengths = Array.from({ length: 65 }, (_, n) => n);
    const up = lengths.map(hash);
    const down = [...lengths].reverse().map(hash).reverse();
    expect(down).toEqual(up);
    expect(new Set(up.map((h) => h.join())).size).toBe(65);
    expect(up[0]).toEqual([0x726fdb47, 0xdd0e0e31]);
    expect(sipHash24(key, message(15))).toEqual([0xa129ca61, 0x49be45e5]);
  });
});
